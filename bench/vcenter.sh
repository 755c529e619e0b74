#!/bin/sh
# bench/vcenter.sh: `vmtriage vcenter` against a bare collection of the same
# properties over the vSphere API, on govmomi's simulator (tests/vcsim/main.go
# with -vms) holding BENCH_VCENTER_VMS VMs. What an admin would otherwise run is
# `govc object.collect -json`; Debian ships govmomi without govc's sources, so
# bench/vcollect/main.go, built from the same library, stands in for it: log
# in, one ContainerView, RetrieveProperties of the paths vmtriage reads, JSON
# out. One run, alternating rounds, ratio of medians, peak RSS of each.
#
#   sh bench/vcenter.sh
#
# Environment: BENCH_VCENTER_VMS=5000, BENCH_ROUNDS=5, VMTRIAGE=build/vmtriage.
# Results also go to bench/out/vcenter-results.txt. Exit 1 when a check fails
# (the VM counts of both differ from the inventory's).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
OUT=$ROOT/bench/out
N=${BENCH_VCENTER_VMS:-5000}
R=${BENCH_ROUNDS:-5}
BIN=${VMTRIAGE:-build/vmtriage}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || die "no $BIN (run make)"
command -v go >/dev/null 2>&1 || die "go missing (tools/install-deps.sh)"
W=$OUT/vcenter
mkdir -p "$W/gopath"
gobuild() { # gobuild DIR OUT
    (cd "$1" && GOPATH="$W/gopath:/usr/share/gocode" GO111MODULE=off GOPROXY=off GOFLAGS= \
        GOCACHE="$W/gocache" go build -o "$2" .) || die "cannot build $1"
}
gobuild "$ROOT/tests/vcsim" "$W/vcsim-vt"
gobuild "$ROOT/bench/vcollect" "$W/vcollect"

rm -f "$W/sim.port"
"$W/vcsim-vt" -port-file "$W/sim.port" -vms "$N" >"$W/sim.out" 2>&1 &
SPID=$!
trap 'kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null || :' EXIT INT TERM
i=0
while [ ! -s "$W/sim.port" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$W/sim.port" ] || die "the simulator did not start (see $W/sim.out)"
URL=http://127.0.0.1:$(cat "$W/sim.port")/sdk
export VMTRIAGE_USER=bench VMTRIAGE_PASSWORD=bench

RSS=$(command -v /usr/bin/time >/dev/null 2>&1 && echo /usr/bin/time || echo)
run_vmtriage() { $RSS ${RSS:+-f %M -o "$W/rss.vmtriage"} "$BIN" vcenter --format json "$URL" >"$W/out.vmtriage" 2>"$W/err.vmtriage" || [ $? -lt 3 ]; }
run_collect() { $RSS ${RSS:+-f %M -o "$W/rss.collect"} "$W/vcollect" "http://bench:bench@127.0.0.1:$(cat "$W/sim.port")/sdk" >"$W/out.collect" 2>"$W/err.collect"; }
timed() {
    t0=$(now)
    "run_$1" || die "$1 failed (see $W/err.$1)"
    echo $(($(now) - t0))
}

run_vmtriage || die "vmtriage vcenter failed (see $W/err.vmtriage)" # warm-up, and the checks
run_collect || die "vcollect failed (see $W/err.collect)"
got=$(python3 -c "import json; print(len(json.load(open('$W/out.vmtriage'))['vms']))")
col=$(grep -c '"Self":{"Type":"VirtualMachine"' "$W/out.collect" || :)
[ "$got" -eq "$col" ] || die "vmtriage read $got VMs, the collection $col"
[ "$got" -ge "$N" ] || die "the inventory holds $got VMs, fewer than $N"

: >"$W/t.vmtriage"
: >"$W/t.collect"
k=0
while [ $k -lt "$R" ]; do
    if [ $((k % 2)) -eq 0 ]; then
        timed vmtriage >>"$W/t.vmtriage"
        timed collect >>"$W/t.collect"
    else
        timed collect >>"$W/t.collect"
        timed vmtriage >>"$W/t.vmtriage"
    fi
    k=$((k + 1))
done
tv=$(median <"$W/t.vmtriage")
tc=$(median <"$W/t.collect")
{
    echo "vcenter: $got VMs in govmomi's simulator (0.24.2), $R rounds, medians"
    awk -v t="$tv" -v r="$(tail -n 1 "$W/rss.vmtriage" 2>/dev/null || echo ?)" 'BEGIN {printf "  vmtriage vcenter --format json (all rules)  %8.3f s  peak RSS %s KB\n", t / 1e9, r}'
    awk -v t="$tc" -v r="$(tail -n 1 "$W/rss.collect" 2>/dev/null || echo ?)" 'BEGIN {printf "  vcollect (govc object.collect stand-in)     %8.3f s  peak RSS %s KB\n", t / 1e9, r}'
    awk -v a="$tv" -v b="$tc" 'BEGIN {printf "  ratio vmtriage / collection: %.2f\n", a / b}'
} | tee "$W/../vcenter-results.txt"
