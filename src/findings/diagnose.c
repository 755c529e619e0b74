/* diagnose: the walk of data/diagnose_tree.tsv for one VM (see diagnose.h).
 *
 * What is data: the nodes, their order, question, rules, console messages,
 * branch stop codes and the "how to get it" text. What is here: reading the
 * facts each node shows as its answer (the .vmx lines, the CPU flags, the
 * dumps) and the arithmetic of the ranking. A node is a problem only when one
 * of its rules found something at level low or above for this VM, its dumps,
 * its stop code or its CPU listing, or when the console printed one of its
 * messages; it is ok when its evidence was read and showed nothing; else it
 * is unknown and says what would answer it. */
#include "findings/diagnose.h"
#include "parse/dump/bugcheck.h"
#include "util/embedded.h"
#include "util/util_buf.h"
#include "util/util_mem.h"
#include "util/util_quote.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREE_MAX 32

struct tree_node {
    const char *id, *scope, *branch, *rules, *console, *question, *how;
};

static struct tree_node tree[TREE_MAX];
static const char *tree_id_list[TREE_MAX];
static size_t ntree;
static pthread_once_t tree_once = PTHREAD_ONCE_INIT;

static void
tree_row(char **col)
{
    if (ntree == TREE_MAX)
        VT_BUG("data/diagnose_tree.tsv: more than %d nodes", TREE_MAX);
    tree[ntree] = (struct tree_node){col[0], col[1], col[2], col[3], col[4], col[5], col[6]};
    tree_id_list[ntree] = col[0];
    ntree++;
}

static bool list_has(const char *csv, const char *item);

/* The data is ours: a scope or console id the code does not know is a bug
 * (the unit tests load the tree). */
static void
tree_load(void)
{
    embedded_rows("data/diagnose_tree.tsv", 7, tree_row);
    for (size_t i = 0; i < ntree; i++) {
        if (strcmp(tree[i].scope, "all") && strcmp(tree[i].scope, "nested"))
            VT_BUG("data/diagnose_tree.tsv: node %s: scope '%s'", tree[i].id, tree[i].scope);
        const char *c = tree[i].console;
        if (strcmp(c, "-") == 0 || strcmp(c, "*") == 0)
            continue;
        for (const char *p = c; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            bool known = false;
            for (int k = 0; k < CON__COUNT && !known; k++)
                known = strlen(console_kind_id((enum console_kind)k)) == n &&
                        strncmp(console_kind_id((enum console_kind)k), p, n) == 0;
            if (!known)
                VT_BUG("data/diagnose_tree.tsv: node %s: console message '%.*s'", tree[i].id,
                       (int)n, p);
            p = e ? e + 1 : p + n;
        }
    }
}

const char *
diagnose_tree_field(size_t i, int col)
{
    pthread_once(&tree_once, tree_load);
    if (i >= ntree || col < 0 || col > 6)
        return NULL;
    const struct tree_node *t = &tree[i];
    const char *v[] = {t->id, t->scope, t->branch, t->rules, t->console, t->question, t->how};
    return v[col];
}

const char *const *
diagnose_tree_ids(size_t *n)
{
    pthread_once(&tree_once, tree_load);
    *n = ntree;
    return tree_id_list;
}

const char *
diag_verdict_name(enum diag_verdict v)
{
    return v == DV_OK ? "ok" : v == DV_PROBLEM ? "problem" : "unknown";
}

/* Whether the comma list `csv` names `item`: exactly, "prefix-*", or "*". */
static bool
list_has(const char *csv, const char *item)
{
    if (strcmp(csv, "-") == 0)
        return false;
    size_t il = strlen(item);
    for (const char *p = csv; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 1 && p[0] == '*')
            return true;
        if (n > 0 && p[n - 1] == '*' && il >= n - 1 && strncmp(item, p, n - 1) == 0)
            return true;
        if (n == il && strncmp(item, p, n) == 0)
            return true;
        p = e ? e + 1 : p + n;
    }
    return false;
}

static bool
branch_has(const char *csv, uint32_t code)
{
    if (strcmp(csv, "-") == 0)
        return false;
    for (const char *p = csv; *p;) {
        char *end;
        unsigned long v = strtoul(p, &end, 16);
        if (v == code)
            return true;
        p = *end == ',' ? end + 1 : end + strlen(end);
    }
    return false;
}

bool
diagnose_nested(const struct vm *vm, bool profile, const struct console_info *con, bool has_stop,
                uint32_t stop_code, char **why)
{
    struct buf b = BUF_INIT;
    if (profile)
        buf_adds(&b, "--profile nested");
    else if (vm && vm->family == GUEST_VMKERNEL)
        buf_addf(&b, "guest OS %s (ESXi)", vm->guest_os ? vm->guest_os : "vmkernel");
    else if (vm && vm->runs_hypervisor)
        buf_adds(&b, "it has a vhv.enable key");
    else if (vm && vm->vhc_enable_key)
        buf_adds(&b, "it has a vhc.enable key (meant as vhv.enable)");
    if (b.len == 0 && has_stop && stop_code == 0x20001)
        buf_adds(&b, "the stop code 0x00020001 HYPERVISOR_ERROR comes from a hypervisor in the guest");
    for (size_t i = 0; b.len == 0 && con && i < con->nev; i++)
        if (con->ev[i].kind == CON_KVM_BIOS || con->ev[i].kind == CON_KVM_NOHW)
            buf_addf(&b, "its console shows KVM starting (line %lu)", con->ev[i].line);
        else if (con->ev[i].kind == CON_VHC_TYPO)
            buf_addf(&b, "the console text sets up nested virtualization with vhc.enable (line "
                         "%lu)",
                     con->ev[i].line);
    bool nested = b.len > 0;
    if (!nested)
        buf_adds(&b, "no sign of a hypervisor in the guest (no vmkernel guest OS, no vhv.enable "
                     "or vhc.enable key, no KVM or vhc.enable line on its console, no stop code 0x20001; --profile nested "
                     "makes it one)");
    *why = buf_detach(&b);
    return nested;
}

/* ---- one node ---- */

struct walk {
    const struct diag_input *in;
    const char *subjects[70];
    size_t nsubjects;
    bool nested;
};

static bool
own_subject(const struct walk *w, const char *s)
{
    for (size_t i = 0; i < w->nsubjects; i++)
        if (strcmp(w->subjects[i], s) == 0)
            return true;
    return false;
}

/* The host's listing answers only host-hv, and only the host's listing does. */
static bool
host_listing_fits(const struct diag_input *in, const struct tree_node *t, const struct finding *f)
{
    bool host_node = strcmp(t->id, "host-hv") == 0;
    bool from_host = in->host_cpu_path && strcmp(f->subject, in->host_cpu_path) == 0;
    bool from_guest = in->cpu_path && strcmp(f->subject, in->cpu_path) == 0;
    return host_node ? !from_guest : !from_host;
}

/* The findings that speak for node `t` of this VM (owned array of borrowed
 * findings, *n of them): the host-log node takes the host's findings about
 * the VM; every other node the findings of its rules on this VM's own
 * inputs (a stop code is no dump: the dump node asks for the file). */
static const struct finding **
node_findings(const struct walk *w, const struct tree_node *t, size_t *n)
{
    const struct diag_input *in = w->in;
    const struct finding **out = NULL;
    size_t cap = 0;
    *n = 0;
    if (strcmp(t->id, "host-log") == 0) {
        for (size_t i = 0; i < in->nhost_findings; i++) {
            XGROW(out, cap, *n + 1);
            out[(*n)++] = in->host_findings[i];
        }
        return out;
    }
    const struct findings *lists[] = {in->own, in->findings};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; lists[l] && i < lists[l]->n; i++) {
            const struct finding *f = &lists[l]->v[i];
            if (!list_has(t->rules, f->rule->id) || !own_subject(w, f->subject) ||
                !host_listing_fits(in, t, f) ||
                (in->stop_subject && strcmp(t->id, "dump") == 0 &&
                 strcmp(f->subject, in->stop_subject) == 0) ||
                (l == 1 && in->own && in->vmx_path && strcmp(f->subject, in->vmx_path) == 0))
                continue;
            XGROW(out, cap, *n + 1);
            out[(*n)++] = f;
        }
    return out;
}

static void
add_ev(struct diag_node *n, char *line)
{
    n->evidence = xreallocarray(n->evidence, n->nevidence + 1, sizeof(char *));
    n->evidence[n->nevidence++] = line;
}

static void
add_evf(struct diag_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
add_evf(struct diag_node *n, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    add_ev(n, buf_detach(&b));
}

/* The .vmx line of `key` as evidence; returns whether the key is there. */
static bool
vmx_ev(const struct walk *w, struct diag_node *n, const char *key)
{
    const struct vm *vm = w->in->vm;
    const struct vmx_entry *e = vm ? vmx_find(vm->doc, key) : NULL;
    if (e)
        add_evf(n, "%s:%lu: %s", w->in->vmx_path, e->line, e->raw);
    return e != NULL;
}

static const char *
stop_name(uint32_t code)
{
    const char *nm = bugcheck_name(code);
    return nm ? nm : "(name not in the bug check table)";
}

/* The facts a node shows as its answer; returns whether its evidence was read. */
static bool
answer(const struct walk *w, const struct tree_node *t, struct diag_node *n, struct buf *a)
{
    const struct diag_input *in = w->in;
    const struct vm *vm = in->vm;
    const char *id = t->id;
    if (strcmp(id, "stop-code") == 0) {
        if (in->has_stop) {
            buf_addf(a, "0x%08X %s", in->stop_code, stop_name(in->stop_code));
            add_evf(n, "%s", in->stop_from);
        }
        for (size_t i = 0; in->con && i < in->con->nev; i++)
            if (in->con->ev[i].kind == CON_PANIC) {
                buf_addf(a, "%sa Linux kernel panic", a->len ? "; " : "");
                break;
            }
        if (a->len == 0 && in->started_by)
            buf_addf(a, "no stop code; the VM's log shows it stopped: %s", in->started_by);
        if (a->len == 0 && in->con)
            buf_addf(a, "no stop code or kernel panic in %s (%lu lines)", in->con_path,
                     in->con->lines);
        return in->has_stop || in->con || in->started_by;
    }
    if (strcmp(id, "storage") == 0) {
        if (!vm)
            return false;
        const struct vm_controller *c = vm_boot_controller(vm);
        if (c) {
            buf_addf(a, "boot disk on %s%d (%s, %s)", vm_bus_name(c->bus), c->index,
                     c->type ? c->type : "type not set", vm->boot_basis ? vm->boot_basis : "");
            if (c->line)
                add_evf(n, "%s:%lu: %s%d", in->vmx_path, c->line, vm_bus_name(c->bus), c->index);
            char key[32];
            snprintf(key, sizeof(key), "%s%d.virtualDev", vm_bus_name(c->bus), c->index);
            vmx_ev(w, n, key);
        } else {
            buf_adds(a, "no boot disk found in the .vmx");
        }
        return true;
    }
    if (strcmp(id, "hw-virt") == 0) {
        bool any = false;
        if (vm) {
            any = true;
            buf_addf(a, "vhv.enable %s", vm->vhv_enable == 1   ? "TRUE"
                                         : vm->vhv_enable == 0 ? "FALSE"
                                                               : "not set");
            vmx_ev(w, n, "vhv.enable");
            if (vm->vhc_enable_key) {
                buf_adds(a, "; vhc.enable is set: not a VMware key (the key is vhv.enable)");
                vmx_ev(w, n, "vhc.enable");
            }
        }
        if (in->cpu && in->cpu->has_flags) {
            any = true;
            bool hv = cpu_has_flag(in->cpu, "vmx") || cpu_has_flag(in->cpu, "svm");
            buf_addf(a, "%sthe guest's CPU %s vmx/svm", a->len ? "; " : "",
                     hv ? "shows" : "does not show");
            add_evf(n, "%s:%lu: flags (vmx %s, svm %s)", in->cpu_path, in->cpu->flags_line,
                    cpu_has_flag(in->cpu, "vmx") ? "present" : "missing",
                    cpu_has_flag(in->cpu, "svm") ? "present" : "missing");
        }
        return any;
    }
    if (strcmp(id, "host-hv") == 0) {
        const struct cpu_info *h = in->host_cpu;
        if (h && h->hv_support >= 0) {
            buf_addf(a, "HV Support %ld", h->hv_support);
            if (h->hv_line)
                add_evf(n, "%s:%lu: HV Support: %ld", in->host_cpu_path, h->hv_line,
                        h->hv_support);
            else
                add_evf(n, "%s: HV Support: %ld", in->host_cpu_path, h->hv_support);
            return true;
        }
        if (h && h->has_flags) {
            bool hv = cpu_has_flag(h, "vmx") || cpu_has_flag(h, "svm");
            buf_addf(a, "the host's CPU %s vmx/svm", hv ? "shows" : "does not show");
            add_evf(n, "%s:%lu: flags (vmx %s, svm %s)", in->host_cpu_path, h->flags_line,
                    cpu_has_flag(h, "vmx") ? "present" : "missing",
                    cpu_has_flag(h, "svm") ? "present" : "missing");
            return true;
        }
        return false;
    }
    if (strcmp(id, "cpu-features") == 0) {
        static const char *const need[] = {"popcnt", "sse4_1", "sse4_2", "avx2"};
        bool read = in->cpu && in->cpu->has_flags;
        if (read) {
            struct buf miss = BUF_INIT;
            for (size_t i = 0; i < 4; i++)
                if (!cpu_has_flag(in->cpu, need[i]))
                    buf_addf(&miss, "%s%s", miss.len ? ", " : "", need[i]);
            if (miss.len)
                buf_addf(a, "the guest's CPU lacks %s", miss.p);
            else
                buf_adds(a, "the guest's CPU shows popcnt, sse4_1, sse4_2 and avx2");
            add_evf(n, "%s:%lu: flags (%s)", in->cpu_path, in->cpu->flags_line,
                    miss.len ? "see the missing ones above" : "all four present");
            buf_release(&miss);
        }
        /* cpuid masks and per-VM EVC keys hide features from the guest */
        size_t masks = 0;
        for (size_t i = 0; vm && i < vmx_count(vm->doc); i++) {
            const struct vmx_entry *e = vmx_at(vm->doc, i);
            if ((strncmp(e->lkey, "cpuid.", 6) == 0 && strcmp(e->lkey, "cpuid.corespersocket")) ||
                strncmp(e->lkey, "featmask.", 9) == 0) {
                if (masks++ < 8)
                    add_evf(n, "%s:%lu: %s", in->vmx_path, e->line, e->raw);
            }
        }
        if (vm && vm->ncpuid_hidden) {
            buf_addf(a, "%sthe .vmx's CPUID masks hide ", a->len ? "; " : "");
            for (size_t i = 0; i < vm->ncpuid_hidden; i++)
                buf_addf(a, "%s%s", i ? ", " : "", vm->cpuid_hidden[i]);
            buf_adds(a, " from the guest");
        } else if (masks) {
            buf_addf(a, "%s%zu cpuid mask or EVC key%s in the .vmx, none hiding POPCNT, SSE4.x, "
                        "AVX2, VMX or SVM",
                     a->len ? "; " : "", masks, masks == 1 ? "" : "s");
        }
        else if (vm && !read)
            buf_adds(a, "no cpuid mask in the .vmx (an EVC baseline set on the cluster is not in "
                        "it)");
        return read;
    }
    if (strcmp(id, "memory") == 0) {
        if (!vm)
            return false;
        if (vm->mem_mb >= 0)
            buf_addf(a, "%ld MB", vm->mem_mb);
        else
            buf_adds(a, "memsize not set");
        if (vm->mem_min_mb >= 0)
            buf_addf(a, ", %ld MB reserved%s", vm->mem_min_mb,
                     vm->mem_fully_reserved ? " (all of it)" : "");
        else
            buf_adds(a, ", no reservation");
        vmx_ev(w, n, "memsize");
        vmx_ev(w, n, "sched.mem.min");
        return true;
    }
    if (strcmp(id, "scheduling") == 0) {
        if (in->has_stop)
            buf_addf(a, "stop code 0x%08X%s", in->stop_code,
                     branch_has(t->branch, in->stop_code) ? "" : ", no watchdog timeout");
        if (in->con)
            buf_addf(a, "%s%s read", a->len ? "; " : "", in->con_path);
        return in->has_stop || in->con || in->ndumps;
    }
    if (strcmp(id, "nic") == 0) {
        if (!vm)
            return false;
        size_t shown = 0;
        for (size_t i = 0; i < vm->nnics; i++) {
            const struct vm_nic *nic = &vm->nics[i];
            if (!nic->present)
                continue;
            buf_addf(a, "%sethernet%d %s", shown++ ? ", " : "", nic->index,
                     nic->type ? nic->type : "(type not set)");
            char key[40];
            snprintf(key, sizeof(key), "ethernet%d.virtualdev", nic->index);
            if (!vmx_ev(w, n, key))
                add_evf(n, "%s:%lu: ethernet%d (type not set)", in->vmx_path, nic->line,
                        nic->index);
        }
        if (!shown)
            buf_adds(a, "no present NIC");
        return true;
    }
    if (strcmp(id, "firmware") == 0) {
        if (!vm)
            return false;
        buf_addf(a, "%s%s", vm->firmware, vm->firmware_explicit ? "" : " (the default)");
        vmx_ev(w, n, "firmware");
        return true;
    }
    if (strcmp(id, "hw-version") == 0) {
        if (!vm)
            return false;
        if (vm->hw_version)
            buf_addf(a, "virtual hardware %d", vm->hw_version);
        else
            buf_adds(a, "virtualHW.version not set");
        vmx_ev(w, n, "virtualhw.version");
        return true;
    }
    if (strcmp(id, "time-sync") == 0) {
        if (!vm)
            return false;
        buf_addf(a, "tools.syncTime %s", vm->tools_sync_time == 1   ? "TRUE"
                                         : vm->tools_sync_time == 0 ? "FALSE"
                                                                    : "not set (off)");
        vmx_ev(w, n, "tools.synctime");
        return true;
    }
    if (strcmp(id, "devices") == 0) {
        if (!vm)
            return false;
        buf_addf(a, "sound %s, USB %s", vm->sound == 1 ? "present" : "absent",
                 vm->usb == 1 ? "present" : "absent");
        vmx_ev(w, n, "sound.present");
        vmx_ev(w, n, "usb.present");
        vmx_ev(w, n, "usb_xhci.present");
        vmx_ev(w, n, "ehci.present");
        return true;
    }
    if (strcmp(id, "vm-log") == 0) {
        if (in->nlogs)
            buf_addf(a, "%zu vmware.log file%s read", in->nlogs, in->nlogs == 1 ? "" : "s");
        return in->nlogs > 0;
    }
    if (strcmp(id, "host-log") == 0) {
        if (in->host_path && in->host_logs)
            buf_addf(a, "%zu finding%s in %zu log file%s of the host name%s this VM",
                     in->nhost_findings, in->nhost_findings == 1 ? "" : "s", in->host_logs,
                     in->host_logs == 1 ? "" : "s", in->nhost_findings == 1 ? "s" : "");
        else if (in->host_path)
            buf_addf(a, "no log file read in %s", in->host_path);
        return in->host_path && in->host_logs;
    }
    if (strcmp(id, "dump") == 0) {
        for (size_t i = 0; i < in->ndumps; i++) {
            const struct crash_dump *d = in->dumps[i];
            if (d->has_bugcheck)
                buf_addf(a, "%s0x%08X %s", a->len ? "; " : "", d->bugcheck,
                         stop_name(d->bugcheck));
            else if (d->process)
                buf_addf(a, "%suser-mode dump of %s", a->len ? "; " : "", d->process);
            if (d->culprit)
                buf_addf(a, ", culprit %s", d->culprit->name);
            add_evf(n, "%s", in->dump_paths[i]);
        }
        return in->ndumps > 0;
    }
    if (strcmp(id, "console") == 0) {
        if (in->con)
            buf_addf(a, "%zu known message%s in %s (%lu lines)", in->con->nev + in->con->dropped,
                     in->con->nev + in->con->dropped == 1 ? "" : "s", in->con_path,
                     in->con->lines);
        return in->con != NULL;
    }
    return false;
}

/* The console line of a kernel panic is itself one of `kinds`' messages
 * ("Kernel panic - not syncing: VFS: Unable to mount root fs"): the panic
 * names its reason, as a stop code does. Returns the line, or 0. */
static unsigned long
panic_line(const struct console_info *con, const char *kinds)
{
    for (size_t i = 0; con && i < con->nev; i++) {
        if (con->ev[i].kind != CON_PANIC)
            continue;
        for (size_t k = 0; k < con->nev; k++)
            if (k != i && con->ev[k].line == con->ev[i].line &&
                list_has(kinds, console_kind_id(con->ev[k].kind)) && strcmp(kinds, "*") != 0)
                return con->ev[i].line;
    }
    return 0;
}

static bool
panic_names(const struct console_info *con, const char *kinds)
{
    return panic_line(con, kinds) != 0;
}

/* The example line a node shows for finding `f`: the first; for the host's
 * findings, the first that names this VM (its display name or .vmx file). */
static const struct evidence *
shown_ev(const struct walk *w, const struct tree_node *t, const struct finding *f)
{
    if (f->nev == 0)
        return NULL;
    const struct vm *vm = w->in->vm;
    const char *vmx = w->in->vmx_path, *base = vmx ? strrchr(vmx, '/') : NULL;
    base = base ? base + 1 : vmx;
    for (size_t k = 0; strcmp(t->id, "host-log") == 0 && k < f->nev; k++) {
        const char *x = f->ev[k].text;
        if (x && ((base && strstr(x, base)) || (vm && vm->name && strstr(x, vm->name))))
            return &f->ev[k];
    }
    return &f->ev[0];
}

static const int level_score[] = {0, 20, 30, 40, 50}; /* informational .. critical */

static void
walk_node(const struct walk *w, const struct tree_node *t, struct diag_node *n)
{
    const struct diag_input *in = w->in;
    *n = (struct diag_node){.id = t->id, .question = t->question};
    struct buf a = BUF_INIT;
    bool answered = answer(w, t, n, &a);
    const struct finding *first = NULL;
    int best = -1;
    size_t kinds = 0;
    size_t nfs;
    const struct finding **fs = node_findings(w, t, &nfs);
    for (size_t i = 0; i < nfs; i++) {
        const struct finding *f = fs[i];
        const struct evidence *e = shown_ev(w, t, f);
        if (f->level == LEVEL_INFORMATIONAL) {
            add_evf(n, "%s (informational): %s", f->rule->id, f->rule->title);
            continue;
        }
        if (e && e->line)
            add_evf(n, "%s:%lu: %s [%s %s]", e->source ? e->source : f->subject, e->line,
                    e->text ? e->text : "", f->rule->id, level_name(f->level));
        else
            add_evf(n, "%s: %s [%s %s]", f->subject, f->rule->title, f->rule->id,
                    level_name(f->level));
        if (first == NULL)
            first = f;
        if ((int)f->level > best)
            best = (int)f->level;
        for (size_t k = 0; k < f->nfixes; k++) {
            bool dup = false;
            for (size_t j = 0; j < n->nfixes && !dup; j++)
                dup = strcmp(n->fixes[j].tool, f->fixes[k].tool) == 0 &&
                      strcmp(n->fixes[j].text, f->fixes[k].text) == 0;
            if (dup)
                continue;
            n->fixes = xreallocarray(n->fixes, n->nfixes + 1, sizeof(*n->fixes));
            n->fixes[n->nfixes++] =
                (struct diag_fix){f->fixes[k].tool, xstrdup(f->fixes[k].text), f->rule->id};
        }
    }
    free(fs);
    bool seen[CON__COUNT] = {false};
    const struct console_event *first_ev = NULL;
    for (size_t i = 0; in->con && i < in->con->nev; i++) {
        const struct console_event *e = &in->con->ev[i];
        if (!list_has(t->console, console_kind_id(e->kind)))
            continue;
        add_evf(n, "%s:%lu: %s [%s: %s]", in->con_path, e->line, e->text, console_kind_id(e->kind),
                console_kind_source(e->kind));
        if (!seen[e->kind]) {
            seen[e->kind] = true;
            kinds++;
        }
        if (first_ev == NULL)
            first_ev = e;
    }
    bool stop_branch = in->has_stop && branch_has(t->branch, in->stop_code);
    bool panic_says = panic_names(in->con, t->console);
    bool symptom = strcmp(t->id, "stop-code") == 0 || strcmp(t->id, "console") == 0;
    n->on_branch = !symptom && (stop_branch || kinds > 0);
    if (strcmp(t->id, "stop-code") == 0) {
        n->verdict = answered && (in->has_stop || first_ev || in->started_by) ? DV_PROBLEM
                     : answered                             ? DV_OK
                                                            : DV_UNKNOWN;
    } else if (strcmp(t->scope, "nested") == 0 && !w->nested && in->vm &&
               vm_field_unknown(in->vm, "vm.nested") && !in->profile_nested) {
        n->verdict = DV_UNKNOWN;
        buf_reset(&a);
        buf_adds(&a, "not known: the inventory does not say whether this VM runs a hypervisor "
                     "(vhv.enable)");
        first = NULL;
        kinds = 0;
    } else if (strcmp(t->scope, "nested") == 0 && !w->nested) {
        /* a guest that runs no hypervisor needs no VT-x, 8 GB or HW 15: what a CPU listing
           or the nested rules say of it answers no question here */
        n->verdict = DV_OK;
        buf_reset(&a);
        buf_adds(&a, "not a nested hypervisor: this check is for VMs that run one");
        for (size_t k = 0; k < n->nfixes; k++)
            free(n->fixes[k].text);
        free(n->fixes);
        n->fixes = NULL;
        n->nfixes = 0;
        first = NULL;
        kinds = 0;
    } else if (first || kinds) {
        n->verdict = DV_PROBLEM;
        if (first)
            buf_addf(&a, "%s%s", a.len ? ": " : "", first->rule->title);
        else if (first_ev)
            buf_addf(&a, "%s%s", a.len ? ": " : "", console_kind_what(first_ev->kind));
    } else {
        n->verdict = answered ? DV_OK : DV_UNKNOWN;
        for (size_t i = 0; n->verdict == DV_OK && i < in->nunknown_rules; i++)
            if (list_has(t->rules, in->unknown_rules[i])) {
                n->verdict = DV_UNKNOWN;
                buf_reset(&a);
                buf_addf(&a, "not known: the inventory cannot give what rule %s tests",
                         in->unknown_rules[i]);
            }
    }
    if (n->verdict == DV_UNKNOWN) {
        if (a.len == 0)
            buf_adds(&a, "not known");
        add_evf(n, "not given: %s", t->how);
    }
    n->answer = buf_detach(&a);
    if (n->verdict != DV_PROBLEM)
        n->on_branch = false;
    if (n->verdict == DV_PROBLEM && !symptom)
        n->score = (best >= 0 ? level_score[best] : 20) + 30 * (int)kinds + (stop_branch ? 25 : 0) +
                   (panic_says ? 25 : 0);
}

/* ---- causes ---- */

static void
add_cause(struct diagnosis *d, const struct walk *w, const struct tree_node *t,
          const struct diag_node *n)
{
    const struct diag_input *in = w->in;
    struct buf title = BUF_INIT, why = BUF_INIT;
    if (in->has_stop && branch_has(t->branch, in->stop_code))
        buf_addf(&why, "the stop code 0x%08X %s leads here (%s)", in->stop_code,
                 stop_name(in->stop_code), in->stop_from);
    unsigned long pl = panic_line(in->con, t->console);
    if (pl)
        buf_addf(&why, "%sthe kernel panic names it (%s:%lu)", why.len ? "; " : "", in->con_path,
                 pl);
    bool seen[CON__COUNT] = {false};
    for (size_t i = 0; in->con && i < in->con->nev; i++) {
        const struct console_event *e = &in->con->ev[i];
        if (seen[e->kind] || !list_has(t->console, console_kind_id(e->kind)))
            continue;
        seen[e->kind] = true;
        if (title.len == 0)
            buf_adds(&title, console_kind_what(e->kind));
        buf_addf(&why, "%s%s:%lu: %s (%s)", why.len ? "; " : "", in->con_path, e->line,
                 console_kind_what(e->kind), console_kind_source(e->kind));
    }
    /* the title: the most serious rule's, when it is medium or above or no console message
       spoke; else the console message's meaning (a low checklist item names the cause less
       well than "the kernel could not mount its root file system") */
    size_t nfs;
    const struct finding **fs = node_findings(w, t, &nfs);
    const struct finding *bestf = NULL;
    for (size_t i = 0; i < nfs; i++) {
        const struct finding *f = fs[i];
        if (f->level == LEVEL_INFORMATIONAL)
            continue;
        buf_addf(&why, "%s%s (%s, %s): %s", why.len ? "; " : "", f->rule->id,
                 level_name(f->level), f->subject, f->rule->title);
        if (bestf == NULL || f->level > bestf->level)
            bestf = f;
    }
    free(fs);
    if (bestf && (bestf->level >= LEVEL_MEDIUM || title.len == 0)) {
        buf_reset(&title);
        buf_adds(&title, bestf->rule->title);
    }
    d->causes = xreallocarray(d->causes, d->ncauses + 1, sizeof(*d->causes));
    d->causes[d->ncauses++] =
        (struct diag_cause){n->id, buf_detach(&title), buf_detach(&why), n->score};
}

/* The command that would answer the unknown nodes: their evidence options
 * (placeholders in capitals), the nested profile as given, and the VM quoted
 * for sh (util_quote); NULL when nothing is unknown that an option answers,
 * or when the path cannot be quoted safely. */
static char *
rerun(const struct diag_input *in, const struct diag_node *nodes, size_t n)
{
    static const struct {
        const char *node, *opt;
    } opts[] = {{"stop-code", "--stop-code CODE"},
                {"dump", "--dump MINIDUMP-FOLDER"},
                {"console", "--console CONSOLE.TXT"},
                {"cpu-features", "--cpuinfo CPUINFO.TXT"},
                {"host-hv", "--cpuinfo HOST-ESXCLI-CPU.TXT"},
                {"host-log", "--host SUPPORT-BUNDLE"}};
    struct buf b = BUF_INIT;
    buf_adds(&b, "vmtriage diagnose");
    bool any = false;
    for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
        for (size_t i = 0; i < n; i++)
            if (nodes[i].verdict == DV_UNKNOWN && strcmp(nodes[i].id, opts[k].node) == 0) {
                buf_addf(&b, " %s", opts[k].opt);
                any = true;
            }
    if (in->profile_nested)
        buf_adds(&b, " --profile nested");
    buf_addc(&b, ' ');
    if (!any || !quote_sh(&b, in->vm_path)) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* Most likely first; equal scores keep the walk's order (a stable insertion sort). */
static void
sort_causes(struct diag_cause *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct diag_cause x = c[i];
        size_t j = i;
        for (; j > 0 && c[j - 1].score < x.score; j--)
            c[j] = c[j - 1];
        c[j] = x;
    }
}

struct diagnosis *
diagnose_walk(const struct diag_input *in)
{
    pthread_once(&tree_once, tree_load);
    struct diagnosis *d = xcalloc(1, sizeof(*d));
    d->vm = xstrdup(in->vm_path);
    d->name = in->vm && in->vm->name ? xstrdup(in->vm->name) : NULL;
    struct walk w = {.in = in};
    w.nested = diagnose_nested(in->vm, in->profile_nested, in->con, in->has_stop, in->stop_code,
                               &d->nested_why);
    d->nested = w.nested;
    const char *subj[] = {in->vmx_path, in->vm_folder, in->cpu_path, in->host_cpu_path,
                          in->stop_subject};
    for (size_t i = 0; i < 5; i++)
        if (subj[i])
            w.subjects[w.nsubjects++] = subj[i];
    for (size_t i = 0; i < in->ndumps && w.nsubjects < sizeof(w.subjects) / sizeof(w.subjects[0]);
         i++)
        w.subjects[w.nsubjects++] = in->dump_paths[i];

    /* what was read */
    struct buf b = BUF_INIT;
#define EVIDENCE(...)                                                                              \
    do {                                                                                           \
        buf_reset(&b);                                                                             \
        buf_addf(&b, __VA_ARGS__);                                                                 \
        d->evidence = xreallocarray(d->evidence, d->nevidence + 1, sizeof(char *));                \
        d->evidence[d->nevidence++] = xstrdup(b.p);                                                \
    } while (0)
    if (in->started_by)
        EVIDENCE("started because %s", in->started_by);
    if (in->vm)
        EVIDENCE("vmx: %s", in->vmx_path);
    else
        EVIDENCE("vmx: not read (see errors)");
    if (in->nlogs)
        EVIDENCE("vmware.log: %zu file%s in %s", in->nlogs, in->nlogs == 1 ? "" : "s",
                 in->vm_folder);
    if (in->has_stop)
        EVIDENCE("stop code: 0x%08X %s (%s)", in->stop_code, stop_name(in->stop_code),
                 in->stop_from);
    for (size_t i = 0; i < in->ndumps; i++)
        EVIDENCE("dump: %s", in->dump_paths[i]);
    if (in->con)
        EVIDENCE("console: %s (%lu lines, %zu known messages)", in->con_path, in->con->lines,
                 in->con->nev + in->con->dropped);
    if (in->cpu)
        EVIDENCE("cpu: %s (%s, the guest's)", in->cpu_path, cpu_format_title(in->cpu->format));
    if (in->host_cpu)
        EVIDENCE("cpu: %s (%s, the host's)", in->host_cpu_path,
                 cpu_format_title(in->host_cpu->format));
    if (in->host_path)
        EVIDENCE("host: %s (%s)", in->host_path,
                 in->host_summary ? in->host_summary : "its product and build not found");
#undef EVIDENCE
    buf_release(&b);

    struct diag_node all[TREE_MAX];
    for (size_t i = 0; i < ntree; i++)
        walk_node(&w, &tree[i], &all[i]);
    /* the order: stop-code, the nodes the evidence led to, then the rest */
    d->nodes = xcalloc(ntree, sizeof(*d->nodes));
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < ntree; i++) {
            bool stop = strcmp(tree[i].id, "stop-code") == 0;
            if ((pass == 0 && stop) || (pass == 1 && !stop && all[i].on_branch) ||
                (pass == 2 && !stop && !all[i].on_branch))
                d->nodes[d->nnodes++] = all[i];
        }
    for (size_t i = 0; i < ntree; i++)
        if (all[i].score > 0)
            add_cause(d, &w, &tree[i], &all[i]);
    d->rerun = rerun(in, all, ntree);
    sort_causes(d->causes, d->ncauses);
    return d;
}

void
diagnosis_free(struct diagnosis *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->nnodes; i++) {
        struct diag_node *n = &d->nodes[i];
        free(n->answer);
        for (size_t k = 0; k < n->nevidence; k++)
            free(n->evidence[k]);
        free(n->evidence);
        for (size_t k = 0; k < n->nfixes; k++)
            free(n->fixes[k].text);
        free(n->fixes);
    }
    free(d->nodes);
    for (size_t i = 0; i < d->ncauses; i++) {
        free(d->causes[i].title);
        free(d->causes[i].why);
    }
    free(d->causes);
    for (size_t i = 0; i < d->nevidence; i++)
        free(d->evidence[i]);
    free(d->evidence);
    free(d->vm);
    free(d->name);
    free(d->nested_why);
    free(d->rerun);
    free(d);
}
