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
 * otherwise on the example bundle, saying which it did. */
#include "bundle_source.h"
#include "cli.h"
#include "log_source.h"
#include "rules_re.h"
#include "util_buf.h"
#include "util_mem.h"
#include "util_text.h"
#include "vmx_parse.h"
#include "walk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define FACTS_MAX (8u << 20)   /* a command output read whole */
#define DUMP_MAX (256u << 20)  /* a crash dump read whole from an archive */

const struct command bundle_cmd = {
    .name = "bundle",
    .run = cmd_bundle,
    .usage = "vmtriage bundle [options] PATH...",
    .brief = "triage ESXi hosts from vm-support bundles or a vCenter log export",
    .summary =
        "Triage ESXi hosts from vm-support bundles (.tgz, unpacked folders, FRAG parts) or\n"
        "vCenter's Export System Logs zip: host facts, VM audit, logs and purple screens,\n"
        "Windows dumps, with each crash linked to the VMs on its host that carry its trigger.\n"
        "'vmtriage' with no command does the same for this ESXi host, or elsewhere for the\n"
        "example bundle, with the same options.",
    .opts = CO_REPORT | CO_PROFILE | CO_JOBS | CO_WINDOW,
    .formats = FMTS_ALL};

/* One file of a bundle, wherever its bytes come from. */
struct member {
    const char *path;    /* inside the bundle: "var/run/log/vmkernel.log" */
    const char *display; /* what messages and subjects name */
    log_raw_fn *read;    /* its bytes */
    void *ctx;
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
};

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
    if (!vmx_doc_is_vmware(doc)) {
        diags_add(&r->diags, DIAG_NOTE, m->display, 0,
                  "not a VMware configuration (no config.version or virtualHW.version); "
                  "not counted as a VM");
        r->not_vmware++;
        vmx_doc_free(doc);
        return;
    }
    struct vm *vm = vm_from_vmx(doc, m->display);
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

static void
read_member(struct bundling *bd, const struct member *m)
{
    struct report *r = bd->r;
    const char *base = base_of(m->path);
    if (host_facts_wanted(m->path)) {
        struct buf text = BUF_INIT;
        if (read_all(m, FACTS_MAX, &text, &r->diags) == 0)
            host_facts_feed(&r->hosts[r->nhosts - 1].facts, m->path, text.p ? text.p : "",
                            text.len, m->display, &r->diags);
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
    } else if (is_log(m->path)) {
        struct log_source *src = log_source_open_reader(m->display, m->read, m->ctx, &r->diags);
        if (src == NULL)
            return;
        size_t files = r->nfiles;
        log_reading_source(bd->logs, m->display, src, false);
        r->hosts[r->nhosts - 1].log_files += r->nfiles - files;
    }
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
    r->hosts[r->nhosts++] = (struct report_host){.bundle = xstrdup(bundle),
                                                 .facts = HOST_FACTS_INIT};
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
    if (r->nhosts == 0 || strcmp(r->hosts[r->nhosts - 1].bundle, e->bundle) != 0)
        host_begin(bd, e->bundle);
    /* a file split in FRAG parts is named as the whole file ("vmkernel.log", not
     * "vmkernel.log.FRAG-00000") */
    char *display = xstrdup(e->display);
    char *frag = e->frag ? strstr(display, ".FRAG-") : NULL;
    if (frag != NULL)
        *frag = '\0';
    struct member m = {e->path, display, bundle_member_read, rd};
    read_member(bd, &m);
    free(display);
    host_banner(&r->hosts[r->nhosts - 1]);
    return 0;
}

/* ---- this host (an ESXi shell) ---- */

static void
live_file(void *arg, char *path)
{
    struct bundling *bd = arg;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diags_add(&bd->r->diags, DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
        free(path);
        return;
    }
    struct log_fd f = {fd, path, 0};
    /* "ROOT/var/run/log/x" -> "var/run/log/x" */
    struct member m = {path + bd->root_len + 1, path, log_fd_read, &f};
    read_member(bd, &m);
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
    return ends_with_ci(name, ".vmx") || ends_with_ci(name, ".vmtx") || strncmp(name, "vmware", 6) == 0;
}

/* True in an ESXi shell: the kernel says VMkernel. */
static bool
on_esxi(void)
{
    struct utsname u;
    return uname(&u) == 0 && strcmp(u.sysname, "VMkernel") == 0;
}

/* Reads a live host's files under `root` ("" for this host; a copy of a
 * host's file system elsewhere with VMTRIAGE_HOST_ROOT). Only this host's
 * uname(2) is asked: a copy brings its own facts or none. */
static void
read_host_root(struct bundling *bd, const char *root)
{
    struct report *r = bd->r;
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
    for (size_t i = 0; i < 3; i++) {
        char *p = xasprintf("%s%s", root, parts[i]);
        struct stat st;
        if (stat(p, &st) == 0) /* a host without VMs or an inventory is no error */
            walk_paths_want(&p, 1, wants[i], live_file, bd, &r->diags);
        free(p);
    }
    host_banner(h);
}

/* ---- the command ---- */

static int
run(char *const *inputs, size_t n, const char *host_root, const struct vt_opts *o)
{
    struct ruleset rules = RULESET_INIT;
    if (!cli_load_rules(o, &rules)) {
        ruleset_release(&rules);
        return VT_EXIT_UNKNOWN;
    }
    struct report rep = {.command = "bundle", .has_hosts = true, .has_dumps = true};
    struct bundling bd = {.rules = &rules, .o = o, .r = &rep,
                          .ctx = {.profile_nested = o->profile_nested}};
    if (host_root != NULL)
        read_host_root(&bd, host_root);
    for (size_t i = 0; i < n; i++)
        bundle_walk(inputs[i], on_entry, &bd, &rep.diags);
    host_end(&bd);
    dumps_audit(&rules, &rep);
    if (o->format == FMT_JSON) {
        rep.vm_json = bd.vms_json ? bd.vms_json : xcalloc(1, sizeof(*rep.vm_json));
        bd.vms_json = NULL;
    }
    buf_release(&bd.vm_json);
    int rc = cli_finish(&rep, o);
    if (rep.vm_json == NULL)
        rep.nvms = 0; /* counted, but no vm_json to free */
    report_release(&rep);
    ruleset_release(&rules);
    return rc;
}

int
cmd_bundle(int argc, char **argv)
{
    struct vt_opts o;
    int first = cli_parse(argc, argv, &bundle_cmd, &o);
    if (first == -2)
        return VT_EXIT_OK;
    if (first < 0)
        return VT_EXIT_UNKNOWN;
    if (first >= argc) {
        cli_error("bundle needs a vm-support bundle (.tgz or folder) or a vCenter export .zip; "
                  "see 'vmtriage bundle --help'");
        return VT_EXIT_UNKNOWN;
    }
    return run(argv + first, (size_t)(argc - first), NULL, &o);
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

int
cmd_default(int argc, char **argv)
{
    struct vt_opts o;
    int first = cli_parse(argc, argv, &bundle_cmd, &o);
    if (first == -2)
        return VT_EXIT_OK;
    if (first < 0)
        return VT_EXIT_UNKNOWN;
    const char *root = getenv("VMTRIAGE_HOST_ROOT");
    if (root != NULL && *root != '\0') {
        fprintf(stderr, "vmtriage: triaging the host file system under %s (VMTRIAGE_HOST_ROOT)\n",
                root);
        return run(NULL, 0, root, &o);
    }
    if (on_esxi()) {
        fputs("vmtriage: an ESXi host: triaging this host (/var/run/log, /vmfs/volumes, hostd's "
              "inventory)\n",
              stderr);
        return run(NULL, 0, "", &o);
    }
    char *example = example_bundle();
    if (example == NULL) {
        cli_error("not an ESXi host, and the example bundle (examples/bundle) is not here; "
                  "run 'vmtriage bundle PATH' or 'vmtriage --help'");
        return VT_EXIT_UNKNOWN;
    }
    fprintf(stderr, "vmtriage: not an ESXi host: triaging the example bundle %s (a synthetic "
                    "ESXi 5.5 host; see its README)\n",
            example);
    char *inputs[] = {example};
    int rc = run(inputs, 1, false, &o);
    free(example);
    return rc;
}
