/* test_spool: the external merge sort behind scan's text table (spool.c):
 * records come back sorted, equal ones in the order added, each once,
 * whether they fit in memory, fill a few runs, or so many runs that the
 * oldest are merged first (VT_SPOOL_RUN=3: 5,000 records make 1,667 runs). */
#include "t.h"
#include "util/spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 5000

/* Records are "KEY SEQ": compared by KEY only (its first word). */
static int
cmp_key(const char *a, size_t alen, const char *b, size_t blen)
{
    (void)alen;
    (void)blen;
    size_t la = strcspn(a, " "), lb = strcspn(b, " ");
    int c = memcmp(a, b, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

struct seen {
    char last_key[32];
    long last_seq;
    int n, bad_order, bad_tie;
    char once[N];
};

static int
check(void *arg, const char *rec, size_t len)
{
    struct seen *s = arg;
    char key[32];
    long seq;
    if (len != strlen(rec) || sscanf(rec, "%31s %ld", key, &seq) != 2 || seq < 0 || seq >= N)
        return 1;
    int c = s->n ? strcmp(s->last_key, key) : -1;
    s->bad_order += c > 0;
    s->bad_tie += c == 0 && seq < s->last_seq;
    s->once[seq]++;
    snprintf(s->last_key, sizeof(s->last_key), "%s", key);
    s->last_seq = seq;
    s->n++;
    return 0;
}

static void
run(const char *run_hook, const char *what)
{
    if (run_hook)
        setenv("VT_SPOOL_RUN", run_hook, 1);
    else
        unsetenv("VT_SPOOL_RUN");
    struct spool *sp = spool_new(cmp_key);
    unsetenv("VT_SPOOL_RUN");
    unsigned x = 12345;
    int added = 0;
    for (int i = 0; i < N; i++) {
        char rec[64];
        x = x * 1103515245u + 12345u;
        /* 97 distinct keys of varied length, so there are ties */
        int len = snprintf(rec, sizeof(rec), "k%u %d", (x >> 16) % 97 * 1009, i);
        added += spool_add(sp, rec, (size_t)len) == 0;
    }
    struct seen *s = calloc(1, sizeof(*s));
    T_EQ_INT(t_fmt("%s: every record added", what), added, N);
    T_EQ_INT(t_fmt("%s: spool_each succeeds", what), spool_each(sp, check, s), 0);
    T_EQ_INT(t_fmt("%s: every record read", what), s->n, N);
    T_EQ_INT(t_fmt("%s: sorted by key", what), s->bad_order, 0);
    T_EQ_INT(t_fmt("%s: equal keys in the order added", what), s->bad_tie, 0);
    int once = 0;
    for (int i = 0; i < N; i++)
        once += s->once[i] == 1;
    T_EQ_INT(t_fmt("%s: each record once", what), once, N);
    T_EQ_INT(t_fmt("%s: spool_count", what), (long long)spool_count(sp), N);
    free(s);
    spool_free(sp);
}

int
test_spool(void)
{
    int before = t_failed;
    run(NULL, "one run in memory");
    run("1000", "5 runs on file");
    run("3", "1,667 runs, merged 32 at a time");
    return t_failed - before;
}
