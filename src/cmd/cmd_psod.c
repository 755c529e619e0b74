/* cmd_psod: `vmtriage psod FILE|-`: decode a purple screen and name the
 * known issue.
 *
 * The text (a pasted screen, vmkernel.log, vmkernel-log.N, LogEFI.log, plain
 * or gzip) goes through the log scanner as in `logs`; each crash then
 * meets the crash rules (signatures first, generic advice when none
 * matched). With --vms, the VMs under the given datastores are audited and
 * those carrying a matched signature's trigger (its related_rules) are listed
 * in the finding's `related`: the e1000 VMs of KB 2059053. With --vcenter
 * URL, the VMs of that inventory too (read as `vcenter` reads them); and a
 * crash whose text gives no build (and no --build) has its known issue's
 * fixed-in check made with the build of its host in that inventory, when the
 * host can be told: the vm-support bundle folder the file sits in
 * (esx-<host name>-<date>--<time>-<pid>) names it, or the inventory has one
 * host only. */
#include "cmd/cli.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int run_psod(struct cmd_ctx *c);

const struct command psod_cmd = {
    .name = "psod",
    .run = run_psod,
    .needs = CMD_RULES | CMD_REPORT,
    .usage = "vmtriage psod [options] [--vms PATH]... [--vcenter URL] [FILE|-]...",
    .brief = "decode a purple screen, name the known issue and its fix",
    .summary =
        "Decode a purple diagnostic screen (PSOD): pasted console text, vmkernel.log,\n"
        "vmkernel-log.N from vmkdump_extract, or LogEFI.log ('-' or no FILE: standard input).\n"
        "Names the crash type, world, culprit module and the known issue with its source and fix.",
    .opts = CO_REPORT | CO_JOBS | CO_VMS | CO_WINDOW | CO_BUILD | CO_VCENTER,
    .formats = FMTS_NO_CSV};

/* The host name in a vm-support bundle's folder name on `path`
 * ("esx-esx01.lab.local-2024-03-04--05.58-40112"), into out; false when
 * no component of the path is one. */
static bool
bundle_host(const char *path, char *out, size_t outlen)
{
    for (const char *c = path; c && *c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL) {
        if (strncmp(c, "esx-", 4) != 0)
            continue;
        size_t len = strcspn(c, "/");
        /* the last "-YYYY-MM-DD--" of the component ends the name */
        const char *end = NULL;
        for (const char *p = c + 4; p + 13 <= c + len; p++)
            if (p[0] == '-' && strspn(p + 1, "0123456789") == 4 && p[5] == '-' &&
                strspn(p + 6, "0123456789") == 2 && p[8] == '-' &&
                strspn(p + 9, "0123456789") == 2 && p[11] == '-' && p[12] == '-')
                end = p;
        if (end && end > c + 4 && (size_t)(end - c - 4) < outlen) {
            memcpy(out, c + 4, (size_t)(end - c - 4));
            out[end - c - 4] = '\0';
            return true;
        }
    }
    return false;
}

/* Equal host names, or equal up to the first dot on the side that has one
 * fewer label ("esx01" and "esx01.lab.local"). */
static bool
same_host(const char *a, const char *b)
{
    if (strcasecmp(a, b) == 0)
        return true;
    size_t la = strcspn(a, "."), lb = strcspn(b, ".");
    return (a[la] == '\0' || b[lb] == '\0') && la == lb && strncasecmp(a, b, la) == 0;
}

/* The crashes without a build (and no --build): their known issues' fixed-in
 * check with the build of their host in the inventory `vc`. */
static void
builds_from_inventory(const struct report *vc, struct report *rep)
{
    for (size_t i = 0; i < rep->ncrashes; i++) {
        const struct crash_view *cv = &rep->crashes[i];
        if (cv->build)
            continue;
        char name[256];
        const struct report_host *h = NULL;
        bool named = bundle_host(cv->source, name, sizeof(name));
        for (size_t k = 0; k < vc->nhosts; k++)
            if (named ? vc->hosts[k].facts.name && same_host(name, vc->hosts[k].facts.name)
                      : vc->nhosts == 1)
                h = &vc->hosts[k];
        if (h == NULL || h->facts.build == NULL)
            continue;
        char *subject = crash_subject(cv);
        char *product = xasprintf("%s %s", h->facts.product ? h->facts.product : "VMware ESXi",
                                  h->facts.version ? h->facts.version : "");
        bool used = false;
        for (size_t k = 0; k < rep->findings.n; k++) {
            struct finding *f = &rep->findings.v[k];
            if (f->rule->nfixed_in == 0 || f->fix == FIX_IN_HOST || strcmp(f->subject, subject))
                continue;
            free(f->fix_note);
            f->fix_note = NULL;
            f->fix = FIX_NONE;
            finding_fix_status(f, cv->product ? cv->product : product, h->facts.build);
            used = true;
        }
        if (used)
            diags_add(&rep->diags, DIAG_NOTE, subject, 0,
                      "the screen gives no build: the fixed-in check uses build %s of host %s "
                      "(%s, from the vCenter inventory)",
                      h->facts.build, h->facts.name ? h->facts.name : "?",
                      named ? "named by the bundle folder" : "the inventory's only host");
        free(product);
        free(subject);
    }
}

/* Returns VT_EXIT_UNKNOWN when --vcenter could not be read (said on stderr). */
static int
find_triggers(const struct vt_opts *o, const struct ruleset *rules, struct report *rep)
{
    bool wanted = false, builds = false;
    for (size_t i = 0; i < rep->findings.n; i++)
        wanted |= rep->findings.v[i].rule->nrelated > 0;
    for (size_t i = 0; o->vcenter && !o->build && i < rep->ncrashes; i++)
        builds |= rep->crashes[i].build == NULL;
    if (!wanted && !builds)
        return VT_EXIT_OK;
    struct findings vmf = FINDINGS_INIT;
    if (o->nvms)
        scan_paths(o->vms, o->nvms, rules, o, &vmf, &rep->diags);
    int rc = VT_EXIT_OK;
    if (o->vcenter) {
        struct report vc = {.command = "vcenter"};
        rc = vcenter_read(o->vcenter, rules, o, false, &vc);
        if (builds && rc == VT_EXIT_OK)
            builds_from_inventory(&vc, rep);
        findings_move(&vmf, &vc.findings);
        diags_move(&rep->diags, &vc.diags);
        report_release(&vc);
    }
    for (size_t i = 0; i < rep->findings.n; i++)
        findings_link_related(&rep->findings.v[i], vmf.v, vmf.n);
    findings_release(&vmf);
    return rc;
}

static int
run_psod(struct cmd_ctx *c)
{
    static char dash[] = "-";
    char *stdin_only[] = {dash};
    char **inputs = c->nargs ? c->args : stdin_only;
    size_t ninputs = c->nargs ? c->nargs : 1;
    bool from_stdin = false;
    for (size_t i = 0; i < ninputs; i++)
        from_stdin |= strcmp(inputs[i], "-") == 0;
    if (from_stdin && isatty(0)) /* else a silent wait looks like a hang */
        fputs("vmtriage: reading the purple screen from standard input: paste it, then press "
              "Ctrl-D on an empty line (Ctrl-C cancels)\n",
              stderr);
    logs_read(inputs, ninputs, &c->rules, &c->o, SUBJECT_FILE, &c->rep);
    c->rep.has_files = false; /* the psod contract: crashes, backtraces, findings */
    if (c->o.nvms || c->o.vcenter)
        return find_triggers(&c->o, &c->rules, &c->rep);
    return VT_EXIT_OK;
}
