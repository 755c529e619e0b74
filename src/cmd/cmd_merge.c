/* cmd_merge: `vmtriage merge REPORT.json...|DIR...`: many hosts' JSON
 * reports (of any command, e.g. fetched by contrib/ansible) folded into one
 * fleet report: a row per host, the findings grouped by rule across hosts.
 *
 * Each report is read twice in 64 KiB chunks: once for the digest of its
 * bytes (a report given twice, under any name, counts once), then through
 * the streaming reader (parse/report) into the fleet summary
 * (findings/fleet.c), so memory is bounded by the summary and one finding,
 * not by the reports. A report that cannot be read whole (not JSON,
 * truncated, an unknown schema) stops the merge with a one-line error
 * naming the file and byte offset, exit 3: a fleet report that silently
 * lacked a host would be an all-clear for a host nobody looked at. */
#include "cmd/cli.h"
#include "findings/fleet.h"
#include "parse/report/report_read.h"
#include "report/report_fleet.h"
#include "source/input.h"
#include "util/util_mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The reports a folder holds: its regular *.json files (not recursive), sorted. */
static char **
folder_reports(const char *dir, size_t *n)
{
    *n = 0;
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    for (struct dirent *de; (de = readdir(dp)) != NULL;) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l <= 5 || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        xgrow((void **)&v, &cap, *n + 1, sizeof(*v));
        v[(*n)++] = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
    }
    closedir(dp);
    if (*n)
        qsort(v, *n, sizeof(*v), name_cmp);
    return v;
}

/* Reads one report into f. Returns false after printing the error. */
static bool
merge_one(struct fleet *f, const char *path, unsigned char *chunk)
{
    struct diags d = DIAGS_INIT;
    int fd = input_open(path, 0, NULL, &d);
    if (fd < 0) {
        cli_error("%s: %s", path, d.v[0].message);
        diags_release(&d);
        return false;
    }
    struct fleet_digest dg;
    fleet_digest_init(&dg);
    ssize_t got;
    while ((got = read(fd, chunk, CHUNK)) > 0)
        fleet_digest_add(&dg, chunk, (size_t)got);
    if (got < 0 || lseek(fd, 0, SEEK_SET) != 0) {
        cli_error("%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return false;
    }
    if (!fleet_report_begin(f, path, &dg)) { /* the same bytes as an earlier report */
        close(fd);
        return true;
    }
    struct rr_callbacks cb = fleet_callbacks(f);
    struct report_reader *r = report_reader_new(&cb);
    bool ok = true;
    while (ok && (got = read(fd, chunk, CHUNK)) > 0)
        ok = report_reader_feed(r, chunk, (size_t)got);
    if (got < 0) {
        cli_error("%s: cannot read: %s", path, strerror(errno));
        ok = false;
    } else {
        if (ok)
            ok = report_reader_finish(r);
        unsigned long long at = 0;
        const char *why = report_reader_error(r, &at);
        if (!ok)
            cli_error("%s: byte %llu: %s", path, at, why ? why : "unreadable");
    }
    report_reader_free(r);
    close(fd);
    if (ok)
        fleet_report_end(f);
    return ok;
}

/* 2 with a critical finding, else 3 with an input error in a report, else 1
 * with a medium or high one, else 0: as for every command (cli.c). */
static int
fleet_status(const struct fleet *f)
{
    if (f->levels[LEVEL_CRITICAL])
        return VT_EXIT_CRITICAL;
    if (f->nerrors)
        return VT_EXIT_UNKNOWN;
    if (f->levels[LEVEL_HIGH] || f->levels[LEVEL_MEDIUM])
        return VT_EXIT_WARNING;
    return VT_EXIT_OK;
}

static int
run_merge(struct cmd_ctx *c)
{
    struct fleet f;
    fleet_init(&f, c->o.min_level, REPORT_SCHEMA);
    unsigned char *chunk = xmalloc(CHUNK);
    bool ok = true;
    for (size_t i = 0; ok && i < c->nargs; i++) {
        const char *arg = c->args[i];
        struct stat st;
        if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t n;
            char **v = folder_reports(arg, &n);
            if (n == 0) {
                cli_error("%s: no report (*.json) in this folder", arg);
                ok = false;
            }
            for (size_t k = 0; k < n; k++) {
                ok = ok && merge_one(&f, v[k], chunk);
                free(v[k]);
            }
            free(v);
        } else {
            ok = merge_one(&f, arg, chunk);
        }
    }
    free(chunk);
    if (!ok) {
        fleet_release(&f);
        return VT_EXIT_UNKNOWN;
    }
    fleet_end(&f);
    int status = fleet_status(&f);
    FILE *fp = stdout;
    if (c->o.output && (fp = fopen(c->o.output, "w")) == NULL) {
        cli_error("cannot write '%s': %s", c->o.output, strerror(errno));
        fleet_release(&f);
        return VT_EXIT_UNKNOWN;
    }
    int rc;
    switch (c->o.format) {
    case FMT_JSON:
        rc = fleet_json(fp, &f);
        break;
    case FMT_CSV:
        rc = fleet_csv(fp, &f);
        break;
    case FMT_HTML:
        rc = fleet_html(fp, &f, status);
        break;
    case FMT_NAGIOS:
        rc = fleet_nagios(fp, &f, status);
        break;
    default:
        rc = fleet_text(fp, &f);
        break;
    }
    if (fp != stdout ? fclose(fp) != 0 : fflush(stdout) != 0)
        rc = -1;
    fleet_release(&f);
    if (rc != 0) {
        cli_error("cannot write the report: %s", strerror(errno));
        return VT_EXIT_UNKNOWN;
    }
    return status;
}

const struct command merge_cmd = {
    .name = "merge",
    .run = run_merge,
    .needs = CMD_OPERAND,
    .missing = "merge needs JSON reports or folders of them",
    .usage = "vmtriage merge [options] REPORT.json...|DIR...",
    .brief = "one fleet report from many hosts' JSON reports",
    .summary =
        "Merge the JSON reports of many hosts (any command's, e.g. fetched by the Ansible play\n"
        "in contrib/ansible; a folder gives its *.json files) into one fleet report: a row per\n"
        "host (build, crashes, worst finding, VMs at risk) and the findings grouped by rule\n"
        "across hosts. The same report twice, or the same host in two reports, counts once.\n"
        "A report that is not whole JSON, or of an unknown schema, is an error (exit 3).",
    .opts = CO_FORMAT | CO_OUTPUT | CO_MIN,
    .formats = FMTS_ALL};
