#!/bin/sh
# bench/bundle.sh: `vmtriage bundle` on a vm-support .tgz against what an admin
# would otherwise run on it: unpack it (tar xzf) and search the logs and .vmx
# files with ripgrep or grep. One run, interleaved rounds, counts checked.
#
#   sh bench/bundle.sh               (make bench runs it after logs.sh)
#
# Environment: BENCH_LOG_MB=256 (the vmkernel.log inside the bundle, from
# bench/gen_vmkernel.c), BENCH_SEED=1, BENCH_ROUNDS=3, VMTRIAGE=build/vmtriage.
# The bundle is examples/bundle with its vmkernel.log replaced by the
# generated one (same manifest of events), packed with `tar czf`.
# Results also go to bench/out/bundle-results.txt. Exit 1 when a check fails.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
OUT=$ROOT/bench/out
MB=${BENCH_LOG_MB:-256}
SEED=${BENCH_SEED:-1}
R=${BENCH_ROUNDS:-3}
BIN=${VMTRIAGE:-build/vmtriage}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || die "no $BIN (run make)"
mkdir -p "$OUT"
W=$OUT/bundle
rm -rf "$W"
mkdir -p "$W"

GEN=$OUT/gen_vmkernel
if [ ! -x "$GEN" ] || [ -n "$(find bench/gen_vmkernel.c -newer "$GEN")" ]; then
    ${CC:-cc} -O2 -std=c11 -o "$GEN" bench/gen_vmkernel.c || die "cannot compile bench/gen_vmkernel.c"
fi
LOG=$OUT/vmkernel-$MB.log
MAN=$OUT/vmkernel-$MB.manifest.tsv
if [ ! -f "$LOG" ] || [ ! -f "$MAN" ]; then
    "$GEN" -o "$LOG" "$MB" "$SEED" "$MAN" || die "generator failed"
fi

TOP=$(ls examples/bundle | grep '^esx-')
cp -R "examples/bundle/$TOP" "$W/$TOP"
cp "$LOG" "$W/$TOP/var/run/log/vmkernel.log"
(cd "$W" && tar czf bundle.tgz "$TOP")
rm -rf "${W:?}/$TOP"
TGZ=$W/bundle.tgz
PAT='E1000PollRxRing|H:0x|sense data:|All Paths Down|HBX:|NIC Link is Down|virtualDev = "e1000"'

run_vmtriage() { "$BIN" bundle --format json "$TGZ" >"$W/out.vmtriage" 2>/dev/null || [ $? -lt 3 ]; }
SEARCH=grep
command -v rg >/dev/null 2>&1 && SEARCH=rg
run_unpack() { # what an admin does by hand: unpack, then search
    rm -rf "$W/x" && mkdir "$W/x" && tar xzf "$TGZ" -C "$W/x" &&
        if [ "$SEARCH" = rg ]; then rg -c -e "$PAT" "$W/x" >"$W/out.unpack" || :; else LC_ALL=C grep -r -c -E "$PAT" "$W/x" >"$W/out.unpack" || :; fi
}
timed() {
    t0=$(now)
    "run_$1"
    t1=$(now)
    echo $((t1 - t0)) >>"$W/t.$1"
}
for c in vmtriage unpack; do timed $c; rm -f "$W/t.$c"; done # warm-up
i=1
while [ "$i" -le "$R" ]; do
    for c in vmtriage unpack; do timed $c; done
    i=$((i + 1))
done
med() { sort -n "$W/t.$1" | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m / 1e9 }'; }

fail=0
# the generated log's purple screen (its manifest), linked to the example's e1000 VMs
crashes=$(python3 -c "import json; print(len(json.load(open('$W/out.vmtriage'))['crashes']))")
want_crash=$(awk -F'\t' '$1 == "crash" { print $2 }' "$MAN")
[ "$crashes" = "$want_crash" ] || fail=1
rel=$(python3 -c "import json; d = json.load(open('$W/out.vmtriage')); print(sorted(r['subject'].split('/')[-2] for f in d['findings'] if f['rule'] == 'psod-e1000-rss' for r in f['related']))")
{
    echo "bundle: $(wc -c <"$TGZ" | tr -d ' ') bytes .tgz holding a $MB MiB vmkernel.log (seed $SEED) and the example host's files"
    echo "rounds: $R (after one warm-up each)"
    printf '%-60s %10s\n' "command" "median s"
    printf '%-60s %10s\n' "vmtriage bundle --format json BUNDLE.tgz" "$(med vmtriage)"
    printf '%-60s %10s\n' "tar xzf BUNDLE.tgz && $SEARCH -c (7 patterns) FOLDER" "$(med unpack)"
    echo "ratio vmtriage / (unpack + $SEARCH) = $(awk -v a="$(med vmtriage)" -v b="$(med unpack)" 'BEGIN { printf "%.2f", a / b }')"
    echo "check: crashes $crashes (the generator's manifest: $want_crash, an e1000 screen); e1000 VMs in related: $rel (the example: build01, web01)"
} | tee "$OUT/bundle-results.txt"
[ "$rel" = "['build01', 'web01']" ] || fail=1
[ "$fail" = 0 ] && echo "RESULT: PASS" || { echo "RESULT: FAIL"; exit 1; }
