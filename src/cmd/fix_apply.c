/* fix_apply: placeholder until the apply half of `vmtriage fix` lands. */
#include "cmd/fix_parts.h"

int
fix_apply_run(struct cmd_ctx *c)
{
    (void)c;
    cli_error("fix: not built yet");
    return VT_EXIT_UNKNOWN;
}
