# lib.sh: helpers for the CLI tests (sourced). Each test prints "ok - …",
# "not ok - …" or "skip - …" per check and ends with
# "<name>: N passed, N failed, N skipped".
set -u
unset COLUMNS # text output is fitted to COLUMNS when it is set; tests set it themselves
VT=${VT_BIN:?VT_BIN not set}
SHARED=${VT_SHARED:-../shared}
T_PASS=0
T_FAIL=0
T_SKIP=0
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

skip() { # skip DESC: checks that cannot run here; counted as skipped, never as passed
    T_SKIP=$((T_SKIP + 1))
    echo "skip - $1"
}

# have_shared PATH DESC: true when PATH (in the shared folder: the corpus, the
# seeds) exists. Else false after a counted skip of DESC, or under CI=true
# after a failure: CI must run every test.
have_shared() {
    [ -e "$1" ] && return 0
    if [ "${CI:-}" = true ]; then
        ok "$2: $1 exists (required under CI=true)" false
    else
        skip "$2: $1 missing (the shared folder: ../shared beside the clone, or VT_SHARED=DIR)"
    fi
    return 1
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
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
    [ "$T_FAIL" -eq 0 ]
}
