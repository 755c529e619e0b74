/* cmd_psod: `vmtriage psod FILE|-`: decode a purple screen and name the
 * known issue.
 *
 * The text (a pasted screen, vmkernel.log, vmkernel-log.N, LogEFI.log, plain
 * or gzip) goes through the log scanner as in `logs`; each crash then
 * meets the crash rules (signatures first, generic advice when none
 * matched). With --vms, the VMs under the given datastores are audited and
 * those carrying a matched signature's trigger (its related_rules) are listed
 * in the finding's `related`: the e1000 VMs of KB 2059053. With --vcenter
 * URL, the VMs of that inventory too (read as `vcenter` reads them). */
#include "cmd/cli.h"
#include "util/util_mem.h"

#include <stdlib.h>
#include <string.h>
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

/* Returns VT_EXIT_UNKNOWN when --vcenter could not be read (said on stderr). */
static int
find_triggers(const struct vt_opts *o, const struct ruleset *rules, struct report *rep)
{
    bool wanted = false;
    for (size_t i = 0; i < rep->findings.n; i++)
        wanted |= rep->findings.v[i].rule->nrelated > 0;
    if (!wanted)
        return VT_EXIT_OK;
    struct findings vmf = FINDINGS_INIT;
    if (o->nvms)
        scan_paths(o->vms, o->nvms, rules, o, &vmf, &rep->diags);
    int rc = VT_EXIT_OK;
    if (o->vcenter) {
        struct report vc = {.command = "vcenter"};
        rc = vcenter_read(o->vcenter, rules, o, false, &vc);
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
