/* cmd_fix: `vmtriage fix`: one plan for every finding (printed for a tool),
 * or the .vmx changes made safely. This file only routes between the two. */
#include "cmd/fix_parts.h"

static int
run_fix(struct cmd_ctx *c)
{
    const struct vt_opts *o = &c->o;
    if (o->undo && (o->apply || o->dry_run || o->nonly || o->emit || o->from)) {
        cli_error("--undo takes only the journal to undo; see 'vmtriage fix --help'");
        return VT_EXIT_UNKNOWN;
    }
    if ((o->apply || o->dry_run || o->undo) && (o->emit || o->from)) {
        cli_error("--emit and --from print a plan; --apply, --dry-run and --undo edit files: "
                  "give one or the other");
        return VT_EXIT_UNKNOWN;
    }
    if (!(o->apply || o->dry_run || o->undo) && (o->nonly || o->reload)) {
        cli_error("--only and --reload go with --apply or --dry-run");
        return VT_EXIT_UNKNOWN;
    }
    if (o->apply || o->dry_run || o->undo)
        return fix_apply_run(c);
    return fix_plan_run(c);
}

const struct command fix_cmd = {
    .name = "fix",
    .run = run_fix,
    .needs = CMD_RULES,
    .usage = "vmtriage fix [options] PATH... | --from REPORT.json | --undo JOURNAL",
    .brief = "one plan for every finding, or the .vmx changes made safely",
    .summary =
        "Write one plan for every finding of the VMs, bundles or vCenter given (or of a saved\n"
        "JSON report): grouped by action, worst first, as text or as one script for PowerCLI,\n"
        "govc, the ESXi shell or Ansible. With --apply, make the .vmx changes: never on a\n"
        "running VM, with a backup, an atomic replace and a journal that --undo restores.",
    .opts = CO_FORMAT | CO_OUTPUT | CO_RULES | CO_MIN | CO_COLOR | CO_PROFILE | CO_JOBS | CO_VCENTER |
            CO_PLAN | CO_APPLY,
    .formats = FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON)};
