/* rules_re: runs a rule's |re test under explicit PCRE2 limits.
 *
 * A regex from --rules DIR may backtrack catastrophically ((a+)+$ on a long
 * line). PCRE2 then returns a limit error, not "no match": the rule's answer
 * for that record is unknown, and saying nothing would be an all-clear for
 * a record that was not checked. The error is kept per thread (matching runs
 * on worker threads) until the code that knows the record's file and line
 * reports it (rule_re_report). */
#include "rules/rules_re.h"
#include "util/work_count.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* One match context for every thread: pcre2_match only reads it. Created
 * once, kept for the process (so it is reachable, never a leak). */
static pcre2_match_context *g_ctx;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void
make_ctx(void)
{
    g_ctx = pcre2_match_context_create(NULL);
    if (g_ctx == NULL)
        return; /* out of memory: matches then run without a context */
    pcre2_set_match_limit(g_ctx, RULE_RE_MATCH_LIMIT);
    pcre2_set_depth_limit(g_ctx, RULE_RE_DEPTH_LIMIT);
    pcre2_set_heap_limit(g_ctx, RULE_RE_HEAP_LIMIT_KIB);
}

static pthread_mutex_t g_compile_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool g_jit = true;

void
rule_re_set_jit(bool on)
{
    atomic_store(&g_jit, on);
}

const pcre2_code *
rule_re_code(pcre2_code *_Atomic *slot, const char *pattern)
{
    pcre2_code *re = atomic_load_explicit(slot, memory_order_acquire);
    if (re != NULL)
        return re;
    pthread_mutex_lock(&g_compile_mu);
    re = atomic_load_explicit(slot, memory_order_relaxed);
    if (re == NULL) {
        int code;
        PCRE2_SIZE off;
        re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off,
                           NULL);
        atomic_fetch_add(&vt_work.regexes, 1);
        if (re != NULL) {
            if (atomic_load(&g_jit) && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0)
                atomic_fetch_add(&vt_work.regexes_jit, 1);
            atomic_store_explicit(slot, re, memory_order_release);
        }
    }
    pthread_mutex_unlock(&g_compile_mu);
    return re;
}

/* The first test that gave up on this thread since the last report. */
static _Thread_local struct {
    unsigned long count;
    int code;
    char pattern[120];
} t_failed;

bool
rule_re_match(const pcre2_code *re, const char *pattern, const char *subject)
{
    pthread_once(&g_once, make_ctx);
    pcre2_match_data *md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
    if (md == NULL) {
        if (t_failed.count++ == 0) {
            t_failed.code = re ? PCRE2_ERROR_NOMEMORY : PCRE2_ERROR_INTERNAL;
            snprintf(t_failed.pattern, sizeof(t_failed.pattern), "%s", pattern ? pattern : "");
        }
        return false;
    }
    int rc = pcre2_match(re, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, g_ctx);
    pcre2_match_data_free(md);
    if (rc >= 0)
        return true;
    if (rc != PCRE2_ERROR_NOMATCH && t_failed.count++ == 0) {
        t_failed.code = rc;
        snprintf(t_failed.pattern, sizeof(t_failed.pattern), "%s", pattern ? pattern : "");
    }
    return false;
}

bool
rule_re_report(struct diags *d, const char *path, unsigned long line)
{
    if (t_failed.count == 0)
        return false;
    PCRE2_UCHAR why[120];
    if (pcre2_get_error_message(t_failed.code, why, sizeof(why)) < 0)
        snprintf((char *)why, sizeof(why), "error %d", t_failed.code);
    diags_add(d, DIAG_ERROR, path, line,
              "the rule regex '%s' gave up (%s)%s; the rules that use it were not decided for "
              "this record",
              t_failed.pattern, (const char *)why,
              t_failed.count > 1 ? " and more tests gave up" : "");
    t_failed.count = 0;
    return true;
}

unsigned long
rule_re_take(void)
{
    unsigned long n = t_failed.count;
    t_failed.count = 0;
    return n;
}
