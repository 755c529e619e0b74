#!/bin/sh
# golden/run.sh VMTRIAGE: runs each case (tests/golden/<case>/args, one
# argument per line, run from the repo root) and compares standard output
# byte for byte with <case>/expected. `make golden-update` rewrites them;
# review the diff.
set -u
unset COLUMNS # whole lines, as when piped
# the scripts of `fix --emit` say when they were written: a fixed time here
export SOURCE_DATE_EPOCH=1709528400
VT=$1
pass=0
fail=0
for dir in tests/golden/*/; do
    c=$(basename "$dir")
    [ -f "$dir/args" ] || continue
    # shellcheck disable=SC2046
    set -- $(cat "$dir/args")
    NO_COLOR=1 "$VT" "$@" >"$dir/actual" 2>/dev/null
    if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
        cp "$dir/actual" "$dir/expected"
    fi
    if cmp -s "$dir/actual" "$dir/expected"; then
        pass=$((pass + 1))
        rm -f "$dir/actual"
    else
        fail=$((fail + 1))
        echo "not ok - golden $c"
        diff -u "$dir/expected" "$dir/actual" | head -20
    fi
done
echo "golden: $pass passed, $fail failed"
