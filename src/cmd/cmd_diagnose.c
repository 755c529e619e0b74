/* cmd_diagnose: `vmtriage diagnose [options] VM...`: why does this VM crash?
 *
 * Joins what `scan`, `dump`, `cpu` and `logs` read into the walk of the
 * nested-hypervisor decision tree (field report seeds/003; findings/diagnose.c,
 * data/diagnose_tree.tsv). Per VM (a .vmx/.vmtx, or a folder: its .vmx and
 * vmware*.log): the .vmx through the scan rules (with the nested profile when
 * the VM runs, or is meant to run, a hypervisor), its vmware.log through the
 * log rules; once for all VMs: the guest's dumps (--dump) through the dump
 * rules, a stop code (--stop-code, else the first dump's bug check, else a
 * Windows stop line on the console) through the dump rules as a dump that
 * holds only its code, the console text (--console) through the console
 * reader, the CPU listings (--cpuinfo: the guest's, the host's) through the cpu rules. Every input is
 * optional except the VM; what could not be read is an error naming it (exit
 * 3) and the walk goes on, its nodes unknown. */
#include "cmd/cli.h"
#include "cmd/diagnose_parts.h"
#include "parse/console/console.h"
#include "parse/dump/bugcheck.h"
#include "rules/rules_re.h"
#include "source/input.h"
#include "source/inventory.h"
#include "source/walk.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int run_diagnose(struct cmd_ctx *c);

const struct command diagnose_cmd = {
    .name = "diagnose",
    .run = run_diagnose,
    .needs = CMD_OPERAND | CMD_RULES | CMD_REPORT,
    .missing = "diagnose needs a VM: its .vmx or its folder",
    .usage = "vmtriage diagnose [options] VM...",
    .brief = "walk a crashing VM through the whole decision tree, with evidence and fixes",
    .summary =
        "Walk each VM (a .vmx/.vmtx, or its folder: the .vmx and vmware*.log) through the\n"
        "decision tree of a VM that blue-screens or panics (stop code, storage controller,\n"
        "hardware virtualization, vCPU features, memory, NIC, firmware, hardware version, time\n"
        "sync, devices, vmware.log, the guest's dump and console): each node's answer, evidence,\n"
        "verdict (ok, problem, unknown) and fix, then the likely causes ranked. The evidence\n"
        "options are all optional and apply to every VM given.",
    .opts = CO_REPORT | CO_PROFILE | CO_DIAG,
    .formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV) | FMT_BIT(FMT_HTML) |
               FMT_BIT(FMT_NAGIOS)};

/* What the evidence options gave, shared by every VM. */
struct diag_evidence {
    struct console_info con;
    bool has_con;
    struct cpu_info cpu[2]; /* [0] the guest's listing, [1] the host's */
    bool has_cpu[2];
    const char *cpu_path[2];
    struct diag_stop stop;
    const struct crash_dump **dumps; /* owned array; borrowed from rep->dumps */
    const char **dump_paths;
    size_t ndumps;
    /* --host: the host read as `vmtriage bundle` reads it */
    bool has_host;
    struct report host;   /* its findings stay here until every VM is walked */
    bool *host_used;      /* per finding of `host`: some VM's walk showed it */
    char *host_summary;   /* owned: "VMware ESXi 7.0.3 build 21424296", or NULL */
    char *host_cpu_path;  /* owned: what the host's HV Support came from, or NULL */
    size_t host_logs;     /* log files read of it */
};

/* Reads all of `path` ("-": standard input) up to max bytes; -1 after an error. */
static int
read_all(const char *path, size_t max, struct buf *out, struct diags *d)
{
    int fd = input_open(path, INPUT_STDIN, NULL, d);
    if (fd < 0)
        return -1;
    int rc = 0;
    while (out->len <= max) {
        buf_grow(out, 65536);
        ssize_t got = read(fd, out->p + out->len, 65536);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            diags_add(d, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
            rc = -1;
            break;
        }
        if (got == 0)
            break;
        out->len += (size_t)got;
        out->p[out->len] = '\0';
    }
    if (strcmp(path, "-") != 0)
        close(fd);
    return rc;
}

static void
read_console(const struct vt_opts *o, struct diag_evidence *ev, struct report *rep)
{
    struct buf t = BUF_INIT;
    if (read_all(o->console, CONSOLE_MAX_BYTES, &t, &rep->diags) == 0 &&
        console_parse(t.p ? t.p : "", t.len, o->console, &ev->con, &rep->diags) == 0) {
        ev->has_con = true;
        if (ev->con.nev == 0)
            diags_add(&rep->diags, DIAG_NOTE, o->console, 0,
                      "no kernel panic, oops, stop screen or other known message in %lu lines "
                      "(the console node is ok, the walk goes on)",
                      ev->con.lines);
    }
    buf_release(&t);
}

/* A listing is the host's when it is esxcli's, or a cpuinfo/lscpu without the
 * hypervisor flag (bare metal); else the guest's. One of each. */
static void
read_cpu(const char *path, const struct ruleset *rules, struct diag_evidence *ev,
         struct report *rep)
{
    struct buf t = BUF_INIT;
    struct cpu_info info = {0}; /* cpu_release takes it as it is when nothing was read */
    if (read_all(path, CPU_MAX_BYTES, &t, &rep->diags) != 0 ||
        cpu_parse(t.p ? t.p : "", t.len, path, &info, &rep->diags) != 0) {
        cpu_release(&info);
        buf_release(&t);
        return;
    }
    buf_release(&t);
    int slot = info.format == CPU_FORMAT_ESXCLI || (info.has_flags && info.hypervisor == 0);
    if (ev->has_cpu[slot]) {
        diags_add(&rep->diags, DIAG_ERROR, path, 0,
                  "a second %s CPU listing (the first: %s); give one of the guest and one of "
                  "the host; not read",
                  slot ? "host" : "guest", ev->cpu_path[slot]);
        cpu_release(&info);
        return;
    }
    ev->cpu[slot] = info;
    ev->has_cpu[slot] = true;
    ev->cpu_path[slot] = path;
    struct cpu_view v = {&ev->cpu[slot], path};
    char *e = cpu_evidence_text(&ev->cpu[slot]);
    audit_cpu(rules, &v, info.has_flags ? info.flags_line : info.hv_line, e, &rep->findings);
    rule_re_report(&rep->diags, path, 0);
    free(e);
}

/* A folder that is a copy of a host's file system rather than a support
 * bundle: it has the host's folders at its top and no commands/ of
 * vm-support. */
static bool
host_root_like(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    char *cmds = xasprintf("%s/commands", path), *log = xasprintf("%s/var/run/log", path),
         *inv = xasprintf("%s/etc/vmware/hostd/vmInventory.xml", path);
    bool r = stat(cmds, &st) != 0 && (stat(log, &st) == 0 || stat(inv, &st) == 0);
    free(cmds);
    free(log);
    free(inv);
    return r;
}

/* --host: the host's bundle or file system through the bundle reader (its
 * logs through the log rules), its facts for the walk: the build for
 * people, HV Support as the host's CPU listing when --cpuinfo gave none. */
static void
read_host(struct cmd_ctx *c, struct diag_evidence *ev)
{
    const char *path = c->o.host;
    ev->host = (struct report){.command = "bundle"};
    struct vt_opts o = c->o;
    o.format = FMT_TEXT; /* no VM JSON is kept */
    char *inputs[] = {(char *)path};
    if (host_root_like(path))
        bundles_read(&c->rules, &o, &ev->host, NULL, 0, path, false);
    else
        bundles_read(&c->rules, &o, &ev->host, inputs, 1, NULL, false);
    diags_move(&c->rep.diags, &ev->host.diags);
    ev->has_host = true;
    ev->host_used = xcalloc(ev->host.findings.n + 1, sizeof(*ev->host_used));
    for (size_t i = 0; i < ev->host.nhosts; i++)
        ev->host_logs += ev->host.hosts[i].log_files;
    if (ev->host.nhosts == 0)
        return;
    if (ev->host.nhosts > 1)
        diags_add(&c->rep.diags, DIAG_NOTE, path, 0,
                  "%zu hosts in it: the first one's build and CPU are used; every host's log "
                  "lines about the VM are read",
                  ev->host.nhosts);
    const struct host_facts *h = &ev->host.hosts[0].facts;
    ev->host_summary = host_summary(h);
    if (h->hv_support >= 0 && !ev->has_cpu[1]) {
        ev->host_cpu_path = host_cpu(&c->rules, h, path, &ev->cpu[1], &c->rep.findings);
        ev->has_cpu[1] = true;
        ev->cpu_path[1] = ev->host_cpu_path;
    }
}

/* The host's findings some walk showed join the report's; the rest are about
 * other VMs or none, and go. */
static void
host_release(struct diag_evidence *ev, struct report *rep)
{
    if (!ev->has_host)
        return;
    struct findings *hf = &ev->host.findings;
    for (size_t i = 0; i < hf->n; i++) {
        if (ev->host_used[i]) {
            XGROW(rep->findings.v, rep->findings.cap, rep->findings.n + 1);
            rep->findings.v[rep->findings.n++] = hf->v[i];
        } else {
            finding_release(&hf->v[i]);
        }
    }
    free(hf->v);
    *hf = (struct findings)FINDINGS_INIT;
    report_release(&ev->host);
    free(ev->host_used);
    free(ev->host_summary);
    free(ev->host_cpu_path);
}

static void
read_evidence(struct cmd_ctx *c, struct diag_evidence *ev)
{
    struct report *rep = &c->rep;
    const struct vt_opts *o = &c->o;
    if (o->stop_code) {
        uint32_t code;
        if (stopcode_parse(o->stop_code, strlen(o->stop_code), &code) == 0) {
            stop_set(&ev->stop, code, xasprintf("--stop-code 0x%08X", code));
        } else {
            diags_add(&rep->diags, DIAG_ERROR, "--stop-code", 0,
                      "'%s' is no stop code: give its number (0x7B, 7B, 0x0000007B) or its "
                      "name (INACCESSIBLE_BOOT_DEVICE) as the blue screen shows it",
                      o->stop_code);
        }
    }
    if (o->console)
        read_console(o, ev, rep);
    for (size_t i = 0; i < o->ncpuinfos; i++)
        read_cpu(o->cpuinfos[i], &c->rules, ev, rep);
    if (o->host)
        read_host(c, ev);
    if (o->ndumps) {
        dumps_read_paths(rep, o->dumps, o->ndumps);
        dumps_audit(&c->rules, rep);
        ev->dumps = xcalloc(rep->ndumps + 1, sizeof(*ev->dumps));
        ev->dump_paths = xcalloc(rep->ndumps + 1, sizeof(*ev->dump_paths));
        for (size_t i = 0; i < rep->ndumps; i++) {
            ev->dumps[ev->ndumps] = &rep->dumps[i].dump;
            ev->dump_paths[ev->ndumps++] = rep->dumps[i].path;
        }
    }
    for (size_t i = 0; !ev->stop.has && i < ev->ndumps; i++)
        if (ev->dumps[i]->has_bugcheck) {
            ev->stop.has = true;
            ev->stop.code = ev->dumps[i]->bugcheck;
            /* its findings are the dump's own */
            ev->stop.from = xasprintf("the dump %s", ev->dump_paths[i]);
        }
    if (!ev->stop.has && ev->has_con && ev->con.has_stop)
        stop_set(&ev->stop, ev->con.stop_code, xasprintf("%s:%lu", o->console, ev->con.stop_line));
    if (ev->stop.subject)
        audit_stop(&c->rules, &ev->stop, &rep->findings, &rep->diags);
}

static bool
vmx_name(const char *name)
{
    size_t l = strlen(name);
    return (l > 4 && strcasecmp(name + l - 4, ".vmx") == 0) ||
           (l > 5 && strcasecmp(name + l - 5, ".vmtx") == 0);
}

static bool
vmlog_name(const char *name)
{
    size_t l = strlen(name);
    return strncmp(name, "vmware", 6) == 0 && l > 4 && strcmp(name + l - 4, ".log") == 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder's files whose names `want` takes, sorted (owned paths). */
static size_t
folder_files(const char *dir, bool (*want)(const char *), char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!want(e->d_name))
            continue;
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (stat(b.p, &st) != 0 || !S_ISREG(st.st_mode)) {
            buf_release(&b);
            continue;
        }
        XGROW(*out, cap, n + 1);
        (*out)[n++] = buf_detach(&b);
    }
    closedir(d);
    if (n > 1)
        qsort(*out, n, sizeof(char *), cmp_str);
    return n;
}

static void
free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The VM's .vmx (owned) and folder (owned), or NULL after an error naming the path. */
static char *
find_vmx(const char *arg, char **folder, struct diags *d)
{
    struct stat st;
    *folder = NULL;
    if (stat(arg, &st) != 0) {
        diags_add(d, DIAG_ERROR, arg, 0, "cannot read: %s; not a VM (give its .vmx or folder)",
                  strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        char **v;
        size_t n = folder_files(arg, vmx_name, &v);
        if (n == 0) {
            diags_add(d, DIAG_ERROR, arg, 0,
                      "not a VM: the folder holds no .vmx or .vmtx file (the walk goes on "
                      "without it: its configuration nodes are unknown)");
            *folder = xstrdup(arg);
            return NULL;
        }
        if (n > 1)
            diags_add(d, DIAG_NOTE, arg, 0, "%zu VM configurations in the folder: diagnosing %s",
                      n, v[0]);
        char *vmx = xstrdup(v[0]);
        free_list(v, n);
        *folder = xstrdup(arg);
        return vmx;
    }
    if (!vmx_name(arg))
        diags_add(d, DIAG_NOTE, arg, 0, "not named .vmx or .vmtx; read as a VM configuration");
    const char *slash = strrchr(arg, '/');
    *folder = slash ? xstrndup(arg, (size_t)(slash - arg) + (slash == arg)) : xstrdup(".");
    return xstrdup(arg);
}

/* Parses the .vmx; NULL after the errors naming it. */
static struct vm *
read_vm(const char *path, struct diags *d)
{
    char *data;
    size_t len;
    if (read_small_file(path, VMX_MAX_BYTES, &data, &len, d) != 0)
        return NULL;
    struct vmx_doc *doc = vmx_parse(data, len, path, d);
    free(data);
    if (doc == NULL)
        return NULL;
    if (vmx_encrypted_note(doc, path, d)) {
        vmx_doc_free(doc);
        return NULL;
    }
    if (!vmx_doc_is_vmware(doc)) {
        diags_add(d, DIAG_ERROR, path, 0,
                  "not a VM: not a VMware configuration (%s); its configuration nodes are unknown",
                  vmx_doc_not_vmware_reason(doc));
        vmx_doc_free(doc);
        return NULL;
    }
    return vm_from_vmx_checked(doc, path, d);
}

/* Reads the folder's vmware*.log through the log rules; their findings are
 * moved into `rep` with `folder` as their subject. Returns how many files. */
static size_t
read_vm_logs(struct cmd_ctx *c, const char *folder)
{
    char **logs;
    size_t n = folder_files(folder, vmlog_name, &logs);
    if (n == 0)
        return 0;
    struct report tmp = {.command = "logs"};
    logs_read(logs, n, &c->rules, &c->o, SUBJECT_FOLDER, &tmp);
    for (size_t i = 0; i < tmp.findings.n; i++) {
        free(tmp.findings.v[i].subject);
        tmp.findings.v[i].subject = xstrdup(folder);
    }
    findings_move(&c->rep.findings, &tmp.findings);
    diags_move(&c->rep.diags, &tmp.diags);
    report_release(&tmp);
    free_list(logs, n);
    return n;
}

/* Walks one VM: `vmx` (the file read, or an inventory VM's subject), its
 * `folder` and `vm` are owned and freed here; each may be NULL. */
static void
diagnose_vm(struct cmd_ctx *c, struct diag_evidence *ev, const char *arg, char *vmx, char *folder,
            struct vm *vm)
{
    struct report *rep = &c->rep;
    size_t first_log = rep->findings.n;
    size_t nlogs = folder ? read_vm_logs(c, folder) : 0;
    /* without a stop code given, the one the VM's own log recorded */
    const struct diag_stop *stop = &ev->stop;
    struct diag_stop own = {0};
    const char **unknown = NULL;
    size_t nunknown = 0;
    if (!stop->has && log_stop(&rep->findings, first_log, NULL, &own)) {
        audit_stop(&c->rules, &own, &rep->findings, &rep->diags);
        stop = &own;
    }
    if (vm) {
        char *why;
        bool nested = diagnose_nested(vm, c->o.profile_nested, ev->has_con ? &ev->con : NULL,
                                      stop->has, stop->code, &why);
        free(why);
        struct record_ctx ctx = {.profile_nested = nested};
        audit_vm(&c->rules, vm, &ctx, &rep->findings);
        rule_re_report(&rep->diags, vmx, 0);
        for (size_t i = 0; vm->unknown && i < c->rules.n; i++)
            if (audit_rule_unknown(c->rules.v[i], vm, &ctx)) {
                unknown = xreallocarray(unknown, nunknown + 1, sizeof(*unknown));
                unknown[nunknown++] = c->rules.v[i]->id;
            }
    }
    struct diag_input in = {
        .vm_path = arg,
        .vmx_path = vm ? vmx : NULL,
        .vm = vm,
        .vm_folder = nlogs ? folder : NULL,
        .nlogs = nlogs,
        .profile_nested = c->o.profile_nested,
        .con = ev->has_con ? &ev->con : NULL,
        .con_path = c->o.console,
        .cpu = ev->has_cpu[0] ? &ev->cpu[0] : NULL,
        .cpu_path = ev->cpu_path[0],
        .host_cpu = ev->has_cpu[1] ? &ev->cpu[1] : NULL,
        .host_cpu_path = ev->cpu_path[1],
        .dumps = ev->dumps,
        .dump_paths = ev->dump_paths,
        .ndumps = ev->ndumps,
        .has_stop = stop->has,
        .stop_code = stop->code,
        .stop_from = stop->from,
        .stop_subject = stop->subject,
        .findings = &rep->findings,
        .unknown_rules = unknown,
        .nunknown_rules = nunknown,
    };
    const struct finding **hf = NULL;
    if (ev->has_host) {
        in.host_path = c->o.host;
        in.host_summary = ev->host_summary;
        in.host_logs = ev->host_logs;
        hf = host_findings_for(&ev->host.findings, NULL, vm, vmx ? vmx : arg, ev->host_used,
                               &in.nhost_findings);
        in.host_findings = hf;
    }
    struct diagnosis *d = diagnose_walk(&in);
    free(hf);
    rep->diagnoses = xreallocarray(rep->diagnoses, rep->ndiagnoses + 1, sizeof(*rep->diagnoses));
    rep->diagnoses[rep->ndiagnoses++] = d;
    rep->nvms += vm != NULL;
    stop_release(&own);
    if (vm)
        vm_free(vm);
    free(unknown);
    free(vmx);
    free(folder);
}

struct inv_diagnose {
    struct cmd_ctx *c;
    struct diag_evidence *ev;
};

static void
on_inventory_vm(void *arg, struct vm *vm)
{
    struct inv_diagnose *id = arg;
    diagnose_vm(id->c, id->ev, vm->path, xstrdup(vm->path), NULL, vm);
}

static void
diagnose_one(struct cmd_ctx *c, struct diag_evidence *ev, const char *arg)
{
    struct report *rep = &c->rep;
    struct stat st;
    /* an inventory (RVTools, govc JSON, a saved report): each of its VMs */
    if (!vmx_name(arg) && stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
        struct inv_diagnose id = {c, ev};
        if (inventory_read(arg, on_inventory_vm, &id, &rep->diags) != 0)
            return;
    }
    char *folder;
    char *vmx = find_vmx(arg, &folder, &rep->diags);
    struct vm *vm = vmx ? read_vm(vmx, &rep->diags) : NULL;
    diagnose_vm(c, ev, arg, vmx, folder, vm);
}

static int
run_diagnose(struct cmd_ctx *c)
{
    c->rep.has_diagnoses = true;
    struct diag_evidence ev = {0};
    read_evidence(c, &ev);
    for (size_t i = 0; i < c->nargs; i++)
        diagnose_one(c, &ev, c->args[i]);
    stop_release(&ev.stop);
    host_release(&ev, &c->rep);
    console_release(&ev.con);
    for (int i = 0; i < 2; i++)
        if (ev.has_cpu[i])
            cpu_release(&ev.cpu[i]);
    free(ev.dumps);
    free(ev.dump_paths);
    return VT_EXIT_OK;
}
