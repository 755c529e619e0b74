/* diagnose_host: the ESXi host's part of a diagnose walk (its build, its HV
 * Support as a CPU listing, its log findings that name the VM), and the walks
 * `bundle` and the default run start unasked for every VM whose own
 * vmware.log shows a crash (data/diagnose_triggers.tsv). See
 * diagnose_parts.h and cli.h. */
#include "cmd/diagnose_parts.h"
#include "util/embedded.h"
#include "util/util_mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

char *
host_summary(const struct host_facts *h)
{
    if (!h->product && !h->build)
        return NULL;
    return xasprintf("%s%s%s%s%s", h->product ? h->product : "ESXi", h->version ? " " : "",
                     h->version ? h->version : "", h->build ? " build " : "",
                     h->build ? h->build : "");
}

char *
host_cpu(const struct ruleset *rules, const struct host_facts *h, const char *host,
         struct cpu_info *info, struct findings *out)
{
    *info = (struct cpu_info)CPU_INFO_EMPTY;
    info->format = CPU_FORMAT_ESXCLI;
    info->hv_support = h->hv_support;
    char *path = xasprintf("%s (esxcli hardware cpu global get)", host);
    struct cpu_view v = {info, path};
    char *e = cpu_evidence_text(info);
    audit_cpu(rules, &v, 0, e, out);
    free(e);
    return path;
}

static bool
names_vm(const char *text, const char *const *names, size_t n)
{
    for (size_t i = 0; text && i < n; i++)
        if (strstr(text, names[i]))
            return true;
    return false;
}

const struct finding **
host_findings_for(const struct findings *fs, const char *const skip[2], const struct vm *vm,
                  const char *vmx, bool *used, size_t *n)
{
    const char *names[2];
    size_t nn = 0;
    const char *base = vmx ? strrchr(vmx, '/') : NULL;
    base = base ? base + 1 : vmx;
    if (base && strlen(base) >= 3)
        names[nn++] = base;
    if (vm && vm->name && strlen(vm->name) >= 3)
        names[nn++] = vm->name;
    const struct finding **out = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->v[i];
        if (f->rule->kind != REC_LOG && f->rule->kind != REC_CRASH)
            continue; /* a .vmx's own lines name it too */
        bool about = false;
        for (size_t k = 0; !about && base && k < f->involved[INV_VM].n; k++) {
            const char *p = f->involved[INV_VM].v[k], *sl = strrchr(p, '/');
            about = strcmp(sl ? sl + 1 : p, base) == 0;
        }
        for (size_t k = 0; !about && k < f->nev; k++)
            about = names_vm(f->ev[k].text, names, nn);
        for (size_t k = 0; about && skip && k < 2; k++)
            about = !skip[k] || strcmp(f->subject, skip[k]) != 0;
        if (!about)
            continue;
        XGROW(out, cap, *n + 1);
        out[(*n)++] = f;
        if (used)
            used[i] = true;
    }
    return out;
}


/* ---- the walks `bundle` and the default run start unasked ---- */

struct trigger {
    const char *rule, *why;
    unsigned long lines;
};

static struct trigger triggers[16];
static size_t ntriggers;
static pthread_once_t triggers_once = PTHREAD_ONCE_INIT;

static void
trigger_row(char **col)
{
    if (ntriggers == sizeof(triggers) / sizeof(triggers[0]))
        VT_BUG("data/diagnose_triggers.tsv: more than %zu rows", ntriggers);
    triggers[ntriggers++] = (struct trigger){col[0], col[2], strtoul(col[1], NULL, 10)};
}

static void
triggers_load(void)
{
    embedded_rows("data/diagnose_triggers.tsv", 3, trigger_row);
}

const char *
diagnose_trigger(const struct findings *fs, const char *folder)
{
    pthread_once(&triggers_once, triggers_load);
    for (size_t t = 0; t < ntriggers; t++)
        for (size_t i = 0; i < fs->n; i++) {
            const struct finding *f = &fs->v[i];
            if (strcmp(f->rule->id, triggers[t].rule) == 0 && strcmp(f->subject, folder) == 0 &&
                f->count >= triggers[t].lines)
                return triggers[t].why;
        }
    return NULL;
}

void
diagnose_bundle_vm(const struct ruleset *rules, const struct vt_opts *o, struct report *rep,
                   const struct report_host *host, const struct bundle_vm_text *bv,
                   const char *why)
{
    /* the first reading reported what is wrong with the .vmx: not again */
    struct diags scratch = DIAGS_INIT;
    struct vm *vm = NULL;
    struct vmx_doc *doc = bv->text ? vmx_parse(bv->text, bv->len, bv->vmx, &scratch) : NULL;
    if (doc && !vmx_encrypted_note(doc, bv->vmx, &scratch) && vmx_doc_is_vmware(doc))
        vm = vm_from_vmx_checked(doc, bv->vmx, &scratch);
    else if (doc)
        vmx_doc_free(doc);
    diags_release(&scratch);

    struct findings own = FINDINGS_INIT;
    struct diag_stop stop = {0};
    if (log_stop(&rep->findings, 0, bv->folder, &stop))
        audit_stop(rules, &stop, &own, &rep->diags);
    if (vm) {
        char *nested_why;
        struct record_ctx ctx = {.profile_nested = diagnose_nested(vm, o->profile_nested, NULL,
                                                                   stop.has, stop.code,
                                                                   &nested_why)};
        free(nested_why);
        audit_vm(rules, vm, &ctx, &own);
    }
    struct cpu_info hc;
    char *hc_path = NULL, *summary = host_summary(&host->facts);
    if (host->facts.hv_support >= 0)
        hc_path = host_cpu(rules, &host->facts, host->bundle, &hc, &own);
    const char *skip[2] = {bv->folder, bv->vmx};
    struct diag_input in = {
        .vm_path = bv->folder,
        .vmx_path = vm ? bv->vmx : NULL,
        .vm = vm,
        .vm_folder = bv->nlogs ? bv->folder : NULL,
        .nlogs = bv->nlogs,
        .profile_nested = o->profile_nested,
        .cpu_path = NULL,
        .host_cpu = hc_path ? &hc : NULL,
        .host_cpu_path = hc_path,
        .has_stop = stop.has,
        .stop_code = stop.code,
        .stop_from = stop.from,
        .stop_subject = stop.subject,
        .findings = &rep->findings,
        .own = &own,
        .started_by = why,
        .host_path = host->bundle,
        .host_summary = summary,
        .host_logs = host->log_files,
    };
    const struct finding **hf =
        host_findings_for(&rep->findings, skip, vm, bv->vmx, NULL, &in.nhost_findings);
    in.host_findings = hf;
    struct diagnosis *d = diagnose_walk(&in);
    free(hf);
    rep->diagnoses = xreallocarray(rep->diagnoses, rep->ndiagnoses + 1, sizeof(*rep->diagnoses));
    rep->diagnoses[rep->ndiagnoses++] = d;
    findings_release(&own);
    stop_release(&stop);
    if (hc_path)
        cpu_release(&hc);
    free(hc_path);
    free(summary);
    if (vm)
        vm_free(vm);
}
