/* replay: feeds saved fuzz inputs through the fuzz targets without libFuzzer
 * (sqlite's fuzzcheck.c), so `make check` and `make asan` re-run every corpus
 * input and every fixed crasher on each build.
 *
 * Usage: fuzz-replay DIR...
 * Every regular file of each DIR (not recursive, dot files and README* left
 * out) goes to the target named by a path component of DIR (`vmx`, `vmxedit`, `rules`,
 * `psod`, `logs`, `logline`, `logdecode`, `dump`, `bundle`, `cpu`, `hostfacts`, `console`, `vsphere`, `report`, `reliteral`; `esxi`, the shared corpus of
 * purple screens and host logs, goes through both `psod` and `logs`;
 * `minidump`, the shared corpus of Windows crash dumps, through `dump`); in a
 * folder named none of them, such as fuzz/crashers, by the file name's
 * prefix (`vmx-...`, `logs-...` ...). Prints
 * `fuzz-replay: N inputs, 0 crashes` and exits 0; a crash aborts the process
 * (under ASan with a report). Exits 2 on bad usage or an input whose target is unknown. */
#define VT_FUZZ_REPLAY 1
#include "fuzz_bundle.c"
#include "fuzz_console.c"
#include "fuzz_cpu.c"
#include "fuzz_dump.c"
#include "fuzz_hostfacts.c"
#include "fuzz_inventory.c"
#include "fuzz_logdecode.c"
#include "fuzz_logline.c"
#include "fuzz_logs.c"
#include "fuzz_psod.c"
#include "fuzz_quote.c"
#include "fuzz_re_literal.c"
#include "fuzz_report.c"
#include "fuzz_rules.c"
#include "fuzz_vmx.c"
#include "fuzz_vmx_edit.c"
#include "fuzz_vsphere.c"

#include "util/util_mem.h"
#include "source/walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The shared corpus/esxi holds purple screens and host logs: both readers. */
static int
fuzz_esxi_one(const uint8_t *data, size_t size)
{
    fuzz_psod_one(data, size);
    return fuzz_logs_one(data, size);
}

enum target { T_NONE, T_VMXEDIT, T_VMX, T_RULES, T_PSOD, T_LOGDECODE, T_LOGLINE, T_LOGS, T_ESXI, T_DUMP, T_BUNDLE, T_CPU, T_HOSTFACTS, T_QUOTE, T_RELITERAL, T_CONSOLE, T_VSPHERE, T_REPORT, T_INVENTORY };

static const struct {
    const char *name;
    enum target t;
    int (*one)(const uint8_t *, size_t);
} targets[] = {
    {"vmxedit", T_VMXEDIT, fuzz_vmx_edit_one}, /* before vmx: file prefixes */
    {"vmx", T_VMX, fuzz_vmx_one},
    {"rules", T_RULES, fuzz_rules_one},
    {"psod", T_PSOD, fuzz_psod_one},
    {"esxi", T_ESXI, fuzz_esxi_one}, /* shared corpus/esxi: PSOD texts and host logs */
    {"logs", T_LOGS, fuzz_logs_one},
    {"logdecode", T_LOGDECODE, fuzz_logdecode_one},
    {"logline", T_LOGLINE, fuzz_logline_one},
    {"dump", T_DUMP, fuzz_dump_one},
    {"bundle", T_BUNDLE, fuzz_bundle_one},
    {"cpu", T_CPU, fuzz_cpu_one},
    {"hostfacts", T_HOSTFACTS, fuzz_hostfacts_one},
    {"quote", T_QUOTE, fuzz_quote_one},
    {"reliteral", T_RELITERAL, fuzz_re_literal_one},
    {"console", T_CONSOLE, fuzz_console_one},
    {"vsphere", T_VSPHERE, fuzz_vsphere_one},
    {"report", T_REPORT, fuzz_report_one},
    {"inventory", T_INVENTORY, fuzz_inventory_one},
    {"minidump", T_DUMP, fuzz_dump_one}, /* shared corpus/minidump: Windows crash dumps */
};

#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* The target named by a whole path component of `dir`, or T_NONE. */
static enum target
target_of_dir(const char *dir)
{
    for (const char *p = dir; *p;) {
        size_t n = strcspn(p, "/");
        for (size_t i = 0; i < NTARGETS; i++)
            if (strlen(targets[i].name) == n && strncmp(p, targets[i].name, n) == 0)
                return targets[i].t;
        p += n;
        p += *p == '/';
    }
    return T_NONE;
}

static enum target
target_of_file(const char *name)
{
    for (size_t i = 0; i < NTARGETS; i++) {
        size_t n = strlen(targets[i].name);
        if (strncmp(name, targets[i].name, n) == 0 && name[n] == '-')
            return targets[i].t;
    }
    return T_NONE;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays one folder; returns the number of inputs, or -1 on an error. */
static long
replay_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        fprintf(stderr, "fuzz-replay: cannot open '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        if (de->d_name[0] == '.' || strncmp(de->d_name, "README", 6) == 0)
            continue;
        XGROW(names, cap, n + 1);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(dp);
    if (n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(names, n, sizeof(*names), cmp_name);
    enum target dt = target_of_dir(dir);
    long count = 0;
    for (size_t i = 0; i < n && count >= 0; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue; /* sub-folders: not recursive */
        }
        enum target t = dt != T_NONE ? dt : target_of_file(names[i]);
        struct diags d = DIAGS_INIT;
        char *data = NULL;
        size_t len = 0;
        if (t == T_NONE) {
            fprintf(stderr,
                    "fuzz-replay: cannot tell the target of '%s' (folder or name "
                    "vmx/rules/psod)\n",
                    path);
            count = -1;
        } else if (read_small_file(path, 64u << 20, &data, &len, &d) != 0) {
            fprintf(stderr, "fuzz-replay: %s: %s\n", path, d.n ? d.v[0].message : "unreadable");
            count = -1;
        } else {
            for (size_t k = 0; k < NTARGETS; k++)
                if (targets[k].t == t)
                    targets[k].one((const uint8_t *)data, len);
            count++;
        }
        free(data);
        diags_release(&d);
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return count;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz-replay DIR...\n");
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long n = replay_dir(argv[i]);
        if (n < 0)
            return 2;
        total += n;
    }
    printf("fuzz-replay: %ld inputs, 0 crashes\n", total);
    return 0;
}
