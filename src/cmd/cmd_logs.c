/* cmd_logs: `vmtriage logs PATH...`: ESXi host logs and VM logs, read at
 * disk speed.
 *
 * Each file (folders are walked: every file under them) is read in blocks,
 * gunzipped when it is gzip, and searched by the log scanner: lines that
 * hold a rule's pattern become records for that rule, purple screens go to
 * the psod decoder and then meet the crash rules. Findings gather per rule
 * and log folder with count, first/last time, what the lines name and the
 * earliest example lines; the timeline counts matches per hour. Files are
 * independent, so the result does not depend on the order they are read in:
 * rotated logs (vmkernel.0.gz, vmkernel.1.gz ...) merge by time. */
#include "cmd/cli.h"
#include "rules/log_prefilter.h"
#include "rules/log_scan.h"
#include "source/log_source.h"
#include "rules/rules_re.h"
#include "util/util_mem.h"
#include "source/walk.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_EXAMPLES 5
#define MAX_SEARCHERS 7

static int run_logs(struct cmd_ctx *c);

const struct command logs_cmd = {
    .name = "logs",
    .run = run_logs,
    .needs = CMD_OPERAND | CMD_RULES | CMD_REPORT,
    .missing = "logs needs a file or folder ('-' for standard input)",
    .usage = "vmtriage logs [options] PATH...",
    .brief = "read ESXi and VM logs: storage, CPU, NIC and VM events, purple screens",
    .summary =
        "Read ESXi host logs (vmkernel, vmkwarning, hostd, vobd, vpxa, LogEFI; plain or .gz)\n"
        "and VM logs (vmware.log) in any ESX 3.x-9.x format: storage (APD/PDL, SCSI sense, paths,\n"
        "VMFS heartbeat and heap), CPU, memory, NIC and VM events, and purple screens.\n"
        "A folder is read whole (/var/run/log); '-' reads standard input.",
    .opts = CO_REPORT | CO_JOBS | CO_WINDOW,
    .formats = FMTS_NO_CSV};

/* Files in a folder that are never logs: VM disks, memory and state. */
bool
log_file_wanted(const char *name)
{
    static const char *const skip[] = {".vmdk",  ".vmx",  ".vmxf", ".vmsd", ".vmtx",
                                       ".nvram", ".vmsn", ".vmss", ".vswp", ".vmem",
                                       ".iso",   ".flp",  ".dmp"};
    size_t l = strlen(name);
    if (name[0] == '.')
        return false;
    for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
        size_t k = strlen(skip[i]);
        if (l > k && strcasecmp(name + l - k, skip[i]) == 0)
            return false;
    }
    return true;
}

struct log_reading {
    const struct ruleset *rules;
    struct log_prefilter *pf;
    const struct vt_opts *o;
    enum log_subject subject;
    struct log_audit *audit;
    struct report *r;
    const char *root;   /* the operand being walked */
    bool named;         /* the file was named on the command line (not found in a folder) */
    unsigned searchers; /* threads searching a file's blocks ahead (-j N: N-1) */
    const char *product, *build; /* for crashes that name none (log_reading_host) */
    size_t first_crash;          /* r->crashes[first_crash..] are this reading's */
};

static void
add_file_info(struct report *r, const char *path, const struct log_scan_stats *st, bool gzip)
{
    r->files = xreallocarray(r->files, r->nfiles + 1, sizeof(*r->files));
    r->files[r->nfiles++] = (struct report_file){xstrdup(path), log_format_name(st->format),
                                                 gzip,          st->bytes,
                                                 st->lines,     st->has_first,
                                                 st->has_last,  st->first_ms,
                                                 st->last_ms};
}

/* The crashes of one file meet the crash rules and the window. */
static void
add_crashes(struct log_reading *rd, const char *source, struct psod_result *res)
{
    struct report *r = rd->r;
    r->crashes = xreallocarray(r->crashes, r->ncrashes + res->ncrashes + 1, sizeof(*r->crashes));
    for (size_t i = 0; i < res->ncrashes; i++) {
        const struct psod_crash *c = &res->crashes[i];
        int64_t ms = 0;
        bool timed = c->timestamp && log_parse_iso(c->timestamp, strlen(c->timestamp), &ms);
        if (!log_window_holds(&rd->o->window, timed, ms))
            continue;
        log_audit_crash(rd->audit, timed, ms);
        struct crash_view *v = &r->crashes[r->ncrashes++];
        crash_view_init(v, c, source);
        if (v->product == NULL)
            v->product = res->product;
        if (v->build == NULL)
            v->build = res->build;
    }
    r->backtraces =
        xreallocarray(r->backtraces, r->nbacktraces + res->nbacktraces + 1, sizeof(*r->backtraces));
    for (size_t i = 0; i < res->nbacktraces; i++)
        r->backtraces[r->nbacktraces++] = (struct report_backtrace){source, &res->backtraces[i]};
    r->backtraces_dropped += res->backtraces_dropped;
}

/* The audit as a block sink: workers fold their blocks into forks. */
static void *
audit_fork(void *audit)
{
    return log_audit_fork(audit);
}

static void
audit_join(void *audit, void *fork)
{
    log_audit_join(audit, fork);
}

static void
audit_drop(void *fork)
{
    log_audit_drop(fork);
}

static const struct log_sink audit_sink = {audit_fork, log_audit_match, audit_join, audit_drop};

void
log_reading_source(struct log_reading *rd, const char *path, struct log_source *src, bool named)
{
    struct report *r = rd->r;
    char *subject = rd->subject == SUBJECT_FILE ? xstrdup(path) : log_dirname(path);
    log_audit_subject(rd->audit, subject);
    free(subject);
    /* the source name must outlive the crash views: keep it in files[] */
    char *name = xstrdup(path);
    struct log_scanner *sc = log_scanner_new(rd->pf, name, log_audit_match, rd->audit);
    log_scanner_set_workers(sc, rd->searchers);
    log_scanner_set_sink(sc, &audit_sink);
    log_scanner_set_written(sc, log_source_written(src));
    for (;;) { /* a read error is in the diagnostics; what was read still counts */
        size_t room;
        char *space = log_scanner_space(sc, &room);
        ssize_t got = log_source_read(src, space, room, &r->diags);
        if (got < 0)
            break;
        log_scanner_commit(sc, (size_t)got);
        if (got == 0 || log_scanner_binary(sc))
            break;
    }
    struct psod_result res;
    struct log_scan_stats st;
    log_scanner_finish(sc, &res, &st, &r->diags);
    bool gzip = log_source_is_gzip(src);
    log_source_close(src);
    if (st.binary) {
        diags_add(&r->diags, named ? DIAG_ERROR : DIAG_NOTE, path, 0,
                  "not a text log (a NUL byte in the first 4 KiB)%s", named ? "" : "; skipped");
        psod_result_release(&res);
        free(name);
        return;
    }
    add_file_info(r, name, &st, gzip);
    free(name);
    r->results = xreallocarray(r->results, r->nresults + 1, sizeof(*r->results));
    r->results[r->nresults] = res;
    add_crashes(rd, r->files[r->nfiles - 1].path, &r->results[r->nresults]);
    r->nresults++;
}

static void
read_one(struct log_reading *rd, const char *path)
{
    struct log_source *src = log_source_open(path, &rd->r->diags);
    if (src != NULL)
        log_reading_source(rd, path, src, rd->named);
}

static void
found_in_folder(void *arg, char *path)
{
    struct log_reading *rd = arg;
    rd->named = strcmp(path, rd->root) == 0;
    read_one(rd, path);
    free(path);
}

static int
cmp_crash_time(const void *x, const void *y)
{
    const struct crash_view *a = x, *b = y;
    int64_t ta = 0, tb = 0;
    const char *sa = a->crash->timestamp, *sb = b->crash->timestamp;
    bool ha = sa && log_parse_iso(sa, strlen(sa), &ta);
    bool hb = sb && log_parse_iso(sb, strlen(sb), &tb);
    if (ha != hb)
        return ha ? -1 : 1;
    if (ha && ta != tb)
        return ta < tb ? -1 : 1;
    int c = strcmp(a->source, b->source);
    if (c)
        return c;
    return a->crash->line < b->crash->line ? -1 : a->crash->line > b->crash->line;
}

/* Threads reading blocks ahead of the reading one: -j N gives N-1; by
 * default one per core besides the reader, at most MAX_SEARCHERS (past that
 * the reading thread sets the pace). More threads than cores only take
 * turns, so -j is capped at the cores online: more is never slower. */
static unsigned
searchers(const struct vt_opts *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *test = getenv("VMTRIAGE_CORES"); /* tests: more threads than this machine has */
    if (test != NULL && atoi(test) > 0)
        cores = atoi(test);
    cores = cores < 1 ? 1 : cores;
    long n = o->jobs == 0 ? (cores > MAX_SEARCHERS + 1 ? MAX_SEARCHERS + 1 : cores) : o->jobs;
    if (n > cores)
        n = cores;
    return (unsigned)(n - 1);
}

struct log_reading *
log_reading_new(const struct ruleset *rules, const struct vt_opts *o, enum log_subject subject,
                struct report *r)
{
    r->has_crashes = true;
    r->has_files = true;
    struct log_reading *rd = xcalloc(1, sizeof(*rd));
    size_t examples = o->examples >= 0 ? (size_t)o->examples : DEFAULT_EXAMPLES;
    *rd = (struct log_reading){.rules = rules,
                               .pf = log_prefilter_new(rules, &r->diags),
                               .o = o,
                               .subject = subject,
                               .r = r,
                               .named = true,
                               .searchers = searchers(o),
                               .first_crash = r->ncrashes};
    rd->audit = log_audit_new(rd->pf, examples, &o->window);
    return rd;
}

void
log_reading_host(struct log_reading *rd, const char *product, const char *build)
{
    rd->product = product;
    rd->build = build;
}

void
log_reading_finish(struct log_reading *rd)
{
    struct report *r = rd->r;
    for (size_t i = rd->first_crash; i < r->ncrashes; i++) {
        struct crash_view *v = &r->crashes[i];
        if (v->product == NULL)
            v->product = rd->product;
        if (v->build == NULL)
            v->build = rd->build ? rd->build : rd->o->build; /* the input's, else --build */
        if (audit_crash(rd->rules, v, &r->findings) == 0)
            crash_similar(rd->rules, v); /* no signature: the nearest known issues */
        rule_re_report(&r->diags, v->source, v->crash->line);
    }
    if (r->ncrashes > 1)
        qsort(r->crashes, r->ncrashes, sizeof(*r->crashes), cmp_crash_time);
    log_audit_finish(rd->audit, &r->findings, &r->timeline, &r->diags);
    log_prefilter_free(rd->pf);
    free(rd);
}

/* Up to this many bytes, searching the log prefilter's patterns as plain
 * strings costs less than deserializing hyperscan's database (bench/README.md,
 * start-up). */
#define LITERALS_MAX_BYTES (64 * 1024)

/* Only regular files of one block or less: one screen or a short log. Their
 * rule regexes then run a few times each, and PCRE2's interpreter costs less
 * than JIT-compiling them (start-up); anything bigger, a folder or standard
 * input keeps the JIT. *total: their bytes. */
static bool
small_inputs(char *const *inputs, size_t n, off_t *total)
{
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") == 0 || stat(inputs[i], &st) != 0 || !S_ISREG(st.st_mode) ||
            st.st_size > (off_t)LOG_BLOCK)
            return false;
        *total += st.st_size;
    }
    return true;
}

void
logs_read(char *const *inputs, size_t ninputs, const struct ruleset *rules, const struct vt_opts *o,
          enum log_subject subject, struct report *r)
{
    off_t total;
    bool small = small_inputs(inputs, ninputs, &total);
    if (small)
        rule_re_set_jit(false);
    /* a screen or two: searched as plain strings (log_literals.h) */
    log_prefilter_prefer_literals(small && total <= LITERALS_MAX_BYTES);
    struct log_reading *rd = log_reading_new(rules, o, subject, r);
    for (size_t i = 0; i < ninputs; i++) {
        if (strcmp(inputs[i], "-") == 0) {
            rd->named = true;
            read_one(rd, "-");
            continue;
        }
        /* a file named on the command line is read whatever its name; the
         * files of a folder are walked (each once, by inode) */
        rd->root = inputs[i];
        walk_paths_want(&inputs[i], 1, log_file_wanted, found_in_folder, rd, &r->diags);
    }
    log_reading_finish(rd);
}

static int
run_logs(struct cmd_ctx *c)
{
    logs_read(c->args, c->nargs, &c->rules, &c->o, SUBJECT_FOLDER, &c->rep);
    return VT_EXIT_OK;
}
