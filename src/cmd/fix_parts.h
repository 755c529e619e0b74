/* fix_parts: the two halves of `vmtriage fix`, shared by cmd_fix.c only.
 * The plan (fix_plan.c) prints what to change; the apply (fix_apply.c) makes
 * the .vmx changes itself, with backup, atomic replace and a journal. */
#ifndef VT_FIX_PARTS_H
#define VT_FIX_PARTS_H

#include "cmd/cli.h"

/* `fix [--emit FORM] [--from REPORT.json] PATH...`: returns the exit status. */
int fix_plan_run(struct cmd_ctx *c);
/* `fix --apply|--dry-run [--only RULE]... PATH...` and `fix --undo JOURNAL`:
 * returns the exit status. */
int fix_apply_run(struct cmd_ctx *c);

#endif
