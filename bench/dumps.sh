#!/bin/sh
# bench/dumps.sh: `vmtriage dump` over a folder of BENCH_DUMPS minidumps:
# copies of the corpus dumps (../shared/corpus/minidump), all but the first
# three with 8 bytes changed at random (seeded), so most take the reader's
# error paths too. Goal (issue 20): at most 1 ms per dump. Against what an
# admin without WinDbg would run on the same folder: `file` (libmagic names
# a minidump) and `rg -c -a` for the bug check's name. One run, alternating
# rounds, medians, ratios.
#
#   sh bench/dumps.sh
#
# Environment: BENCH_DUMPS=1000, BENCH_ROUNDS=5, VMTRIAGE=build/vmtriage,
# VT_SHARED=../shared. Results also go to bench/out/dumps-results.txt.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
OUT=$ROOT/bench/out
N=${BENCH_DUMPS:-1000}
R=${BENCH_ROUNDS:-5}
BIN=${VMTRIAGE:-build/vmtriage}
SHARED=${VT_SHARED:-../shared}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || die "no $BIN (run make)"
[ -d "$SHARED/corpus/minidump" ] || die "no $SHARED/corpus/minidump (set VT_SHARED)"
W=$OUT/dumps
rm -rf "$W"
mkdir -p "$W/in"
python3 - "$SHARED/corpus/minidump" "$W/in" "$N" <<'PY'
import os, random, sys
src = sorted(os.path.join(sys.argv[1], f) for f in os.listdir(sys.argv[1]) if f.endswith(".dmp"))
rnd = random.Random(1)
for i in range(int(sys.argv[3])):
    d = bytearray(open(src[i % len(src)], "rb").read())
    if i >= len(src):
        for _ in range(8):
            d[rnd.randrange(len(d))] = rnd.randrange(256)
    open(os.path.join(sys.argv[2], "d%05d.dmp" % i), "wb").write(d)
PY
BYTES=$(du -sb "$W/in" | cut -f1)

run_vmtriage() { "$BIN" dump --format json "$W/in" >"$W/out.vmtriage" 2>/dev/null || [ $? -le 3 ]; }
run_file() { file "$W"/in/*.dmp >"$W/out.file"; }
run_rg() { rg -c -a -F -e MANUALLY_INITIATED -e KMODE_EXCEPTION "$W/in" >"$W/out.rg" || [ $? -eq 1 ]; }
tools="vmtriage"
command -v file >/dev/null 2>&1 && tools="$tools file"
command -v rg >/dev/null 2>&1 && tools="$tools rg"
run_vmtriage
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['dumps']))" "$W/out.vmtriage")
[ "$n" -eq "$N" ] || die "vmtriage reported $n dumps of $N"
r=0
while [ $r -lt "$R" ]; do
    for t in $tools; do
        t0=$(now)
        "run_$t"
        echo $(($(now) - t0)) >>"$W/t.$t"
    done
    r=$((r + 1))
done
vt=$(median <"$W/t.vmtriage")
{
    echo "dump: $N minidumps, $BYTES bytes, median of $R rounds ($(nproc) CPUs)"
    for t in $tools; do
        m=$(median <"$W/t.$t")
        awk -v t="$t" -v m="$m" -v n="$N" -v vt="$vt" 'BEGIN {printf "%-9s %8.1f ms  %6.3f ms/dump  vmtriage/%s = %.2f\n", t, m / 1e6, m / 1e6 / n, t, vt / m}'
    done
} | tee "$OUT/dumps-results.txt"
