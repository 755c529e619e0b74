# lib.sh: helpers for the CLI tests (sourced). Each test prints "ok - …" or
# "not ok - …" per check and ends with "<name>: N passed, N failed".
set -u
unset COLUMNS # text output is fitted to COLUMNS when it is set; tests set it themselves
VT=${VT_BIN:?VT_BIN not set}
SHARED=${VT_SHARED:-../shared}
T_PASS=0
T_FAIL=0
T_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ok() { # ok DESC CONDITION-COMMAND...
    desc=$1
    shift
    if "$@"; then
        T_PASS=$((T_PASS + 1))
        echo "ok - $desc"
    else
        T_FAIL=$((T_FAIL + 1))
        echo "not ok - $desc"
    fi
}

# run ARGS...: runs vmtriage; stdout in $WORK/out, stderr in $WORK/err, status in $RC
run() {
    "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
}

json() { # json PYTHON-EXPR: evaluates EXPR with d = the JSON in $WORK/out
    python3 -c "import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if ($1) else 1)"
}

done_testing() {
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
}
