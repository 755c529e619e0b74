#!/bin/sh
# t-layers: the layering of src/ (tools/check-layers.sh) holds, and the check
# would catch a back-reference: a copy of the tree with a parser including a
# reporter's header, a source including a rule header, a parser doing I/O
# through a source, and a flat include each fail, naming the file and line.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

ok "src/ keeps its layers" sh "$ROOT/tools/check-layers.sh" "$ROOT/src"

# bad SRC-FILE LINE-TO-ADD EXPECTED-TEXT: a copy with one bad include fails
bad() {
    rm -rf "$WORK/src"
    cp -R "$ROOT/src" "$WORK/src"
    printf '%s\n' "$2" >>"$WORK/src/$1"
    sh "$ROOT/tools/check-layers.sh" "$WORK/src" >"$WORK/out" 2>&1
    rc=$?
    ok "$1 + $2: refused (exit $rc)" [ "$rc" -eq 1 ]
    ok "$1 + $2: the line is named" grep -qF "$WORK/src/$1:" "$WORK/out"
    ok "$1 + $2: says why" grep -qF "$3" "$WORK/out"
}
bad parse/vmx/vmx_parse.c '#include "report/report.h"' "report is above parse"
bad source/walk.c '#include "rules/rules.h"' "rules is above source"
bad record/vm_build.c '#include "cmd/cli.h"' "cmd is above record"
bad parse/psod/psod_parse.c '#include "source/input.h"' "parsers are pure"
bad util/util_buf.c '#include "findings/findings.h"' "findings is above util"
bad report/report_text.c '#include "util_buf.h"' "names no stage folder"

done_testing
