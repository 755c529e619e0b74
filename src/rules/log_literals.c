/* log_literals: the literal search of log_literals.h. */
#include "rules/log_literals.h"
#include "util/util_mem.h"
#include "util/util_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

unsigned
log_literals_bucket(const char *p, bool low)
{
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < LOG_LITERALS_KEY; i++) {
        unsigned char c = (unsigned char)p[i];
        h = (h ^ (low ? ascii_lower(c) : c)) * 16777619u;
    }
    return (h ^ (h >> 15)) & (LOG_LITERALS_BUCKETS - 1);
}

struct match {
    size_t end;
    unsigned id;
};

static bool
at(const struct log_literal *l, const char *p, size_t room)
{
    if (l->len > room)
        return false;
    return l->caseless ? strncasecmp(p, l->bytes, l->len) == 0 : memcmp(p, l->bytes, l->len) == 0;
}

static void
add(struct match **m, size_t *n, size_t *cap, size_t end, unsigned id)
{
    XGROW(*m, *cap, *n + 1);
    (*m)[(*n)++] = (struct match){end, id};
}

/* Every pattern of `ids` that matches at p, with a key of mode `low`. */
static void
try_ids(const struct log_literals *t, const uint16_t *ids, size_t nids, bool low, bool any,
        const char *p, size_t room, size_t pos, struct match **m, size_t *n, size_t *cap)
{
    unsigned char c = (unsigned char)*p;
    for (size_t i = 0; i < nids; i++) {
        const struct log_literal *l = &t->v[ids[i]];
        unsigned char f = (unsigned char)l->bytes[0];
        if (l->caseless ? ascii_lower(c) != ascii_lower(f) : c != f)
            continue;
        if ((any || l->caseless == low) && at(l, p, room))
            add(m, n, cap, pos + l->len - 1, ids[i]);
    }
}

static int
cmp_match(const void *a, const void *b)
{
    const struct match *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

bool
log_literals_scan(const struct log_literals *t, const char *data, size_t len,
                  int (*cb)(unsigned id, unsigned long long to, void *ctx), void *ctx)
{
    struct match *m = NULL;
    size_t n = 0, cap = 0;
    for (size_t pos = 0; pos < len; pos++) {
        const char *p = data + pos;
        size_t room = len - pos;
        if (room >= 2) {
            unsigned k = (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
            if (!(t->first2[k >> 3] & (1u << (k & 7))))
                continue;
        } else if (!t->first[(unsigned char)*p]) {
            continue;
        }
        try_ids(t, t->short_ids, t->nshort, false, true, p, room, pos, &m, &n, &cap);
        if (room < LOG_LITERALS_KEY)
            continue;
        unsigned b = log_literals_bucket(p, false), bl = log_literals_bucket(p, true);
        /* exact patterns are keyed on the bytes as they are, caseless ones on
         * them lower-cased: one bucket when the two keys fall together */
        if (b == bl) {
            try_ids(t, t->ids + t->at[b], t->at[b + 1] - t->at[b], false, true, p, room, pos, &m,
                    &n, &cap);
        } else {
            try_ids(t, t->ids + t->at[b], t->at[b + 1] - t->at[b], false, false, p, room, pos, &m,
                    &n, &cap);
            try_ids(t, t->ids + t->at[bl], t->at[bl + 1] - t->at[bl], true, false, p, room, pos,
                    &m, &n, &cap);
        }
    }
    if (n > 1)
        qsort(m, n, sizeof(*m), cmp_match);
    bool stopped = false;
    for (size_t i = 0; i < n && !stopped; i++)
        stopped = cb(m[i].id, (unsigned long long)m[i].end + 1, ctx) != 0;
    free(m);
    return stopped;
}
