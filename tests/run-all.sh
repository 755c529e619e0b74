#!/bin/sh
# run-all.sh BUILD_DIR: runs every test suite and sums them into the one line
# `make check` ends with: "N passed, N failed, N skipped". Each suite's result
# becomes "<suite>: N passed, N failed, N skipped"; a suite that dies counts as
# one failure. A skip is a check that could not run here (the shared corpus
# is missing outside CI, no browser): counted, never passed.
set -u
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
SHARED=${VT_SHARED:-$ROOT/../shared}
export VT_SHARED="$SHARED" VT_BIN="$ROOT/$B/vmtriage"
if [ -d "$SHARED/corpus" ]; then
    corpus="corpus: $SHARED/corpus"
else
    if [ "${CI:-}" = true ]; then
        echo "run-all: $SHARED/corpus is missing (required under CI)"
        echo "0 passed, 1 failed, 0 skipped"
        exit 1
    fi
    corpus="corpus: $SHARED/corpus is missing, so the corpus tests are skipped; it comes from the shared folder: ../shared/corpus beside the clone, or VT_SHARED=DIR (DIR/corpus)"
fi
echo "run-all: $corpus"
passed=0
failed=0
skipped=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

suite() { # suite NAME COMMAND...
    name=$1
    shift
    "$@" >"$tmp" 2>&1
    rc=$?
    line=$(grep -E '^[a-z-]+: [0-9]+ (rules, [0-9]+ )?passed, [0-9]+ failed' "$tmp" | tail -n 1)
    grep -v '^ok ' "$tmp" | grep -v '^$' | grep -vxF -e "$line" | tail -n 40
    p=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
    s=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p')
    s=${s:-0}
    if [ -z "$p" ]; then
        echo "$name: no result line (exit $rc)"
        p=0
        f=1
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$name: exit $rc with no failure counted"
        f=1
    fi
    echo "$name: $p passed, $f failed, $s skipped"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
}

suite unit "$B/unit" --shared "$SHARED"
suite rules "$B/vmtriage" rules check
# fuzz/crashers holds inputs that once crashed; replay picks the target by
# their name prefix (vmx-..., rules-..., psod-...). The corpus folders are
# replayed too when present (each missing one is a skip).
replay_dirs="fuzz/corpus/vmx fuzz/corpus/vmxedit fuzz/corpus/rules fuzz/corpus/psod fuzz/corpus/logs fuzz/corpus/logline fuzz/corpus/logdecode fuzz/corpus/dump fuzz/corpus/bundle fuzz/corpus/cpu fuzz/corpus/hostfacts fuzz/corpus/quote fuzz/corpus/console fuzz/corpus/vsphere fuzz/corpus/report fuzz/corpus/inventory fuzz/crashers"
replay_skips=0
for d in vmx esxi minidump; do
    if [ -d "$SHARED/corpus/$d" ]; then
        replay_dirs="$replay_dirs $SHARED/corpus/$d"
    else
        replay_skips=$((replay_skips + 1))
        echo "skip - fuzz-replay: $SHARED/corpus/$d missing (not replayed)"
    fi
done
suite fuzz-replay sh -c "'$B/fuzz-replay' $replay_dirs && echo 'fuzz-replay: 1 passed, 0 failed, $replay_skips skipped'"
# The streaming test reads 2 GiB through a pipe; under ASan (build-asan) half
# a GiB, with room in the memory bound for the sanitizer's shadow and quarantine.
case $B in *asan*) export VT_STREAM_MB=${VT_STREAM_MB:-512} VT_STREAM_RSS_KB=${VT_STREAM_RSS_KB:-400000} VT_ASAN=1 ;; esac
for t in tests/cli/t-*.sh tests/hostile/t-*.sh; do
    [ -f "$t" ] || continue
    suite "$(basename "$t" .sh)" sh "$t"
done
suite golden sh tests/golden/run.sh "$B/vmtriage"
echo "run-all: $corpus"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
