/* cmd_bundle: `vmtriage bundle PATH...`: one correlated report per ESXi host
 * from what an admin has after an incident: a vm-support bundle (.tgz, or
 * unpacked), or vCenter's "Export System Logs" zip with one bundle per host.
 *
 * Every file of a bundle passes once (bundle_source.h) and goes to the
 * analyzer it belongs to: command outputs and hostd's inventory to the host
 * facts (host_facts.h), `.vmx` under vmfs/volumes to the VM audit, logs
 * (var/run/log, var/log, a VM's vmware.log; plain or rotated .gz) to the log
 * reading with its purple-screen decoder, Windows dumps to the dump reader.
 * When a host's files end, its crashes are audited with the host's build
 * (version-dependent rules), and each crash finding lists in `related` the
 * VMs of that host that carry its trigger (KB 2059053: the VMs with a present
 * e1000 NIC). Nothing is extracted or written.
 *
 * `vmtriage` with no arguments (main.c) runs the same on this host when it
 * is an ESXi shell (/var/run/log, /vmfs/volumes, hostd's inventory, uname),
 * on a copy of a host's file system when VMTRIAGE_HOST_ROOT names one, and
 * otherwise on the example bundle, saying which it did.
 *
 * Nothing read is never an all-clear: an input with no file that vmtriage
 * reads, or none where vm-support puts its files, is an error naming it,
 * what it held and what was expected (exit 3); files read from an input
 * that is not laid out as a bundle are read, with a note saying so. */
#include "source/bundle_source.h"
#include "cmd/cli.h"
#include "source/input.h"
#include "source/log_source.h"
#include "rules/log_scan.h"
#include "rules/rules_re.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/util_term.h"
#include "util/util_text.h"
#include "parse/vmx/vmx_parse.h"
#include "source/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define FACTS_MAX (8u << 20)  /* a command output read whole */
#define DUMP_MAX (256u << 20) /* a crash dump read whole from an archive */

static int run_bundle(struct cmd_ctx *c);
static int run_default(struct cmd_ctx *c);

/* `bundle` and the default run share their name, help and options. */
#define BUNDLE_COMMAND(run_fn, needs_)                                                             \
    {                                                                                              \
        .name = "bundle", .run = run_fn, .needs = (needs_) | CMD_RULES | CMD_REPORT,               \
        .missing = "bundle needs a vm-support bundle (.tgz or folder) or a vCenter export .zip",   \
        .usage = "vmtriage bundle [options] PATH...",                                              \
        .brief = "triage ESXi hosts from vm-support bundles or a vCenter log export",              \
        .summary =                                                                                 \
            "Triage ESXi hosts from vm-support bundles (.tgz, unpacked folders, FRAG parts) or\n"  \
            "vCenter's Export System Logs zip: host facts, VM audit, logs and purple screens,\n"   \
            "Windows dumps, with each crash linked to the VMs on its host that carry its "         \
            "trigger.\n"                                                                           \
            "'vmtriage' with no command does the same for this ESXi host, or elsewhere for the\n"  \
            "example bundle, with the same options.",                                              \
        .opts = CO_REPORT | CO_PROFILE | CO_JOBS | CO_WINDOW, .formats = FMTS_ALL                  \
    }

const struct command bundle_cmd = BUNDLE_COMMAND(run_bundle, CMD_OPERAND);
const struct command default_cmd = BUNDLE_COMMAND(run_default, 0);

/* A VM folder of the input being walked: its .vmx and vmware*.log files. */
struct bundle_vm {
    char *folder;  /* owned: the subject of its log findings (log_dirname of a log) */
    char *vmx;     /* owned: its first .vmx as messages name it, or NULL */
    size_t nlogs;  /* vmware*.log files read */
    size_t host;   /* r->hosts[host] it belongs to */
    char *text;    /* owned: the .vmx's bytes, once a diagnosis wants them */
    size_t len;
    const char *why; /* why its log asks for a diagnosis (diagnose_trigger), or NULL */
};

/* One file of a bundle, wherever its bytes come from. */
struct member {
    const char *path;    /* inside the bundle: "var/run/log/vmkernel.log" */
    const char *display; /* what messages and subjects name */
    log_raw_fn *read;    /* its bytes */
    void *ctx;
    int64_t written_ms; /* when it was last written (UTC ms), or 0 */
};

struct bundling {
    const struct ruleset *rules;
    const struct vt_opts *o;
    struct report *r;
    struct record_ctx ctx;
    struct buf vm_json;
    char **vms_json;
    size_t nvms_json;
    /* the host being read: r->hosts[r->nhosts - 1] */
    struct log_reading *logs;
    size_t first_finding; /* r->findings.v[first_finding..] are the current host's */
    size_t root_len;      /* live host: the length of the root prefix of its paths */
    size_t first_crash;
    /* what the input being walked held (inputs are walked one at a time) */
    bool new_input;   /* its first file begins a host, whatever its bundle's name */
    size_t seen;      /* files handed out */
    size_t in_layout; /* of them, where vm-support puts its files */
    size_t used;      /* of them, read by an analyzer */
    size_t vmx_left, logs_left, archives_left; /* not read, by kind: for the hint */
    char *first_seen;                          /* the first file's display name (owned) */
    /* the VM folders of the input being walked, for the diagnoses it may start */
    struct bundle_vm *vms;
    size_t nvms;
    bool diagnose; /* walk the VMs whose vmware.log shows a crash (data/diagnose_triggers.tsv) */
};

/* Looks of a file that was not read, for the hint: a VM config, a log, an
 * archive. */
static bool
named_like_vmx(const char *base)
{
    return ends_with_ci(base, ".vmx") || ends_with_ci(base, ".vmtx");
}

static bool
named_like_log(const char *base)
{
    return ends_with_ci(base, ".log") || ends_with_ci(base, ".log.gz") ||
           strstr(base, ".log.") != NULL || strncmp(base, "vmkernel", 8) == 0 ||
           strncmp(base, "hostd", 5) == 0;
}

static bool
named_like_archive(const char *base)
{
    return ends_with_ci(base, ".tgz") || ends_with_ci(base, ".tar") ||
           ends_with_ci(base, ".tar.gz") || ends_with_ci(base, ".zip") ||
           ends_with_ci(base, ".tar.xz") || ends_with_ci(base, ".tar.bz2") ||
           ends_with_ci(base, ".tar.zst");
}

/* ---- reading a member ---- */

/* Reads the whole member into *out (owned, NUL-terminated). A member over
 * `max` bytes is an error; returns -1 then and on a read error. */
static int
read_all(const struct member *m, size_t max, struct buf *out, struct diags *d)
{
    char chunk[65536];
    for (;;) {
        ssize_t got = m->read(m->ctx, chunk, sizeof(chunk), d);
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        if (out->len + (size_t)got > max) {
            diags_add(d, DIAG_ERROR, m->display, 0, "larger than %zu MB; not read", max >> 20);
            return -1;
        }
        buf_add(out, chunk, (size_t)got);
    }
}

static const char *
base_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A log vm-support collects: the host's (var/run/log, var/log), a VM's
 * vmware.log / vmware-N.log next to its .vmx, or wherever it sits a
 * LogEFI.log or a vmkernel-log.N extracted from a core dump (kb §1.8). */
static bool
is_log(const char *path)
{
    const char *base = base_of(path);
    if (strncmp(path, "var/run/log/", 12) == 0 || strncmp(path, "var/log/", 8) == 0)
        return log_file_wanted(base);
    if (strcmp(base, "LogEFI.log") == 0 || strncmp(base, "vmkernel-log.", 13) == 0)
        return true;
    return strncmp(path, "vmfs/volumes/", 13) == 0 && strncmp(base, "vmware", 6) == 0 &&
           (ends_with_ci(base, ".log") || ends_with_ci(base, ".log.gz"));
}

/* The VM folder holding `display` (a .vmx or a vmware.log), added when new. */
static struct bundle_vm *
vm_folder(struct bundling *bd, const char *display)
{
    char *folder = log_dirname(display);
    for (size_t i = 0; i < bd->nvms; i++)
        if (strcmp(bd->vms[i].folder, folder) == 0) {
            free(folder);
            return &bd->vms[i];
        }
    bd->vms = xreallocarray(bd->vms, bd->nvms + 1, sizeof(*bd->vms));
    bd->vms[bd->nvms] = (struct bundle_vm){.folder = folder, .host = bd->r->nhosts - 1};
    return &bd->vms[bd->nvms++];
}

static void
read_vmx(struct bundling *bd, const struct member *m)
{
    struct report *r = bd->r;
    struct buf text = BUF_INIT;
    if (read_all(m, VMX_MAX_BYTES, &text, &r->diags) != 0) {
        buf_release(&text);
        return;
    }
    struct vmx_doc *doc = vmx_parse(text.p ? text.p : "", text.len, m->display, &r->diags);
    buf_release(&text);
    if (doc == NULL)
        return;
    if (vmx_encrypted_note(doc, m->display, &r->diags)) {
        r->encrypted++;
        vmx_doc_free(doc);
        return;
    }
    if (!vmx_doc_is_vmware(doc)) {
        diags_add(&r->diags, DIAG_NOTE, m->display, 0,
                  "not a VMware configuration (%s); not counted as a VM",
                  vmx_doc_not_vmware_reason(doc));
        r->not_vmware++;
        vmx_doc_free(doc);
        return;
    }
    struct vm *vm = vm_from_vmx_checked(doc, m->display, &r->diags);
    struct bundle_vm *bv = vm_folder(bd, m->display);
    if (bv->vmx == NULL)
        bv->vmx = xstrdup(m->display);
    audit_vm(bd->rules, vm, &bd->ctx, &r->findings);
    rule_re_report(&r->diags, m->display, 0);
    if (vm->is_template)
        r->templates++;
    if (bd->o->format == FMT_JSON) {
        struct json j;
        buf_reset(&bd->vm_json);
        json_init(&j, &bd->vm_json);
        vm_to_json(&j, vm);
        bd->vms_json = xreallocarray(bd->vms_json, bd->nvms_json + 1, sizeof(*bd->vms_json));
        bd->vms_json[bd->nvms_json++] = xstrdup(buf_str(&bd->vm_json));
    }
    r->nvms++;
    r->hosts[r->nhosts - 1].vmx++;
    vm_free(vm);
}

static void
read_dump(struct bundling *bd, const struct member *m)
{
    struct report *r = bd->r;
    struct buf data = BUF_INIT;
    if (read_all(m, DUMP_MAX, &data, &r->diags) == 0) {
        struct dump_input in;
        dump_input_memory(&in, data.p ? data.p : "", data.len);
        if (dumps_add(r, m->display, &in, false))
            r->hosts[r->nhosts - 1].dumps++;
    }
    buf_release(&data);
}

/* Hands the member to the analyzer it belongs to; returns false when none
 * takes it (a VMkernel core dump is only noted: not read either). */
static bool
read_member(struct bundling *bd, const struct member *m)
{
    struct report *r = bd->r;
    const char *base = base_of(m->path);
    if (host_facts_wanted(m->path)) {
        struct buf text = BUF_INIT;
        if (read_all(m, FACTS_MAX, &text, &r->diags) == 0)
            host_facts_feed(&r->hosts[r->nhosts - 1].facts, m->path, text.p ? text.p : "", text.len,
                            m->display, &r->diags);
        buf_release(&text);
    } else if (strncmp(m->path, "vmfs/volumes/", 13) == 0 &&
               (ends_with_ci(base, ".vmx") || ends_with_ci(base, ".vmtx"))) {
        read_vmx(bd, m);
    } else if (ends_with_ci(base, ".dmp")) {
        read_dump(bd, m);
    } else if (strncmp(base, "vmkernel-zdump", 14) == 0) {
        /* kb §1.8: the log inside a VMkernel core dump comes out with vmkdump_extract */
        diags_add(&r->diags, DIAG_NOTE, m->display, 0,
                  "a VMkernel core dump: extract its log with `vmkdump_extract -l` and run "
                  "`vmtriage psod` on it");
        return false;
    } else if (is_log(m->path)) {
        struct log_source *src = log_source_open_reader(m->display, m->read, m->ctx, &r->diags);
        if (src == NULL)
            return true;
        log_source_set_written(src, m->written_ms);
        size_t files = r->nfiles;
        log_reading_source(bd->logs, m->display, src, false);
        r->hosts[r->nhosts - 1].log_files += r->nfiles - files;
        if (strncmp(m->path, "vmfs/volumes/", 13) == 0 && strncmp(base, "vmware", 6) == 0)
            vm_folder(bd, m->display)->nlogs += r->nfiles - files;
    } else {
        return false;
    }
    return true;
}

/* Counts a file of the input being walked (see struct bundling). */
static void
count_member(struct bundling *bd, const struct member *m, bool layout, bool used)
{
    const char *base = base_of(m->path);
    bd->seen++;
    bd->in_layout += layout;
    bd->used += used;
    if (bd->first_seen == NULL)
        bd->first_seen = xstrdup(m->display);
    if (used)
        return;
    if (named_like_vmx(base))
        bd->vmx_left++;
    else if (named_like_archive(base))
        bd->archives_left++;
    else if (named_like_log(base))
        bd->logs_left++;
}

#define BUNDLE_EXPECTED                                                                            \
    "expected a vm-support bundle: esx-<host>-<date>/ holding commands/, etc/, var/run/log/, "     \
    "vmfs/volumes/ (a .tgz, its unpacked folder, or a vCenter export .zip of such .tgz files)"

/* After the input `path` was walked: an error when nothing of it was read, a
 * note when what was read is not laid out as a bundle. `errors_before`: the
 * input errors there were before its walk (a walk that failed said why). */
static void
input_verdict(struct bundling *bd, const char *path, size_t errors_before)
{
    struct diags *d = &bd->r->diags;
    bool walk_failed = diags_count(d, DIAG_ERROR) > errors_before;
    if (bd->seen == 0) {
        if (!walk_failed)
            diags_add(d, DIAG_ERROR, path, 0, "nothing read: no regular file in it; %s",
                      BUNDLE_EXPECTED);
    } else if (bd->in_layout == 0) {
        struct buf hint = BUF_INIT;
        if (bd->vmx_left)
            buf_addf(&hint, "; %zu VM configuration%s: 'vmtriage scan PATH' audits them",
                     bd->vmx_left, bd->vmx_left == 1 ? "" : "s");
        if (bd->logs_left)
            buf_addf(&hint, "; %zu log%s: 'vmtriage logs PATH' reads them", bd->logs_left,
                     bd->logs_left == 1 ? "" : "s");
        if (bd->archives_left)
            buf_addf(&hint, "; %zu archive%s inside: give each bundle as an argument",
                     bd->archives_left, bd->archives_left == 1 ? "" : "s");
        char more[48] = "";
        if (bd->seen > 1)
            snprintf(more, sizeof(more), " and %zu more", bd->seen - 1);
        if (bd->used == 0)
            diags_add(d, DIAG_ERROR, path, 0,
                      "not a support bundle, nothing read: none of its %zu file%s is where "
                      "vm-support puts them (found %s%s); %s%s",
                      bd->seen, bd->seen == 1 ? "" : "s", bd->first_seen, more, BUNDLE_EXPECTED,
                      buf_str(&hint));
        else
            diags_add(d, DIAG_NOTE, path, 0,
                      "not a support bundle: none of its %zu file%s is where vm-support puts "
                      "them (found %s%s); %zu read as loose files (.dmp, logs by name); %s%s",
                      bd->seen, bd->seen == 1 ? "" : "s", bd->first_seen, more, bd->used,
                      BUNDLE_EXPECTED, buf_str(&hint));
        buf_release(&hint);
    } else if (bd->used == 0) {
        diags_add(d, DIAG_ERROR, path, 0,
                  "nothing read: none of its %zu file%s is one vmtriage reads (commands/ "
                  "outputs, var/run/log/ and var/log/ logs, .vmx under vmfs/volumes/, .dmp)",
                  bd->seen, bd->seen == 1 ? "" : "s");
    }
    free(bd->first_seen);
    bd->first_seen = NULL;
    bd->seen = bd->in_layout = bd->used = 0;
    bd->vmx_left = bd->logs_left = bd->archives_left = 0;
}

/* ---- hosts ---- */

static void
host_end(struct bundling *bd)
{
    struct report *r = bd->r;
    if (bd->logs == NULL)
        return;
    struct report_host *h = &r->hosts[r->nhosts - 1];
    log_reading_host(bd->logs, h->banner, h->facts.build);
    log_reading_finish(bd->logs);
    bd->logs = NULL;
    h->crashes = r->ncrashes - bd->first_crash;
    /* the crash findings of this host list this host's VMs that carry the trigger */
    size_t end = r->findings.n;
    for (size_t i = bd->first_finding; i < end; i++)
        if (r->findings.v[i].rule->nrelated > 0)
            findings_link_related(&r->findings.v[i], &r->findings.v[bd->first_finding],
                                  end - bd->first_finding);
}

static void
host_begin(struct bundling *bd, const char *bundle)
{
    struct report *r = bd->r;
    host_end(bd);
    r->hosts = xreallocarray(r->hosts, r->nhosts + 1, sizeof(*r->hosts));
    r->hosts[r->nhosts++] =
        (struct report_host){.bundle = xstrdup(bundle), .facts = HOST_FACTS_INIT};
    bd->logs = log_reading_new(bd->rules, bd->o, SUBJECT_FOLDER, r);
    bd->first_finding = r->findings.n;
    bd->first_crash = r->ncrashes;
}

/* The banner crashes are reported under ("VMware ESXi 5.5.0"), once the
 * host's facts are read; owned by the host. */
static void
host_banner(struct report_host *h)
{
    if (h->banner == NULL && h->facts.product && h->facts.version)
        h->banner = xasprintf("%s %s", h->facts.product, h->facts.version);
}

/* ---- bundles ---- */

static ssize_t
bundle_member_read(void *ctx, void *buf, size_t n, struct diags *d)
{
    (void)d; /* bundle_read reports to the walk's diagnostics */
    return bundle_read(ctx, buf, n);
}

static int
on_entry(void *arg, const struct bundle_entry *e, struct bundle_reader *rd)
{
    struct bundling *bd = arg;
    struct report *r = bd->r;
    if (bd->new_input || r->nhosts == 0 || strcmp(r->hosts[r->nhosts - 1].bundle, e->bundle) != 0)
        host_begin(bd, e->bundle);
    bd->new_input = false;
    /* a file split in FRAG parts is named as the whole file ("vmkernel.log", not
     * "vmkernel.log.FRAG-00000") */
    char *display = xstrdup(e->display);
    char *frag = e->frag ? strstr(display, ".FRAG-") : NULL;
    if (frag != NULL)
        *frag = '\0';
    struct member m = {e->path, display, bundle_member_read, rd, e->written_ms};
    count_member(bd, &m, e->in_layout, read_member(bd, &m));
    free(display);
    host_banner(&r->hosts[r->nhosts - 1]);
    return 0;
}

/* ---- this host (an ESXi shell) ---- */

static void
live_file(void *arg, char *path)
{
    struct bundling *bd = arg;
    struct stat st;
    int fd = input_open(path, 0, &st, &bd->r->diags);
    if (fd < 0) {
        free(path);
        return;
    }
    struct log_fd f = {fd, path, 0};
    /* "ROOT/var/run/log/x" -> "var/run/log/x" */
    struct member m = {path + bd->root_len + 1, path, log_fd_read, &f,
                       (int64_t)st.st_mtim.tv_sec * 1000};
    count_member(bd, &m, true, read_member(bd, &m));
    close(fd);
    free(path);
}

static bool
want_any(const char *name)
{
    (void)name;
    return true;
}

static bool
want_vmx(const char *name)
{
    return ends_with_ci(name, ".vmx") || ends_with_ci(name, ".vmtx") ||
           strncmp(name, "vmware", 6) == 0;
}

/* True in an ESXi shell: the kernel says VMkernel. */
static bool
on_esxi(void)
{
    struct utsname u;
    return uname(&u) == 0 && strcmp(u.sysname, "VMkernel") == 0;
}

#define HOST_ROOT_EXPECTED                                                                         \
    "expected a copy of an ESXi host's file system (etc/vmware/hostd/vmInventory.xml, "            \
    "var/run/log/, vmfs/volumes/)"

/* VMTRIAGE_HOST_ROOT names a folder that is not empty; else an error says
 * what it is instead. */
static bool
host_root_usable(const char *root, struct diags *d)
{
    struct diags why = DIAGS_INIT;
    int fd = input_open(root, INPUT_FOLDER, NULL, &why);
    if (fd < 0) {
        diags_add(d, DIAG_ERROR, root, 0, "VMTRIAGE_HOST_ROOT: %s", why.v[0].message);
        diags_release(&why);
        return false;
    }
    DIR *dp = fdopendir(fd);
    if (dp == NULL) {
        diags_add(d, DIAG_ERROR, root, 0, "VMTRIAGE_HOST_ROOT: not a folder; %s",
                  HOST_ROOT_EXPECTED);
        close(fd);
        return false;
    }
    bool empty = true;
    for (struct dirent *de; empty && (de = readdir(dp)) != NULL;)
        empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
    closedir(dp);
    if (empty)
        diags_add(d, DIAG_ERROR, root, 0, "VMTRIAGE_HOST_ROOT: an empty folder; %s",
                  HOST_ROOT_EXPECTED);
    return !empty;
}

/* Reads a live host's files under `root` ("" for this host; a copy of a
 * host's file system elsewhere with VMTRIAGE_HOST_ROOT, whose symbolic links
 * are followed only inside it). Only this host's uname(2) is asked: a copy
 * brings its own facts or none. Nothing read is an error. */
static void
read_host_root(struct bundling *bd, const char *root)
{
    struct report *r = bd->r;
    if (*root && !host_root_usable(root, &r->diags))
        return;
    host_begin(bd, *root ? root : "this host");
    bd->root_len = strlen(root);
    struct report_host *h = &r->hosts[r->nhosts - 1];
    struct utsname u;
    if (*root == '\0' && uname(&u) == 0) { /* the same words `uname -a` prints */
        char line[5 * sizeof(u.nodename) + 16];
        snprintf(line, sizeof(line), "%s %s %s %s %s\n", u.sysname, u.nodename, u.release,
                 u.version, u.machine);
        host_facts_feed(&h->facts, "commands/uname_-a.txt", line, strlen(line), "uname", &r->diags);
    }
    static const char *const parts[] = {"/etc/vmware/hostd/vmInventory.xml", "/var/run/log",
                                        "/vmfs/volumes"};
    walk_want_fn *wants[] = {want_any, log_file_wanted, want_vmx};
    size_t found = 0;
    for (size_t i = 0; i < 3; i++) {
        char *p = xasprintf("%s%s", root, parts[i]);
        struct stat st;
        if (lstat(p, &st) == 0) { /* a host without VMs or an inventory is no error */
            found++;
            if (*root)
                walk_paths_under(root, &p, 1, wants[i], live_file, bd, &r->diags);
            else
                walk_paths_want(&p, 1, wants[i], live_file, bd, &r->diags);
        }
        free(p);
    }
    host_banner(h);
    if (found == 0)
        diags_add(&r->diags, DIAG_ERROR, *root ? root : "/", 0,
                  "nothing read: none of etc/vmware/hostd/vmInventory.xml, var/run/log, "
                  "vmfs/volumes is there; %s",
                  HOST_ROOT_EXPECTED);
    else if (bd->used == 0)
        diags_add(&r->diags, DIAG_ERROR, *root ? root : "/", 0,
                  "nothing read: no log, VM configuration or inventory found under it (%zu "
                  "file%s seen); %s",
                  bd->seen, bd->seen == 1 ? "" : "s", HOST_ROOT_EXPECTED);
    free(bd->first_seen);
    bd->first_seen = NULL;
    bd->seen = bd->in_layout = bd->used = 0;
}

/* ---- the VMs whose own log shows a crash ---- */

static int
grab_vmx(void *arg, const struct bundle_entry *e, struct bundle_reader *rd)
{
    struct bundling *bd = arg;
    for (size_t i = 0; i < bd->nvms; i++) {
        struct bundle_vm *v = &bd->vms[i];
        if (!v->why || v->text || strcmp(v->vmx, e->display) != 0)
            continue;
        struct buf t = BUF_INIT;
        struct member m = {e->path, e->display, bundle_member_read, rd, e->written_ms};
        struct diags again = DIAGS_INIT; /* the first reading reported its problems */
        if (read_all(&m, VMX_MAX_BYTES, &t, &again) == 0) {
            v->len = t.len;
            v->text = t.p ? buf_detach(&t) : xstrdup("");
        }
        diags_release(&again);
        buf_release(&t);
    }
    return 0;
}

/* Diagnoses the VMs of the input just walked whose vmware.log findings ask
 * for it (diagnose_trigger), then forgets the input's VM folders. Their .vmx
 * is read again: from its file (a folder, a host's file system), else by a
 * second walk of the archive, only when some VM is wanted. */
static void
diagnose_vms(struct bundling *bd, const char *input)
{
    struct report *r = bd->r;
    size_t from_archive = 0;
    for (size_t i = 0; bd->diagnose && i < bd->nvms; i++) {
        struct bundle_vm *v = &bd->vms[i];
        v->why = diagnose_trigger(&r->findings, v->folder);
        if (!v->why || v->vmx == NULL)
            continue;
        char *data;
        size_t len;
        struct stat st;
        struct diags quiet = DIAGS_INIT;
        if (stat(v->vmx, &st) == 0 && S_ISREG(st.st_mode) &&
            read_small_file(v->vmx, VMX_MAX_BYTES, &data, &len, &quiet) == 0) {
            v->text = data;
            v->len = len;
        } else {
            from_archive++;
        }
        diags_release(&quiet);
    }
    if (from_archive && input) {
        /* the first walk reported what the archive holds: its notes and errors not twice */
        struct diags again = DIAGS_INIT;
        bundle_walk(input, grab_vmx, bd, &again);
        diags_release(&again);
    }
    for (size_t i = 0; i < bd->nvms; i++) {
        struct bundle_vm *v = &bd->vms[i];
        if (v->why) {
            struct bundle_vm_text t = {v->folder, v->vmx, v->text, v->len, v->nlogs};
            diagnose_bundle_vm(bd->rules, bd->o, r, &r->hosts[v->host], &t, v->why);
        }
        free(v->folder);
        free(v->vmx);
        free(v->text);
    }
    free(bd->vms);
    bd->vms = NULL;
    bd->nvms = 0;
}

/* ---- the command ---- */

void
bundles_read(const struct ruleset *rules, const struct vt_opts *o, struct report *rep,
             char *const *inputs, size_t n, const char *host_root, bool diagnose)
{
    /* crashes and files even when nothing was read: the same report shape */
    rep->has_hosts = rep->has_dumps = rep->has_crashes = rep->has_files = true;
    rep->has_diagnoses = diagnose;
    struct bundling bd = {.rules = rules,
                          .o = o,
                          .r = rep,
                          .ctx = {.profile_nested = o->profile_nested},
                          .diagnose = diagnose};
    if (host_root != NULL) {
        read_host_root(&bd, host_root);
        host_end(&bd);
        diagnose_vms(&bd, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        size_t errors = diags_count(&rep->diags, DIAG_ERROR);
        bd.new_input = true;
        bundle_walk(inputs[i], on_entry, &bd, &rep->diags);
        host_end(&bd);
        input_verdict(&bd, inputs[i], errors);
        diagnose_vms(&bd, inputs[i]);
    }
    host_end(&bd);
    dumps_audit(rules, rep);
    if (o->format == FMT_JSON) {
        rep->vm_json = bd.vms_json ? bd.vms_json : xcalloc(1, sizeof(*rep->vm_json));
        bd.vms_json = NULL;
    }
    buf_release(&bd.vm_json);
}

static void
read_bundles(struct cmd_ctx *c, char *const *inputs, size_t n, const char *host_root)
{
    bundles_read(&c->rules, &c->o, &c->rep, inputs, n, host_root, true);
}

static int
run_bundle(struct cmd_ctx *c)
{
    read_bundles(c, c->args, c->nargs, NULL);
    return VT_EXIT_OK;
}

/* The example bundle: examples/bundle under the working directory, else
 * beside the binary (build/vmtriage -> ../examples/bundle; an installed
 * bin/vmtriage -> ../share/vmtriage/examples/bundle). NULL when none. */
static char *
example_bundle(void)
{
    struct stat st;
    if (stat("examples/bundle", &st) == 0 && S_ISDIR(st.st_mode))
        return xstrdup("examples/bundle");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    /* a build tree (build/vmtriage), or an install ($PREFIX/bin/vmtriage) */
    static const char *const beside[] = {"../examples/bundle", "../share/vmtriage/examples/bundle"};
    for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
        char *p = xasprintf("%s/%s", exe, beside[i]);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            return p;
        free(p);
    }
    return NULL;
}

static int
run_default(struct cmd_ctx *c)
{
    const char *root = getenv("VMTRIAGE_HOST_ROOT");
    if (root != NULL && *root != '\0') {
        term_printf(stderr,
                    "vmtriage: triaging the host file system under %s (VMTRIAGE_HOST_ROOT)\n",
                    root);
        read_bundles(c, NULL, 0, root);
        return VT_EXIT_OK;
    }
    if (on_esxi()) {
        fputs("vmtriage: an ESXi host: triaging this host (/var/run/log, /vmfs/volumes, hostd's "
              "inventory)\n",
              stderr);
        read_bundles(c, NULL, 0, "");
        return VT_EXIT_OK;
    }
    char *example = example_bundle();
    if (example == NULL) {
        cli_error("not an ESXi host, and the example bundle (examples/bundle) is not here; "
                  "run 'vmtriage bundle PATH' or 'vmtriage --help'");
        return VT_EXIT_UNKNOWN;
    }
    term_printf(stderr,
                "vmtriage: not an ESXi host: triaging the example bundle %s (a synthetic "
                "ESXi 5.5 host; see its README)\n",
                example);
    char *inputs[] = {example};
    read_bundles(c, inputs, 1, NULL);
    free(example);
    return VT_EXIT_OK;
}
