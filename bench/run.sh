#!/bin/sh
# bench/run.sh: `vmtriage scan` against the seed's grep, timed in one run.
#
#   sh bench/run.sh            (or: make bench)
#
# Environment:
#   BENCH_VMS=10000     VMs in the generated datastore tree
#   BENCH_SEED=1        generator seed (same VMS + SEED = same tree, bit for bit)
#   BENCH_ROUNDS=7      timed rounds; the commands alternate within each round
#   VMTRIAGE=build/vmtriage
#   BENCH_NO_PYTHON=1   use the grep/awk JSON reader even when python3 exists
#
# Exit status: 0 when the correctness checks pass, 1 when one fails or a
# command errs. Results also go to bench/out/results.txt.
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
OUT=$ROOT/bench/out
DS=$OUT/ds
N=${BENCH_VMS:-10000}
SEED=${BENCH_SEED:-1}
R=${BENCH_ROUNDS:-7}
BIN=${VMTRIAGE:-build/vmtriage}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
CC=${CC:-cc}

case $N in '' | *[!0-9]*) die "BENCH_VMS must be a number" ;; esac
case $SEED in '' | *[!0-9]*) die "BENCH_SEED must be a number" ;; esac
case $R in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a number >= 1" ;; esac

mkdir -p "$OUT"

# ---------------------------------------------------------------- build
if [ ! -x "$BIN" ]; then
    echo "== building $BIN"
    make || die "make failed"
    [ -x "$BIN" ] || die "$BIN missing after make"
fi
GEN=$OUT/gen_datastore
if [ ! -x "$GEN" ] || [ -n "$(find bench/gen_datastore.c -newer "$GEN")" ]; then
    echo "== compiling the generator"
    $CC -O2 -std=c11 -o "$GEN" bench/gen_datastore.c || die "cannot compile bench/gen_datastore.c"
fi

# ---------------------------------------------------------------- tree
MAN=$DS/manifest.tsv
want="# gen_datastore version=1 nvms=$N seed=$SEED siblings=1"
if [ -f "$MAN" ] && [ "$(head -n 1 "$MAN")" = "$want" ] && [ -z "$(find "$GEN" -newer "$MAN")" ]; then
    echo "== reusing $DS ($N VMs, seed $SEED)"
else
    echo "== generating $DS ($N VMs, seed $SEED)"
    rm -rf "$DS"
    "$GEN" "$DS" "$N" "$SEED" >"$OUT/gen.txt" || die "generator failed"
    sed 's/^/   /' "$OUT/gen.txt"
fi


HAVE_RG=0
command -v rg >/dev/null 2>&1 && HAVE_RG=1

# The seed's command, glob expansion included: run from the tree's root so
# that the argument list is as long as `/vmfs/volumes/*/*/*.vmx` on a host.
run_grep() {
    sh -c 'cd "$1" && exec grep -s -i e1000 vmfs/volumes/*/*/*.vmx' sh "$DS" >"$1"
}
run_vmtriage() {
    (cd "$DS" && exec "$BIN" scan --format json vmfs/volumes) >"$1" 2>"$OUT/scan.stderr"
}
run_rg() {
    (cd "$DS" && exec rg -i e1000 -g '*.vmx' vmfs/volumes) >"$1"
}

# With about 50,000 VMs or more the seed's glob is longer than ARG_MAX and its
# grep cannot start at all (as on a host): then the admin's next command,
# grep -r over the same tree, stands in for it, and the table says so.
GREP_LABEL="grep -s -i e1000 vmfs/volumes/*/*/*.vmx  (seed, via sh -c)"
if ! sh -c 'cd "$1" && exec true vmfs/volumes/*/*/*.vmx' sh "$DS" 2>/dev/null; then
    GREP_LABEL="grep -r -s -i --include='*.vmx' e1000 vmfs/volumes (seed's glob > ARG_MAX)"
    run_grep() {
        (cd "$DS" && exec grep -r -s -i --include='*.vmx' e1000 vmfs/volumes) >"$1"
    }
fi

# check NAME RC: grep 0/1 = matches/none; vmtriage 0-2 = findings levels, 3 = error; rg 0/1.
check_rc() {
    case $1:$2 in
    grep:0 | grep:1 | rg:0 | rg:1 | vmtriage:0 | vmtriage:1 | vmtriage:2) return 0 ;;
    vmtriage:*)
        echo "bench: vmtriage exited $2 (3 = could not run); stderr:" >&2
        head -n 20 "$OUT/scan.stderr" >&2
        exit 1
        ;;
    grep:126)
        die "the seed's grep could not start: the glob vmfs/volumes/*/*/*.vmx expands to more than ARG_MAX ($(getconf ARG_MAX 2>/dev/null || echo '?') bytes); use fewer BENCH_VMS"
        ;;
    *) die "$1 exited $2" ;;
    esac
}

# Output: grep and rg to /dev/null (as asked; note that GNU grep then stops
# reading a file at its first match), vmtriage to a file, as a user keeps it.
# The warm-up run keeps every output for the checks below.
dest() {
    case $1 in vmtriage) echo "$OUT/out.vmtriage" ;; *) echo /dev/null ;; esac
}

timed() { # NAME OUTFILE -> appends the wall time in ns to $OUT/t.NAME
    t0=$(now)
    if "run_$1" "$2"; then rc=0; else rc=$?; fi
    t1=$(now)
    check_rc "$1" "$rc"
    echo $((t1 - t0)) >>"$OUT/t.$1"
}

CMDS="grep vmtriage"
[ "$HAVE_RG" = 1 ] && CMDS="$CMDS rg"

echo "== warm-up (one run of each, fills the page cache)"
for c in $CMDS; do
    rm -f "$OUT/t.$c"
    timed "$c" "$OUT/out.$c"
    rm -f "$OUT/t.$c"
done
echo "== $R rounds, alternating: $CMDS"
i=1
while [ "$i" -le "$R" ]; do
    for c in $CMDS; do
        timed "$c" "$(dest "$c")"
    done
    i=$((i + 1))
done

stats() { # FILE -> "median min max" in ms
    sort -n "$1" | awk '{ v[NR] = $1 } END {
        if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.1f %.1f %.1f\n", m / 1e6, v[1] / 1e6, v[NR] / 1e6 }'
}

read -r g_med g_min g_max <<EOF
$(stats "$OUT/t.grep")
EOF
read -r v_med v_min v_max <<EOF
$(stats "$OUT/t.vmtriage")
EOF
ratio=$(awk -v a="$v_med" -v b="$g_med" 'BEGIN { printf "%.2f", a / b }')
if [ "$HAVE_RG" = 1 ]; then
    read -r r_med r_min r_max <<EOF
$(stats "$OUT/t.rg")
EOF
    r_ratio=$(awk -v a="$r_med" -v b="$g_med" 'BEGIN { printf "%.2f", a / b }')
fi

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
files=$(find "$DS/vmfs/volumes" -type f | wc -l | tr -d ' ')
cfgs=$(awk -F'\t' '!/^#/' "$MAN" | wc -l | tr -d ' ')

{
    echo
    echo "machine: $(nproc 2>/dev/null || echo '?') CPUs, $cpu, $(uname -sr)"
    echo "tree:    $DS"
    echo "         $cfgs VMs on 2 datastores (+ 2 name symlinks), $files files; seed $SEED"
    echo "rounds:  $R (after one warm-up run each; page cache warm, nothing dropped)"
    echo
    printf '%-58s %10s %10s %10s %8s\n' "command (run in $DS)" "median ms" "min ms" "max ms" "/grep"
    printf '%-58s %10s %10s %10s %8s\n' "$GREP_LABEL" \
        "$g_med" "$g_min" "$g_max" "1.00"
    printf '%-58s %10s %10s %10s %8s\n' "vmtriage scan --format json vmfs/volumes" \
        "$v_med" "$v_min" "$v_max" "$ratio"
    if [ "$HAVE_RG" = 1 ]; then
        printf '%-58s %10s %10s %10s %8s\n' "rg -i e1000 -g '*.vmx' vmfs/volumes" \
            "$r_med" "$r_min" "$r_max" "$r_ratio"
    else
        printf '%-58s %s\n' "rg -i e1000 -g '*.vmx' vmfs/volumes" "skipped: rg (ripgrep) not installed"
    fi
    echo
    if awk -v r="$ratio" 'BEGIN { exit !(r <= 1.0) }'; then
        echo "speed: vmtriage/grep = $ratio (goal <= 1.00: met)"
    else
        echo "speed: vmtriage/grep = $ratio (goal <= 1.00: NOT met)"
    fi
} | tee "$OUT/results.txt"

# ---------------------------------------------------------------- correctness
# The JSON is reduced to tab-separated lines, then compared with the manifest:
#   VM <path> | F <rule> <subject> | NIC <vm path> <present> <type>
JSON=$OUT/out.vmtriage
EXTRACT=$OUT/scan.tsv
if [ "${BENCH_NO_PYTHON:-0}" != 1 ] && command -v python3 >/dev/null 2>&1; then
    reader=python3
    python3 - "$JSON" >"$EXTRACT" <<'EOF' || die "cannot read the vmtriage JSON ($JSON)"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
def clean(s):
    return str(s).replace("\t", " ").replace("\n", " ")
for vm in doc.get("vms", []):
    print("VM\t" + clean(vm.get("path", "")))
    for nic in vm.get("nics", []) or []:
        print("NIC\t%s\t%s\t%s" % (clean(vm.get("path", "")), "1" if nic.get("present") is True else "0",
                                     clean(nic.get("type") or "")))
for f in doc.get("findings", []):
    print("F\t%s\t%s" % (clean(f.get("rule", "")), clean(f.get("subject", ""))))
for e in doc.get("errors", []):
    print("E\t" + clean(e if isinstance(e, str) else json.dumps(e)))
EOF
else
    # No python3: tokenise with grep -o (strings are matched whole, so
    # punctuation inside them is safe), then walk the tokens in awk. Literal
    # values (true, numbers) are not kept, so NIC lines are not produced.
    reader="grep+awk"
    grep -o -E '"([^"\\]|\\.)*"|[][{}:,]' "$JSON" | awk '
        function unq(s) { s = substr(s, 2, length(s) - 2); gsub(/\\\//, "/", s); gsub(/\\"/, "\"", s); gsub(/\\\\/, "\\", s); return s }
        BEGIN { d = 0; want_key = 0; nobj = 0 }
        /^[{[]/ {
            d++; typ[d] = $0; ctx[d] = (d == 1 ? "" : (typ[d-1] == "{" ? ctx[d-1] "/" key : ctx[d-1] "/[]"))
            want_key = ($0 == "{"); if ($0 == "{") obj[d] = ++nobj
            next }
        /^[]}]/ {
            o = obj[d]
            if (typ[d] == "{" && ctx[d] == "/vms/[]") print "VM\t" val[o, "path"]
            if (typ[d] == "{" && ctx[d] == "/findings/[]") print "F\t" val[o, "rule"] "\t" val[o, "subject"]
            if (typ[d] == "{" && ctx[d] == "/errors/[]") print "E\t" (val[o, "message"] != "" ? val[o, "message"] : "(error object)")
            d--; want_key = 0; next }
        $0 == ":" { want_key = 0; next }
        $0 == "," { want_key = (typ[d] == "{"); next }
        {   if (want_key) { key = unq($0); want_key = 0; next }
            if (typ[d] == "{" && (key == "path" || key == "rule" || key == "subject" || key == "message")) val[obj[d], key] = unq($0)
            else if (typ[d] == "[" && ctx[d] == "/errors") print "E\t" unq($0)
        }' >"$EXTRACT"
fi

# Paths are compared below vmfs/volumes/, with a datastore name folded to
# its uuid folder (so "datastore1/x/x.vmx" and "<uuid>/x/x.vmx" are one VM).
ds1=$(sed -n 's/^# datastore1=\([^ ]*\) datastore2=\(.*\)$/\1/p' "$MAN")
ds2=$(sed -n 's/^# datastore1=\([^ ]*\) datastore2=\(.*\)$/\2/p' "$MAN")
# grep's view, for comparison: every matching line, through both paths
sed 's/:.*//' "$OUT/out.grep" | sort | uniq -c | awk '{ n = $1; $1 = ""; sub(/^ /, ""); print "G\t" $0 "\t" n }' \
    >"$OUT/grep.tsv"

set +e
awk -F'\t' -v ds1="$ds1" -v ds2="$ds2" -v nvms="$N" -v reader="$reader" '
function norm(p,    i, first, rest) {
    i = index(p, "vmfs/volumes/"); if (i) p = substr(p, i + 13)
    first = p; rest = ""
    i = index(p, "/"); if (i) { first = substr(p, 1, i - 1); rest = substr(p, i) }
    if (first == "datastore1") { first = ds1; via_name++ } else if (first == "datastore2") { first = ds2; via_name++ }
    return first rest
}
FILENAME ~ /manifest/ {
    if ($0 ~ /^#/) next
    p = norm($1); via_name = 0
    man[p] = 1; nman++
    if ($2 > 0) { me[p] = 1; nme++; nics_e += $2 }
    impl[p] = $7; e1000e[p] = $6; kind[p] = $4; guest[p] = $3
    next
}
$1 == "VM" {
    nvm++; p = norm($2)
    if (p in seen) dup++; else { seen[p] = 1; distinct++ }
    if (!(p in man)) { unknown++; if (unknown <= 3) ex_unknown = ex_unknown "      " $2 "\n" }
    next
}
$1 == "NIC" { havenic = 1; if ($3 == "1" && tolower($4) == "e1000") { nicn++; p = norm($2); if (!(p in nicvm)) { nicvm[p] = 1; nnicvm++ } } next }
$1 == "F" {
    nf++; rules[$2]++
    if ($2 == "vmx-e1000-rss-guest" || $2 == "vmx-e1000-nic") { fe++; p = norm($3); if (!(p in je)) { je[p] = 1; nje++ } }
    if ($2 ~ /e1000/ && $2 !~ /e1000e/) { p = norm($3); if (!(p in jc)) { jc[p] = 1; njc++ } }
    next
}
$1 == "E" { nerr++; if (nerr <= 3) ex_err = ex_err "      " $2 "\n"; next }
$1 == "G" {
    glines += $3; gfiles++; p = norm($2)
    if (!(p in gvm)) { gvm[p] = 1; ngvm++; if (!(p in me)) gfp++ }
    next
}
END {
    fail = 0
    print ""
    print "correctness (JSON read with " reader "):"
    printf "  VMs in manifest: %d; VMs in vmtriage JSON: %d, distinct %d, duplicates %d, not in manifest %d\n", nman, nvm, distinct, dup, unknown
    if (unknown) printf "%s", ex_unknown
    for (p in man) if (!(p in seen)) { missing++; if (missing <= 3) ex_miss = ex_miss "      " p "\n" }
    if (missing) { printf "  missing from the JSON: %d\n%s", missing, ex_miss }
    ok1 = (nvm == nvms && distinct == nvms && dup == 0 && missing == 0 && unknown == 0)
    printf "  [%s] VMs scanned == %d, each once\n", ok1 ? "PASS" : "FAIL", nvms
    for (p in me) if (!(p in je)) { fn++; if (fn <= 5) ex_fn = ex_fn sprintf("      %s (guest %s, %s)\n", p, guest[p], kind[p]) }
    for (p in je) if (!(p in me)) { fpos++; if (fpos <= 5) ex_fp = ex_fp sprintf("      %s (implicit NICs %s, e1000e NICs %s, %s)\n", p, impl[p], e1000e[p], kind[p]) }
    ok2 = (nje == nme && fn == 0 && fpos == 0)
    printf "  VMs with a present e1000 NIC: manifest %d, vmtriage %d (rules vmx-e1000-rss-guest / vmx-e1000-nic; %d findings, manifest has %d NICs)\n", nme, nje, fe, nics_e
    if (njc != nje) printf "    note: counting every rule id containing e1000 but not e1000e gives %d VMs\n", njc
    if (fn) printf "    missed by vmtriage: %d\n%s", fn, ex_fn
    if (fpos) printf "    flagged by vmtriage but not in the manifest: %d\n%s", fpos, ex_fp
    printf "  [%s] VMs with a present e1000 NIC == manifest (same count, same VMs)\n", ok2 ? "PASS" : "FAIL"
    if (havenic) printf "  (info) vms[].nics: %d present NICs of type e1000 in %d VMs\n", nicn, nnicvm
    printf "  (info) findings: %d in all, errors: %d\n", nf, nerr
    if (nerr) printf "%s", ex_err
    n = 0; line = ""
    for (r in rules) if (r ~ /e1000|nic/) line = line sprintf("%s=%d ", r, rules[r])
    sub(/ $/, "", line)
    if (line != "") print "  (info) NIC rules: " line
    print ""
    print "what the seed grep reports (grep -s -i e1000 vmfs/volumes/*/*/*.vmx):"
    printf "  %d lines from %d file paths = %d distinct VMs once datastore names are folded\n", glines, gfiles, ngvm
    printf "  %d of those VMs have no present e1000 NIC (e1000e, present = FALSE, comments, annotations, names)\n", gfp
    nt = 0; for (p in me) if (!(p in gvm)) nt++
    printf "  %d VMs with a present e1000 NIC are not in its output (templates: .vmtx)\n", nt
    exit (ok1 && ok2) ? 0 : 1
}' "$MAN" "$EXTRACT" "$OUT/grep.tsv" >"$OUT/check.txt"
status=$?
set -e
tee -a "$OUT/results.txt" <"$OUT/check.txt"
if [ -s "$OUT/scan.stderr" ]; then
    echo "(info) vmtriage wrote $(wc -l <"$OUT/scan.stderr" | tr -d ' ') lines to stderr: $OUT/scan.stderr" | tee -a "$OUT/results.txt"
fi
if [ "$status" -ne 0 ]; then
    echo "RESULT: FAIL" | tee -a "$OUT/results.txt"
    exit 1
fi
echo "RESULT: PASS" | tee -a "$OUT/results.txt"
