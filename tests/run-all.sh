#!/bin/sh
# run-all.sh BUILD_DIR: runs every test suite and sums them into the one line
# `make check` ends with: "N passed, N failed". Each suite prints its own
# "<suite>: N passed, N failed" line; a suite that dies counts as one failure.
set -u
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
SHARED=${VT_SHARED:-$ROOT/../shared}
export VT_SHARED="$SHARED" VT_BIN="$ROOT/$B/vmtriage"
if [ ! -d "$SHARED/corpus" ]; then
    if [ "${CI:-}" = true ]; then
        echo "run-all: $SHARED/corpus is missing (required under CI)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    echo "run-all: note: $SHARED/corpus is missing; corpus tests will report it"
fi
passed=0
failed=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

suite() { # suite NAME COMMAND...
    name=$1
    shift
    "$@" >"$tmp" 2>&1
    rc=$?
    grep -v '^ok ' "$tmp" | grep -v '^$' | tail -n 40
    line=$(grep -E '^[a-z-]+: [0-9]+ (rules, [0-9]+ )?passed, [0-9]+ failed' "$tmp" | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
    if [ -z "$p" ]; then
        echo "$name: no result line (exit $rc)"
        p=0
        f=1
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$name: exit $rc with no failure counted"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

suite unit "$B/unit" --shared "$SHARED"
suite rules "$B/vmtriage" rules check
# fuzz/crashers holds inputs that once crashed; replay picks the target by
# their name prefix (vmx-..., rules-..., psod-...).
replay_dirs="fuzz/corpus/vmx fuzz/corpus/rules fuzz/corpus/psod fuzz/corpus/logs fuzz/corpus/logline fuzz/corpus/logdecode fuzz/corpus/dump fuzz/corpus/bundle fuzz/corpus/cpu fuzz/corpus/hostfacts fuzz/corpus/quote fuzz/crashers"
[ -d "$SHARED/corpus/vmx" ] && replay_dirs="$replay_dirs $SHARED/corpus/vmx"
[ -d "$SHARED/corpus/esxi" ] && replay_dirs="$replay_dirs $SHARED/corpus/esxi"
[ -d "$SHARED/corpus/minidump" ] && replay_dirs="$replay_dirs $SHARED/corpus/minidump"
suite fuzz-replay sh -c "'$B/fuzz-replay' $replay_dirs && echo 'fuzz-replay: 1 passed, 0 failed'"
# The streaming test reads 2 GiB through a pipe; under ASan (build-asan) half
# a GiB, with room in the memory bound for the sanitizer's shadow and quarantine.
case $B in *asan*) export VT_STREAM_MB=${VT_STREAM_MB:-512} VT_STREAM_RSS_KB=${VT_STREAM_RSS_KB:-400000} ;; esac
for t in tests/cli/t-*.sh tests/hostile/t-*.sh; do
    [ -f "$t" ] || continue
    suite "$(basename "$t" .sh)" sh "$t"
done
suite golden sh tests/golden/run.sh "$B/vmtriage"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
