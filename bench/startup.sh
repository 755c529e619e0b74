#!/bin/sh
# bench/startup.sh: what one call of vmtriage costs, the way a Nagios check
# or a `find -exec` loop pays it: `psod` on one purple screen and `scan` of
# one .vmx (with every built-in rule), against `true` (the cost of starting
# any program) and `grep -c x` on the same file (the admin's other tool).
# Each command runs BENCH_CALLS times in a row per round; rounds alternate;
# the median time per call is reported, and ratios to true and grep.
# `--version` of each build shows the cost of starting it at all (the
# dynamic build loads its shared libraries; libcurl, libxml2, OpenSSL and
# libarchive only on first use). The static build (make static) is measured
# too when it exists.
#
#   sh bench/startup.sh
#
# Environment: BENCH_CALLS=200, BENCH_ROUNDS=5, VMTRIAGE=build/vmtriage.
# Results also go to bench/out/startup-results.txt.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
OUT=$ROOT/bench/out
CALLS=${BENCH_CALLS:-200}
R=${BENCH_ROUNDS:-5}
BIN=${VMTRIAGE:-build/vmtriage}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || die "no $BIN (run make)"
mkdir -p "$OUT"
SCREEN=examples/psod/esxi55-e1000-vmkernel-log.1
VMX=$(find examples/datastore -name web01.vmx | head -1)
[ -f "$SCREEN" ] && [ -f "$VMX" ] || die "the examples are missing"
TRUE_BIN=/bin/true # the program, not the shell's builtin
[ -x "$TRUE_BIN" ] || TRUE_BIN=/usr/bin/true


# The commands, one per line: NAME<TAB>COMMAND
{
    printf 'true\t%s\n' "$TRUE_BIN"
    printf 'grep-screen\tgrep -c x %s\n' "$SCREEN"
    printf 'grep-vmx\tgrep -c x %s\n' "$VMX"
    for b in "$BIN" "$ROOT/build-static/vmtriage"; do
        [ -x "$b" ] || continue
        tag=dynamic
        [ "$b" = "$BIN" ] || tag=static
        printf 'version-%s\t%s --version\n' "$tag" "$b"
        printf 'psod-%s\t%s psod %s\n' "$tag" "$b" "$SCREEN"
        printf 'scan-%s\t%s scan %s\n' "$tag" "$b" "$VMX"
    done
} >"$OUT/startup.cmds"

batch() { # batch COMMAND: nanoseconds per call over CALLS calls
    t0=$(now)
    i=0
    while [ $i -lt "$CALLS" ]; do
        $1 >/dev/null 2>&1 || [ $? -lt 3 ]
        i=$((i + 1))
    done
    echo $((($(now) - t0) / CALLS))
}

rm -f "$OUT"/startup.t.*
r=0
while [ $r -lt "$R" ]; do
    while IFS='	' read -r name cmd; do
        batch "$cmd" >>"$OUT/startup.t.$name"
    done <"$OUT/startup.cmds"
    r=$((r + 1))
done

ms() { awk -v n="$1" 'BEGIN {printf "%.2f", n / 1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
t_true=$(median <"$OUT/startup.t.true")
{
    echo "start-up, median per call over $R rounds of $CALLS calls ($(nproc) CPUs)"
    while IFS='	' read -r name cmd; do
        t=$(median <"$OUT/startup.t.$name")
        case $name in
        psod-*) g=$(median <"$OUT/startup.t.grep-screen") ;;
        scan-*) g=$(median <"$OUT/startup.t.grep-vmx") ;;
        *) g= ;;
        esac
        printf '%-16s %7s ms   x true %5s   x grep %5s\n' "$name" "$(ms "$t")" "$(ratio "$t" "$t_true")" "$([ -n "$g" ] && ratio "$t" "$g" || echo -)"
    done <"$OUT/startup.cmds"
    VMTRIAGE_WORK=1 "$BIN" psod "$SCREEN" 2>&1 >/dev/null | grep 'work:' | sed 's/^vmtriage: /psod: /'
    VMTRIAGE_WORK=1 "$BIN" scan "$VMX" 2>&1 >/dev/null | grep 'work:' | sed 's/^vmtriage: /scan: /'
} | tee "$OUT/startup-results.txt"
