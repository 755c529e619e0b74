/* cmd_dump: `vmtriage dump FILE|FOLDER...`: Windows crash dumps of VMs that
 * blue-screened (C:\Windows\Minidump\*.dmp, MEMORY.DMP, user-mode .dmp).
 *
 * Each file is opened and read through pread, only at the offsets the reader
 * asks for (dump.h), so a 10 GB MEMORY.DMP costs a few reads. A folder gives
 * its *.dmp files. The dumps are sorted by crash time (undated ones last),
 * then each meets the dump rules (signatures first, generic advice when none
 * matched). A named file that is no dump, or a damaged one, is an error
 * (exit 3); a damaged dump still shows what could be read. */
#include "bugcheck.h"
#include "cli.h"
#include "util_buf.h"
#include "util_mem.h"
#include "walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct command dump_cmd = {
    "dump", cmd_dump, "vmtriage dump [options] FILE|FOLDER...",
    "Read Windows crash dumps (small/minidump, kernel, complete, bitmap; x86, x64, ARM64)\n"
    "and user-mode minidumps: bug check and its parameters, OS build, drivers, the culprit\n"
    "driver, and what the code means for a virtual machine. A folder gives its *.dmp files.",
    false, false};

/* ---- the file, read where the reader asks ---- */

struct file_input {
    int fd;
};

static int
file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct file_input *f = ctx;
    char *p = buf;
    while (len > 0) {
        ssize_t got = pread(f->fd, p, len, (off_t)off);
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

struct reading {
    struct report *r;
    const char *root;
};

static void
read_one(struct reading *rd, const char *path, bool named)
{
    struct report *r = rd->r;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        diags_add(&r->diags, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        diags_add(&r->diags, DIAG_ERROR, path, 0, "not a regular file");
        close(fd);
        return;
    }
    struct file_input f = {fd};
    struct dump_input in = {(uint64_t)st.st_size, file_read, &f};
    struct report_dump rd1 = {.path = xstrdup(path)};
    rd1.status = dump_read(&in, path, &rd1.dump, &r->diags);
    close(fd);
    if (rd1.status == DUMP_NOT_A_DUMP || rd1.status == DUMP_UNREADABLE) {
        if (rd1.status == DUMP_NOT_A_DUMP)
            diags_add(&r->diags, named ? DIAG_ERROR : DIAG_NOTE, path, 0,
                      "not a Windows crash dump (no PAGEDUMP, PAGEDU64 or MDMP signature)%s",
                      named ? "" : "; skipped");
        dump_release(&rd1.dump);
        free(rd1.path);
        return;
    }
    r->dumps = xreallocarray(r->dumps, r->ndumps + 1, sizeof(*r->dumps));
    r->dumps[r->ndumps++] = rd1;
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

int
cmd_dump(int argc, char **argv)
{
    struct vt_opts o;
    int first = cli_parse(argc, argv, &dump_cmd, &o);
    if (first == -2)
        return VT_EXIT_OK;
    if (first < 0)
        return VT_EXIT_UNKNOWN;
    if (first >= argc) {
        cli_error("dump needs a file or folder; see 'vmtriage dump --help'");
        return VT_EXIT_UNKNOWN;
    }
    struct ruleset rules = RULESET_INIT;
    if (!cli_load_rules(&o, &rules)) {
        ruleset_release(&rules);
        return VT_EXIT_UNKNOWN;
    }
    struct report rep = {.command = "dump", .has_dumps = true};
    struct reading rd = {&rep, NULL};
    for (int i = first; i < argc; i++) {
        rd.root = argv[i];
        walk_paths_want(&argv[i], 1, dump_file_wanted, found, &rd, &rep.diags);
    }
    if (rep.ndumps > 1)
        qsort(rep.dumps, rep.ndumps, sizeof(*rep.dumps), report_dump_cmp_time);
    for (size_t i = 0; i < rep.ndumps; i++) {
        struct report_dump *d = &rep.dumps[i];
        dump_view_init(&d->view, &d->dump, d->path);
        char *ev = report_dump_evidence(&d->dump);
        audit_dump(&rules, &d->view, ev, &rep.findings);
        free(ev);
    }
    int rc = cli_finish(&rep, &o);
    report_release(&rep);
    ruleset_release(&rules);
    return rc;
}
