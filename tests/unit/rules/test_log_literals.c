/* test_log_literals: the built-in log prefilter's patterns searched as plain
 * strings (log_literals.h) find exactly what hyperscan finds with the
 * database compiled from the same patterns: the same (pattern, end) pairs,
 * on the shared corpus's host logs and purple screens, on the examples, and
 * on a text holding every pattern in mixed case, overlapping its neighbours.
 * Hyperscan is the reference: its matches are what `logs` has always read. */
#include "rules/log_literals.h"
#include "rules/log_prefilter.h"
#include "rules/rules.h"
#include "source/walk.h"
#include "t.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <dirent.h>
#include <hs.h>
#include <stdlib.h>
#include <string.h>

extern const struct log_prefilter_builtin vt_prefilter_builtin;

struct pairs {
    unsigned long long *v; /* end << 16 | id */
    size_t n, cap;
};

static int
hs_pair(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from;
    (void)flags;
    struct pairs *p = ctx;
    XGROW(p->v, p->cap, p->n + 1);
    p->v[p->n++] = to << 16 | id;
    return 0;
}

static int
lit_pair(unsigned id, unsigned long long to, void *ctx)
{
    return hs_pair(id, 0, to, 0, ctx);
}

static int
cmp_ull(const void *a, const void *b)
{
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return (x > y) - (x < y);
}

/* Whether both searches of `text` give the same pairs; *found: how many. */
static bool
same_matches(const struct log_prefilter *pf, hs_scratch_t *scratch, const char *text, size_t len,
             size_t *found)
{
    struct pairs a = {0}, b = {0};
    hs_scan(pf->db, text, (unsigned)len, 0, scratch, hs_pair, &a);
    log_literals_scan(vt_prefilter_builtin.literals, text, len, lit_pair, &b);
    bool ordered = true; /* the table reports in order of end, as log_scan needs */
    for (size_t i = 1; i < b.n; i++)
        ordered &= (b.v[i - 1] >> 16) <= (b.v[i] >> 16);
    if (a.n > 1)
        qsort(a.v, a.n, sizeof(*a.v), cmp_ull);
    if (b.n > 1)
        qsort(b.v, b.n, sizeof(*b.v), cmp_ull);
    bool same = ordered && a.n == b.n && (a.n == 0 || memcmp(a.v, b.v, a.n * sizeof(*a.v)) == 0);
    *found = a.n;
    free(a.v);
    free(b.v);
    return same;
}

/* Every pattern, caseless ones in alternating case, each followed by the
 * start of the next (overlaps), one per line and then all on one line. */
static char *
all_patterns(size_t *len)
{
    const struct log_literals *t = vt_prefilter_builtin.literals;
    struct buf b = BUF_INIT;
    for (int line = 0; line < 2; line++)
        for (size_t i = 0; i < t->n; i++) {
            const struct log_literal *l = &t->v[i];
            for (unsigned k = 0; k < l->len; k++) {
                char c = l->bytes[k];
                if (l->caseless && (k + i) % 2 && c >= 'a' && c <= 'z')
                    c = (char)(c - 32);
                else if (l->caseless && (k + i) % 2 && c >= 'A' && c <= 'Z')
                    c = (char)(c + 32);
                buf_addc(&b, c);
            }
            const struct log_literal *next = &t->v[(i + 1) % t->n];
            buf_add(&b, next->bytes, next->len > 3 ? 3 : next->len);
            buf_addc(&b, line == 0 ? '\n' : ' ');
        }
    *len = b.len;
    return buf_detach(&b);
}

static void
files_of(const char *dir, const struct log_prefilter *pf, hs_scratch_t *scratch, size_t *files,
         size_t *found, size_t *differ)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        size_t len;
        char *text = NULL;
        struct diags rd = DIAGS_INIT;
        if (read_small_file(path, 8u << 20, &text, &len, &rd) == 0 && text != NULL) {
            size_t n;
            if (!same_matches(pf, scratch, text, len, &n) && (*differ)++ == 0)
                T_CHECK(t_fmt("%s: the same matches as hyperscan", path), 0);
            (*files)++;
            *found += n;
        }
        free(text);
        diags_release(&rd);
        free(path);
    }
    closedir(d);
}

int
test_log_literals(void)
{
    int failed = t_failed;
    if (!T_CHECK("the built-in patterns are all plain strings (a table was written)",
                 &vt_prefilter_builtin != NULL && vt_prefilter_builtin.literals != NULL))
        return t_failed - failed;
    struct ruleset rs = RULESET_INIT;
    struct diags d = DIAGS_INIT;
    rules_load_builtin(&rs, &d);
    log_prefilter_prefer_literals(false);
    struct log_prefilter *pf = log_prefilter_new(&rs, &d);
    hs_scratch_t *scratch = NULL;
    if (!T_CHECK("the database deserializes", pf->db != NULL) ||
        !T_CHECK("scratch", hs_alloc_scratch(pf->db, &scratch) == HS_SUCCESS)) {
        log_prefilter_free(pf);
        return t_failed - failed;
    }
    size_t len, n;
    char *text = all_patterns(&len);
    T_CHECK("every pattern, mixed case and overlapping: the same matches",
            same_matches(pf, scratch, text, len, &n));
    T_CHECK(t_fmt("and each is found (%zu matches, %zu patterns)", n,
                  vt_prefilter_builtin.literals->n),
            n >= 2 * vt_prefilter_builtin.literals->n);
    free(text);
    T_CHECK("a text of NUL bytes and nothing else: the same",
            same_matches(pf, scratch, "\0\0\0\0\0H:0x\0", 9, &n) && n == 1);

    size_t files = 0, found = 0, differ = 0;
    files_of("examples/psod", pf, scratch, &files, &found, &differ);
    files_of("examples/logs/var/run/log", pf, scratch, &files, &found, &differ);
    char *esxi = xasprintf("%s/corpus/esxi", t_shared);
    if (t_have_shared(esxi, "log_literals"))
        files_of(esxi, pf, scratch, &files, &found, &differ);
    free(esxi);
    T_CHECK(t_fmt("files searched both ways (%zu, %zu matches)", files, found),
            files >= 3 && found > 0);
    T_EQ_INT("files where the two differ", differ, 0);

    /* the preference is what log_prefilter_new follows */
    log_prefilter_prefer_literals(true);
    struct log_prefilter *small = log_prefilter_new(&rs, &d);
    T_CHECK("preferred: no database, the table",
            small->db == NULL && small->literals == vt_prefilter_builtin.literals);
    log_prefilter_free(small);
    log_prefilter_prefer_literals(false);

    hs_free_scratch(scratch);
    log_prefilter_free(pf);
    ruleset_release(&rs);
    diags_release(&d);
    return t_failed - failed;
}
