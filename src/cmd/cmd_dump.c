/* cmd_dump: `vmtriage dump FILE|FOLDER...`: Windows crash dumps of VMs that
 * blue-screened (C:\Windows\Minidump\*.dmp, MEMORY.DMP, user-mode .dmp).
 *
 * Each file is opened and read through pread, only at the offsets the reader
 * asks for (dump.h), so a 10 GB MEMORY.DMP costs a few reads. A folder gives
 * its *.dmp files. The dumps are sorted by crash time (undated ones last),
 * then each meets the dump rules (signatures first, generic advice when none
 * matched). A named file that is no dump, or a damaged one, is an error
 * (exit 3); a damaged dump still shows what could be read. */
#include "parse/dump/bugcheck.h"
#include "cmd/cli.h"
#include "source/input.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "source/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int run_dump(struct cmd_ctx *c);

const struct command dump_cmd = {
    .name = "dump",
    .run = run_dump,
    .needs = CMD_OPERAND | CMD_RULES | CMD_REPORT,
    .missing = "dump needs a file or folder",
    .usage = "vmtriage dump [options] FILE|FOLDER...",
    .brief = "read Windows crash dumps: bug check, culprit driver, VM-side cause",
    .summary =
        "Read Windows crash dumps (small/minidump, kernel, complete, bitmap; x86, x64, ARM64)\n"
        "and user-mode minidumps: bug check and its parameters, OS build, drivers, the culprit\n"
        "driver, and what the code means for a virtual machine. A folder gives its *.dmp files.",
    .opts = CO_REPORT,
    .formats = FMTS_ALL};

/* ---- the file, read where the reader asks ---- */

/* A dump file read through a read-ahead window: the readers ask for many
 * small pieces (a driver's name, its CodeView record) near each other, and
 * one pread per piece cost more than the decoding (bench/dumps.sh). */
#define WINDOW (64 * 1024)
struct file_input {
    int fd;
    uint64_t size;
    uint64_t at; /* the window holds [at, at + have) of the file */
    size_t have;
    unsigned char win[WINDOW];
};

static int
pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    char *p = buf;
    while (len > 0) {
        ssize_t got = pread(fd, p, len, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1; /* an error, or the file shrank under us */
        p += got;
        off += (uint64_t)got;
        len -= (size_t)got;
    }
    return 0;
}

static int
file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct file_input *f = ctx;
    if (len > WINDOW / 2) /* large pieces bypass the window */
        return pread_all(f->fd, buf, len, off);
    if (off < f->at || off + len > f->at + f->have) {
        uint64_t left = f->size > off ? f->size - off : 0;
        size_t want = left < WINDOW ? (size_t)left : WINDOW;
        f->have = 0;
        if (want < len || pread_all(f->fd, f->win, want, off) != 0)
            return -1;
        f->at = off;
        f->have = want;
    }
    memcpy(buf, f->win + (off - f->at), len);
    return 0;
}

struct reading {
    struct report *r;
    const char *root;
};

bool
dumps_add(struct report *r, const char *path, const struct dump_input *in, bool named)
{
    struct report_dump rd = {.path = xstrdup(path)};
    rd.status = dump_read(in, path, &rd.dump, &r->diags);
    if (rd.status == DUMP_NOT_A_DUMP || rd.status == DUMP_UNREADABLE) {
        if (rd.status == DUMP_NOT_A_DUMP)
            diags_add(&r->diags, named ? DIAG_ERROR : DIAG_NOTE, path, 0,
                      "not a Windows crash dump (no PAGEDUMP, PAGEDU64 or MDMP signature)%s",
                      named ? "" : "; skipped");
        dump_release(&rd.dump);
        free(rd.path);
        return false;
    }
    r->dumps = xreallocarray(r->dumps, r->ndumps + 1, sizeof(*r->dumps));
    r->dumps[r->ndumps++] = rd;
    return true;
}

static void
read_one(struct reading *rd, const char *path, bool named)
{
    struct report *r = rd->r;
    struct stat st;
    int fd = input_open(path, 0, &st, &r->diags);
    if (fd < 0)
        return;
    struct file_input *f = xmalloc(sizeof(*f));
    *f = (struct file_input){.fd = fd, .size = (uint64_t)st.st_size};
    struct dump_input in = {(uint64_t)st.st_size, file_read, f};
    dumps_add(r, path, &in, named);
    free(f);
    close(fd);
}

static bool
dump_file_wanted(const char *name)
{
    size_t l = strlen(name);
    return l > 4 && strcasecmp(name + l - 4, ".dmp") == 0;
}

static void
found(void *arg, char *path)
{
    struct reading *rd = arg;
    read_one(rd, path, strcmp(path, rd->root) == 0);
    free(path);
}

/* By crash time, undated last, then by path: the order of the table. */
static int
cmp_dump_time(const void *x, const void *y)
{
    const struct report_dump *a = x, *b = y;
    if (a->dump.has_time != b->dump.has_time)
        return a->dump.has_time ? -1 : 1;
    if (a->dump.has_time && a->dump.time_ms != b->dump.time_ms)
        return a->dump.time_ms < b->dump.time_ms ? -1 : 1;
    return strcmp(a->path, b->path);
}

/* The evidence line of a dump's findings: its bug check, culprit and time. */
static char *
evidence(const struct crash_dump *d)
{
    struct buf b = BUF_INIT;
    if (d->has_bugcheck) {
        const char *name = bugcheck_name(d->bugcheck);
        buf_addf(&b, "bug check 0x%08X %s (0x%llx, 0x%llx, 0x%llx, 0x%llx)", d->bugcheck,
                 name ? name : "", (unsigned long long)d->parameters[0],
                 (unsigned long long)d->parameters[1], (unsigned long long)d->parameters[2],
                 (unsigned long long)d->parameters[3]);
    } else if (d->has_exception) {
        buf_addf(&b, "%s: exception 0x%08X at 0x%llx", d->process ? d->process : "process",
                 d->exception_code, (unsigned long long)d->exception_address);
    }
    if (d->culprit)
        buf_addf(&b, "; culprit %s (%s)", d->culprit->name,
                 dump_culprit_rule_name(d->culprit_rule));
    return buf_detach(&b);
}

void
dumps_audit(const struct ruleset *rules, struct report *r)
{
    if (r->ndumps > 1)
        qsort(r->dumps, r->ndumps, sizeof(*r->dumps), cmp_dump_time);
    for (size_t i = 0; i < r->ndumps; i++) {
        struct report_dump *d = &r->dumps[i];
        dump_view_init(&d->view, &d->dump, d->path);
        char *ev = evidence(&d->dump);
        audit_dump(rules, &d->view, ev, &r->findings);
        rule_re_report(&r->diags, d->path, 0);
        free(ev);
    }
}

void
dumps_read_paths(struct report *r, char *const *paths, size_t n)
{
    struct reading rd = {r, NULL};
    for (size_t i = 0; i < n; i++) {
        rd.root = paths[i];
        walk_paths_want(&paths[i], 1, dump_file_wanted, found, &rd, &r->diags);
    }
}

static int
run_dump(struct cmd_ctx *c)
{
    c->rep.has_dumps = true;
    dumps_read_paths(&c->rep, c->args, c->nargs);
    dumps_audit(&c->rules, &c->rep);
    return VT_EXIT_OK;
}
