/* cmd_psod: `vmtriage psod FILE|-`: decode a purple screen and name the
 * known issue.
 *
 * The text (a pasted screen, vmkernel.log, vmkernel-log.N, LogEFI.log, plain
 * or gzip) goes through the log scanner as in `logs`; each crash then
 * meets the crash rules (signatures first, generic advice when none
 * matched). With --vms, the VMs under the given datastores are audited and
 * those carrying a matched signature's trigger (its related_rules) are listed
 * in the finding's `related`: the e1000 VMs of KB 2059053. */
#include "cli.h"
#include "util_mem.h"

#include <stdlib.h>
#include <string.h>

static const struct command psod_cmd = {
    "psod", cmd_psod, "vmtriage psod [options] [--vms PATH]... FILE|-...",
    "Decode a purple diagnostic screen (PSOD): pasted console text, vmkernel.log,\n"
    "vmkernel-log.N from vmkdump_extract, or LogEFI.log ('-' or no FILE: standard input).\n"
    "Names the crash type, world, culprit module and the known issue with its source and fix.",
    .takes_vms = true, .takes_window = true};

static void
find_triggers(const struct vt_opts *o, const struct ruleset *rules, struct report *rep)
{
    bool wanted = false;
    for (size_t i = 0; i < rep->findings.n; i++)
        wanted |= rep->findings.v[i].rule->nrelated > 0;
    if (!wanted)
        return;
    struct findings vmf = FINDINGS_INIT;
    scan_paths(o->vms, o->nvms, rules, o, &vmf, &rep->diags);
    for (size_t i = 0; i < rep->findings.n; i++)
        findings_link_related(&rep->findings.v[i], vmf.v, vmf.n);
    findings_release(&vmf);
}

int
cmd_psod(int argc, char **argv)
{
    struct vt_opts o;
    int first = cli_parse(argc, argv, &psod_cmd, &o);
    if (first == -2)
        return VT_EXIT_OK;
    if (first < 0)
        return VT_EXIT_UNKNOWN;
    if (o.format == FMT_CSV) {
        cli_error("psod writes text or json");
        return VT_EXIT_UNKNOWN;
    }
    struct ruleset rules = RULESET_INIT;
    if (!cli_load_rules(&o, &rules)) {
        ruleset_release(&rules);
        return VT_EXIT_UNKNOWN;
    }
    static char dash[] = "-";
    char *stdin_only[] = {dash};
    char **inputs = first < argc ? argv + first : stdin_only;
    size_t ninputs = first < argc ? (size_t)(argc - first) : 1;
    struct report rep = {.command = "psod"};
    logs_read(inputs, ninputs, &rules, &o, SUBJECT_FILE, &rep);
    rep.has_files = false; /* the psod contract: crashes, backtraces, findings */
    if (o.nvms)
        find_triggers(&o, &rules, &rep);
    int rc = cli_finish(&rep, &o);
    report_release(&rep);
    ruleset_release(&rules);
    return rc;
}
