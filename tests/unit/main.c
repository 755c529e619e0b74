/* main: runs the unit tests of every library module (a registry, as redis's
 * redisTests[]), so `make check` has one binary that ends with
 * `unit: N passed, N failed, N skipped` and exits 1 when anything failed
 * (a skip: a corpus test without the shared folder, outside CI).
 *
 * Usage: unit [--shared DIR] [MODULE...]
 *   --shared DIR  the shared folder holding corpus/ (default $VT_SHARED, else ../shared)
 *   MODULE        run only these modules (vmx_parse, vm, corpus, rules) */
#include "t.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int t_passed, t_failed, t_skipped;
const char *t_shared;

const char *
t_fmt(const char *fmt, ...)
{
    static char ring[8][256];
    static unsigned next;
    char *s = ring[next++ % 8];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof(ring[0]), fmt, ap);
    va_end(ap);
    return s;
}

size_t
t_split_tabs(char *line, char **col, size_t max)
{
    size_t n = 0;
    for (char *p = line; n < max && p; n++) {
        col[n] = p;
        p = strchr(p, '\t');
        if (p)
            *p++ = '\0';
    }
    return n;
}

void
t_skip(const char *desc)
{
    t_skipped++;
    printf("skip - %s\n", desc);
}

int
t_have_shared(const char *path, const char *what)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return 1;
    const char *ci = getenv("CI");
    if (ci && strcmp(ci, "true") == 0)
        T_CHECK(t_fmt("%s: %s exists (required under CI=true)", what, path), 0);
    else
        t_skip(t_fmt("%s: %s missing (the shared folder: ../shared beside the clone, or "
                     "VT_SHARED=DIR)",
                     what,
                     path));
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(void);
} tests[] = {
    {"vmx_parse", test_vmx_parse},
    {"vmx_edit", test_vmx_edit},
    {"inventory", test_inventory},
    {"quote", test_quote},
    {"spool", test_spool},
    {"fix_status", test_fix_status},
    {"vm", test_vm},
    {"corpus", test_corpus},
    {"rules", test_rules},
    {"kb_startup", test_kb_startup},
    {"log_literals", test_log_literals},
    {"psod", test_psod},
    {"psod_forms", test_psod_forms},
    {"psod_culprit", test_psod_culprit},
    {"log_line", test_log_line},
    {"log_decode", test_log_decode},
    {"logs", test_logs},
    {"host_facts", test_host_facts},
    {"dump", test_dump},
    {"bundle", test_bundle},
    {"cpu", test_cpu},
    {"console", test_console},
    {"vsphere", test_vsphere},
    {"report_read", test_report_read},
};

#define NTESTS (sizeof(tests) / sizeof(tests[0]))

static void
usage(FILE *fp)
{
    fprintf(fp, "usage: unit [--shared DIR] [MODULE...]\nmodules:");
    for (size_t i = 0; i < NTESTS; i++)
        fprintf(fp, " %s", tests[i].name);
    fprintf(fp, "\n");
}

int
main(int argc, char **argv)
{
    const char *env = getenv("VT_SHARED");
    t_shared = env && *env ? env : "../shared";
    int want[NTESTS] = {0};
    int any = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc) {
            t_shared = argv[++i];
        } else if (strncmp(argv[i], "--shared=", 9) == 0) {
            t_shared = argv[i] + 9;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            size_t k = 0;
            while (k < NTESTS && strcmp(tests[k].name, argv[i]) != 0)
                k++;
            if (k == NTESTS) {
                fprintf(stderr, "unit: unknown module or option '%s'\n", argv[i]);
                usage(stderr);
                return 2;
            }
            want[k] = any = 1;
        }
    }
    for (size_t k = 0; k < NTESTS; k++) {
        if (any && !want[k])
            continue;
        int before = t_failed;
        int failed = tests[k].fn();
        if (failed != t_failed - before) {
            printf("not ok - test_%s returned %d failures but %d were counted\n", tests[k].name,
                   failed, t_failed - before);
            t_failed++;
        }
    }
    printf("unit: %d passed, %d failed, %d skipped\n", t_passed, t_failed, t_skipped);
    return t_failed ? 1 : 0;
}
