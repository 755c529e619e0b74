/* t.h: the unit-test harness (after redis src/testhelp.h), kept tiny so a
 * failing check is easy to read: only failures print, as
 * `not ok - <desc> (file:line: got X, expected Y)`; tests/unit/main.c sums up.
 * Each tests/unit/test_<module>.c defines `int test_<module>(void)` returning
 * its number of failures and is listed in main.c's registry. */
#ifndef VT_T_H
#define VT_T_H

#include <stdio.h>
#include <string.h>

extern int t_passed, t_failed, t_skipped;
extern const char *t_shared; /* the shared folder (--shared, $VT_SHARED, ../shared) */

static inline int
t_result(int ok, const char *desc, const char *file, int line, const char *detail)
{
    if (ok) {
        t_passed++;
        return 1;
    }
    t_failed++;
    printf("not ok - %s (%s:%d%s%s)\n", desc, file, line, detail ? ": " : "", detail ? detail : "");
    return 0;
}

static inline int
t_eq_str(const char *got, const char *want, const char *desc, const char *file, int line)
{
    char d[512];
    int ok = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
    snprintf(d, sizeof(d), "got %s%s%s, expected %s%s%s", got ? "\"" : "", got ? got : "NULL",
             got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
    return t_result(ok, desc, file, line, d);
}

static inline int
t_eq_int(long long got, long long want, const char *desc, const char *file, int line)
{
    char d[128];
    snprintf(d, sizeof(d), "got %lld, expected %lld", got, want);
    return t_result(got == want, desc, file, line, d);
}

#define T_CHECK(desc, cond) t_result(!!(cond), (desc), __FILE__, __LINE__, NULL)
#define T_EQ_STR(desc, got, want) t_eq_str((got), (want), (desc), __FILE__, __LINE__)
#define T_EQ_INT(desc, got, want)                                                                  \
    t_eq_int((long long)(got), (long long)(want), (desc), __FILE__, __LINE__)

/* A description built like printf, for table rows; valid until the 8th next call. */
const char *t_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Splits a TSV line in place (PROVENANCE.tsv rows): points col[0..] at up to
 * `max` fields and returns how many there were. */
size_t t_split_tabs(char *line, char **col, size_t max);
/* Prints `skip - <desc>` and counts it: checks that cannot run here are
 * skipped, never passed. */
void t_skip(const char *desc);
/* Whether `path` (in the shared folder: corpus, seeds) exists. When it does
 * not: under CI=true a failed check, else a counted skip of `what`. */
int t_have_shared(const char *path, const char *what);

int test_vmx_parse(void);
int test_vmx_edit(void);
int test_inventory(void);
int test_quote(void);
int test_spool(void);
int test_fix_status(void);
int test_vm(void);
int test_corpus(void);
int test_rules(void);
int test_kb_startup(void);
int test_log_literals(void);
int test_psod(void);
int test_psod_forms(void);
int test_psod_culprit(void);
int test_log_line(void);
int test_log_decode(void);
int test_logs(void);
int test_host_facts(void);
int test_dump(void);
int test_bundle(void);
int test_cpu(void);
int test_console(void);
int test_vsphere(void);
int test_report_read(void);

#endif
