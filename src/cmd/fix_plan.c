/* fix_plan: placeholder until the plan half of `vmtriage fix` lands. */
#include "cmd/fix_parts.h"

int
fix_plan_run(struct cmd_ctx *c)
{
    (void)c;
    cli_error("fix: not built yet");
    return VT_EXIT_UNKNOWN;
}
