/* rule_index: the crash rules' index by function name (see rule_index.h). */
#include "rules/rule_index.h"
#include "rules/kb_rules.h"
#include "util/util_mem.h"
#include "util/work_count.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_key(const void *a, const void *b)
{
    const struct rule_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

struct rule_index *
rule_index_build(const struct ruleset *rs)
{
    struct rule_key *keys = NULL;
    unsigned *always = NULL;
    size_t nkeys = 0, capk = 0, nalways = 0, capa = 0;
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->v[i]->kind != REC_CRASH)
            continue;
        struct rule_patterns k = {NULL, 0, 0};
        if (!rule_keys(rs->v[i], RULE_INDEX_FIELD, &k)) {
            XGROW(always, capa, nalways + 1);
            always[nalways++] = (unsigned)i;
            continue;
        }
        for (size_t j = 0; j < k.n; j++) {
            XGROW(keys, capk, nkeys + 1);
            keys[nkeys++] = (struct rule_key){xstrdup(k.v[j].expr), (unsigned)i};
        }
        rule_patterns_release(&k);
    }
    if (nkeys > 1)
        qsort(keys, nkeys, sizeof(*keys), cmp_key);
    struct rule_index *ix = xcalloc(1, sizeof(*ix));
    *ix = (struct rule_index){keys, nkeys, always, nalways};
    return ix;
}

void
rule_index_free(struct rule_index *ix)
{
    if (ix == NULL)
        return;
    for (size_t i = 0; i < ix->nkeys; i++)
        free((char *)ix->keys[i].key);
    free((struct rule_key *)ix->keys);
    free((unsigned *)ix->always);
    free(ix);
}

static pthread_mutex_t g_build_mu = PTHREAD_MUTEX_INITIALIZER;

const struct rule_index *
ruleset_crash_index(const struct ruleset *rs)
{
    if (ruleset_is_builtin(rs))
        return &kb_crash_index;
    /* the cache is the one thing this writes in a ruleset it reads */
    struct rule_index *_Atomic *slot = (struct rule_index *_Atomic *)&rs->crash_index;
    struct rule_index *ix = atomic_load_explicit(slot, memory_order_acquire);
    if (ix != NULL)
        return ix;
    pthread_mutex_lock(&g_build_mu);
    if ((ix = atomic_load_explicit(slot, memory_order_relaxed)) == NULL) {
        ix = rule_index_build(rs);
        atomic_store_explicit(slot, ix, memory_order_release);
    }
    pthread_mutex_unlock(&g_build_mu);
    return ix;
}

static int
cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return (x > y) - (x < y);
}

/* Appends the rules keyed by `name` (lower-cased here) to out. */
static void
add_named(const struct rule_index *ix, const char *name, unsigned **out, size_t *n, size_t *cap)
{
    char buf[256];
    size_t len = strlen(name);
    char *low = len < sizeof(buf) ? buf : xmalloc(len + 1);
    for (size_t i = 0; i <= len; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    size_t lo = 0, hi = ix->nkeys; /* the first key >= low */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->keys[mid].key, low) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ix->nkeys && strcmp(ix->keys[lo].key, low) == 0; lo++) {
        XGROW(*out, *cap, *n + 1);
        (*out)[(*n)++] = ix->keys[lo].rule;
    }
    if (low != buf)
        free(low);
}

size_t
rule_index_candidates(const struct rule_index *ix, const struct record *r, unsigned **out,
                      size_t *cap)
{
    size_t n = 0;
    XGROW(*out, *cap, ix->nalways + 1);
    memcpy(*out, ix->always, ix->nalways * sizeof(**out));
    n = ix->nalways;
    static const struct field_def *_Atomic functions;
    const struct field_def *f = atomic_load(&functions);
    if (f == NULL) {
        f = field_lookup(REC_CRASH, RULE_INDEX_FIELD);
        atomic_store(&functions, f);
    }
    struct fv v = field_get(f, r);
    for (long long i = 0; v.t == FV_LIST && i < v.i; i++)
        add_named(ix, v.list[i], out, &n, cap);
    if (v.t == FV_STR)
        add_named(ix, v.s, out, &n, cap);
    if (n > 1)
        qsort(*out, n, sizeof(**out), cmp_unsigned);
    size_t u = 0; /* each once */
    for (size_t i = 0; i < n; i++)
        if (u == 0 || (*out)[u - 1] != (*out)[i])
            (*out)[u++] = (*out)[i];
    atomic_fetch_add(&vt_work.crash_rules_tried, u);
    return u;
}
