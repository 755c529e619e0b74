#!/bin/sh
# bench/logs.sh: `vmtriage logs` on a generated vmkernel.log against rg, grep
# and lnav, timed in one run, with the event counts checked.
#
#   sh bench/logs.sh            (the lead wires it as: make bench-logs)
#   BENCH_SKIP_VMTRIAGE=1 sh bench/logs.sh      (until `vmtriage logs` exists)
#
# Environment:
#   BENCH_LOG_MB=1024      size of the generated vmkernel.log, MiB
#   BENCH_NOISE_PCT=0      share of lines (%) that are routine matches of benign rules
#                          (gen_vmkernel -n: SMART 0x85 polls, rescans, NMP repeats);
#                          25 is the match-dense profile of issue 20
#   BENCH_GZ_MB=256        size of the log that is gzipped for the .gz runs (0: no .gz runs)
#   BENCH_SEED=1           generator seed (same MB + SEED = same file, bit for bit)
#   BENCH_ROUNDS=5         timed rounds; the commands alternate within each round
#   VMTRIAGE=build/vmtriage
#   BENCH_SKIP_VMTRIAGE=1  skip the `vmtriage logs` runs and checks, say so, run the rest
#   BENCH_LNAV=0           leave lnav out
#   BENCH_LNAV_SEARCH=1    also run lnav's SQL search for the event patterns once
#                          (slow: about 20 s per GiB) and check its count
#   BENCH_NO_PYTHON=1      read the JSON with grep + awk even when python3 exists
#
# Needs cc, grep, gzip, awk; rg (ripgrep) and lnav for their rows
# (apt-get install -y ripgrep lnav); /usr/bin/time (Debian package `time`) for
# peak RSS, else the RSS lines are skipped; python3 is optional.
#
# Exit status: 0 when every check passes, 1 when one fails or a command errs.
# Results also go to bench/out/logs-results.txt.
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
OUT=$ROOT/bench/out
MB=${BENCH_LOG_MB:-1024}
NOISE=${BENCH_NOISE_PCT:-0}
GZMB=${BENCH_GZ_MB:-256}
SEED=${BENCH_SEED:-1}
R=${BENCH_ROUNDS:-5}
BIN=${VMTRIAGE:-build/vmtriage}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
SKIP_VT=${BENCH_SKIP_VMTRIAGE:-0}
CC=${CC:-cc}
TAB=$(printf '\t')

case $MB in '' | *[!0-9]* | 0) die "BENCH_LOG_MB must be a number >= 1" ;; esac
case $NOISE in '' | *[!0-9]*) die "BENCH_NOISE_PCT must be a number (0-90)" ;; esac
[ "$NOISE" -le 90 ] || die "BENCH_NOISE_PCT must be at most 90"
NZ="" # file name suffix of the noise profile
[ "$NOISE" = 0 ] || NZ="-n$NOISE"
case $GZMB in '' | *[!0-9]*) die "BENCH_GZ_MB must be a number (0: no .gz runs)" ;; esac
case $SEED in '' | *[!0-9]*) die "BENCH_SEED must be a number" ;; esac
case $R in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a number >= 1" ;; esac

mkdir -p "$OUT"
W=$OUT/logs # per-run scratch: timings and outputs
rm -rf "$W"
mkdir -p "$W"

# ---------------------------------------------------------------- tools
HAVE_RG=0
command -v rg >/dev/null 2>&1 && HAVE_RG=1
HAVE_LNAV=0
[ "${BENCH_LNAV:-1}" != 0 ] && command -v lnav >/dev/null 2>&1 && HAVE_LNAV=1
HAVE_TIME=0
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && HAVE_TIME=1
command -v gzip >/dev/null 2>&1 || GZMB=0

if [ ! -x "$BIN" ]; then
    echo "== building $BIN"
    make || die "make failed"
    [ -x "$BIN" ] || die "$BIN missing after make"
fi
if [ "$SKIP_VT" = 1 ]; then
    VT=0
    echo "== BENCH_SKIP_VMTRIAGE=1: the \`vmtriage logs\` runs and checks are skipped"
elif "$BIN" logs --help >/dev/null 2>&1; then
    VT=1
else
    die "'$BIN logs --help' fails: this vmtriage has no \`logs\` command yet. Set BENCH_SKIP_VMTRIAGE=1 to run the rest (rg, grep, lnav, cat, wc, psod)."
fi
HAVE_PSOD=0
"$BIN" psod --help >/dev/null 2>&1 && HAVE_PSOD=1

GEN=$OUT/gen_vmkernel
if [ ! -x "$GEN" ] || [ -n "$(find bench/gen_vmkernel.c -newer "$GEN")" ]; then
    echo "== compiling the generator"
    $CC -O2 -std=c11 -o "$GEN" bench/gen_vmkernel.c || die "cannot compile bench/gen_vmkernel.c"
fi

# ---------------------------------------------------------------- files
# gen MB: bench/out/vmkernel-MB.log and its manifest, reused when the manifest
# was written for this MB and SEED by the current generator.
mval() { # MANIFEST KIND -> count
    awk -F'\t' -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1"
}
gen() {
    g_log=$OUT/vmkernel-$1$NZ.log
    g_man=$OUT/vmkernel-$1$NZ.manifest.tsv
    g_want="# gen_vmkernel version=1 size_mb=$1 seed=$SEED"
    [ "$NOISE" = 0 ] || g_want="$g_want noise=$NOISE"
    if [ -f "$g_man" ] && [ -f "$g_log" ] && [ "$(head -n 1 "$g_man")" = "$g_want" ] &&
        [ -z "$(find "$GEN" -newer "$g_man")" ] &&
        [ "$(wc -c <"$g_log" | tr -d ' ')" = "$(mval "$g_man" bytes)" ]; then
        echo "== reusing $g_log ($1 MiB, seed $SEED, noise $NOISE %)"
    else
        echo "== generating $g_log ($1 MiB, seed $SEED, noise $NOISE %)"
        rm -f "$g_log" "$g_man" "$g_log.gz"
        "$GEN" -n "$NOISE" -o "$g_log" "$1" "$SEED" "$g_man" || die "generator failed"
    fi
}
gen "$MB"
LOG=$OUT/vmkernel-$MB$NZ.log
MAN=$OUT/vmkernel-$MB$NZ.manifest.tsv
if [ "$GZMB" != 0 ]; then
    [ "$GZMB" = "$MB" ] || gen "$GZMB"
    GZ=$OUT/vmkernel-$GZMB$NZ.log.gz
    GZMAN=$OUT/vmkernel-$GZMB$NZ.manifest.tsv
    if [ ! -f "$GZ" ] || [ -n "$(find "$OUT/vmkernel-$GZMB$NZ.log" -newer "$GZ")" ]; then
        echo "== gzip -6 vmkernel-$GZMB$NZ.log"
        gzip -6 -c "$OUT/vmkernel-$GZMB$NZ.log" >"$GZ.tmp" || die "gzip failed"
        mv "$GZ.tmp" "$GZ"
    fi
fi
BYTES=$(mval "$MAN" bytes)
LINES=$(mval "$MAN" lines)
TOTAL=$(awk -F'\t' '!/^#/ && NF == 3 { n += $2 } END { print n + 0 }' "$MAN")

# The event patterns, one -e each, quoted for eval (none has a single quote).
pat_args() { # MANIFEST -> " -e 'ERE' -e 'ERE' ..."
    awk -F'\t' '!/^#/ && NF == 3 {
        if (index($3, "\047")) { print "bad pattern: " $3 > "/dev/stderr"; exit 1 }
        printf " -e \047%s\047", $3 }' "$1"
}
PATS=$(pat_args "$MAN") || die "a manifest pattern has a single quote"

# ---------------------------------------------------------------- the file's truth
# Each pattern alone (rg, else grep) must count exactly its kind, and the sum
# must equal the count of all patterns together (no line matches two).
echo "== checking the manifest against the file, pattern by pattern"
{
    echo "manifest: $MAN"
    sed -n 's/^# span /  span /p' "$MAN"
    printf '  %-28s %8s %8s  %s\n' kind manifest found "ERE"
    bad=0
    sum=0
    while IFS="$TAB" read -r k n re; do
        case $k in '#'* | bytes | lines | '') continue ;; esac
        if [ "$HAVE_RG" = 1 ]; then
            c=$(rg -c -e "$re" "$LOG" || true)
        else
            c=$(LC_ALL=C grep -c -E -e "$re" "$LOG" || true)
        fi
        c=${c:-0}
        sum=$((sum + c))
        mark=""
        [ "$c" = "$n" ] || {
            mark="  <-- MISMATCH"
            bad=1
        }
        printf '  %-28s %8s %8s  %s%s\n' "$k" "$n" "$c" "$re" "$mark"
    done <"$MAN"
    printf '  %-28s %8s %8s\n' "(sum)" "$TOTAL" "$sum"
    printf '  bytes %s, lines %s\n' "$BYTES" "$LINES"
    echo "$bad" >"$W/truth.bad"
} >"$W/truth.txt"
cat "$W/truth.txt"
[ "$(cat "$W/truth.bad")" = 0 ] || die "the generated file does not match its manifest (see above)"


LNAV_HOME=$OUT/lnav-home # lnav keeps its config and session state here, not in ~
mkdir -p "$LNAV_HOME"

run_cat() { cat "$LOG" >/dev/null; }
run_wc() { wc -l <"$LOG" >"$1"; }
run_rg() { eval "rg -c $PATS \"\$LOG\"" >"$1"; }
# ripgrep given exactly the patterns vmtriage's block prefilter searches for
# (`vmtriage rules prefilter`: the rules' literal factors and the purple-screen
# needles, caseless where the rule is): the issue's "same rule literals".
run_rgpf() { rg -c -f "$W/prefilter.txt" "$LOG" >"$1"; }
# the same patterns as fixed strings (`rg -c -F -f`): the prefilter's \xHH
# escapes decoded; rg then matches every one case-sensitively, less work
# than vmtriage's caseless ones
run_rgF() { rg -c -F -f "$W/literals.txt" "$LOG" >"$1"; }
run_grep() { eval "LC_ALL=C grep -c -E $PATS \"\$LOG\"" >"$1"; }
run_lnav() { HOME=$LNAV_HOME lnav -n -c ';SELECT count(*) FROM all_logs' "$LOG" >"$1"; }
run_vmtriage() { "$BIN" logs --format json "$LOG" >"$1" 2>"$W/logs.stderr"; }
# one thread: the block search is not run ahead (the "1 GB/s on one core" figure)
run_vmtriage1() { "$BIN" logs -j 1 --format json "$LOG" >"$1" 2>"$W/logs1.stderr"; }
run_psod() { "$BIN" psod --format json "$LOG" >"$1" 2>"$W/psod.stderr"; }
run_zcat() { gzip -dc "$GZ" >/dev/null; }
run_rggz() { eval "rg -z -c $PATS \"\$GZ\"" >"$1"; }
run_vmtriagegz() { "$BIN" logs --format json "$GZ" >"$1" 2>"$W/logsgz.stderr"; }

# Exit statuses that are fine: grep/rg 0 (1 = no match is wrong here);
# vmtriage 0-2 (findings levels), 3 = could not run.
check_rc() {
    case $1:$2 in
    *:0 | vmtriage*:1 | vmtriage*:2 | psod:1 | psod:2) return 0 ;;
    vmtriage*:* | psod:*)
        echo "bench: $1 exited $2 (3 = could not run); stderr:" >&2
        cat "$W"/*.stderr 2>/dev/null | head -n 20 >&2
        exit 1
        ;;
    *) die "$1 exited $2" ;;
    esac
}

timed() { # NAME -> appends the wall time in ns to $W/t.NAME; output in $W/out.NAME
    t0=$(now)
    if "run_$1" "$W/out.$1"; then rc=0; else rc=$?; fi
    t1=$(now)
    check_rc "$1" "$rc"
    echo $((t1 - t0)) >>"$W/t.$1"
}

CMDS="cat wc"
[ "$HAVE_RG" = 1 ] && CMDS="$CMDS rg"
CMDS="$CMDS grep"
[ "$VT" = 1 ] && CMDS="$CMDS vmtriage vmtriage1"
if [ "$VT" = 1 ] && [ "$HAVE_RG" = 1 ]; then
    "$BIN" rules prefilter | grep -v '^#' | cut -f1 >"$W/prefilter.txt"
    awk 'BEGIN { for (i = 0; i < 256; i++) hex[sprintf("%02x", i)] = sprintf("%c", i) }
        { sub(/^\(\?i\)/, ""); out = ""
          while (match($0, /\\x[0-9a-fA-F][0-9a-fA-F]/)) {
              out = out substr($0, 1, RSTART - 1) hex[tolower(substr($0, RSTART + 2, 2))]
              $0 = substr($0, RSTART + 4) }
          print out $0 }' "$W/prefilter.txt" >"$W/literals.txt"
    grep -q '\\' "$W/literals.txt" && die "a prefilter pattern is not a plain literal: see $W/literals.txt"
    CMDS="$CMDS rgpf rgF"
fi
[ "$HAVE_PSOD" = 1 ] && CMDS="$CMDS psod"
[ "$HAVE_LNAV" = 1 ] && CMDS="$CMDS lnav"
if [ "$GZMB" != 0 ]; then
    CMDS="$CMDS zcat"
    [ "$HAVE_RG" = 1 ] && CMDS="$CMDS rggz"
    [ "$VT" = 1 ] && CMDS="$CMDS vmtriagegz"
fi

echo "== warming the page cache"
cat "$LOG" >/dev/null
[ "$GZMB" = 0 ] || cat "$GZ" >/dev/null
echo "== warm-up (one run of each): $CMDS"
for c in $CMDS; do
    timed "$c"
    cp "$W/out.$c" "$W/warm.$c" 2>/dev/null || :
    rm -f "$W/t.$c"
done
echo "== $R rounds, alternating: $CMDS"
i=1
while [ "$i" -le "$R" ]; do
    for c in $CMDS; do
        timed "$c"
    done
    printf '   round %s done\n' "$i"
    i=$((i + 1))
done

stats() { # FILE -> "median min max" in ms
    sort -n "$1" | awk '{ v[NR] = $1 } END {
        if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.1f %.1f %.1f\n", m / 1e6, v[1] / 1e6, v[NR] / 1e6 }'
}
med() { stats "$W/t.$1" | awk '{ print $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# peak RSS, one run each (after the rounds, so the timings are not disturbed)
rss_of() { # NAME CMD... -> KiB
    r_f=$W/rss.$1
    shift
    /usr/bin/time -f %M -o "$r_f" "$@" >/dev/null 2>&1 || :
    tail -n 1 "$r_f" | tr -cd '0-9'
}

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
desc() {
    case $1 in
    cat) echo "cat FILE > /dev/null  (page-cache floor)" ;;
    wc) echo "wc -l < FILE" ;;
    rg) echo "rg -c -e ERE (x$NPAT) FILE" ;;
    rgpf) echo "rg -c -f <vmtriage's $(wc -l <"$W/prefilter.txt" | tr -d ' ') prefilter patterns> FILE" ;;
    rgF) echo "rg -c -F -f <the same $(wc -l <"$W/literals.txt" | tr -d ' ') as literals> FILE" ;;
    grep) echo "LC_ALL=C grep -c -E -e ERE (x$NPAT) FILE" ;;
    vmtriage) echo "vmtriage logs --format json FILE" ;;
    vmtriage1) echo "vmtriage logs -j 1 --format json FILE  (one core)" ;;
    psod) echo "vmtriage psod --format json FILE  (existing)" ;;
    lnav) echo "lnav -n -c ';SELECT count(*) FROM all_logs' FILE" ;;
    zcat) echo "gzip -dc FILE.gz > /dev/null  (gunzip floor)" ;;
    rggz) echo "rg -z -c -e ERE (x$NPAT) FILE.gz" ;;
    vmtriagegz) echo "vmtriage logs --format json FILE.gz" ;;
    esac
}
NPAT=$(awk -F'\t' '!/^#/ && NF == 3' "$MAN" | wc -l | tr -d ' ')

{
    echo
    echo "machine: $(nproc 2>/dev/null || echo '?') CPUs, $cpu, $(uname -sr), $(free -g 2>/dev/null | awk '/^Mem:/ { print $2 " GiB RAM" }')"
    echo "file:    $LOG"
    echo "         $BYTES bytes, $LINES lines, $TOTAL event lines ($NPAT kinds incl. the crash); seed $SEED; noise $NOISE %"
    [ "$GZMB" = 0 ] || echo "gzip:    $GZ, $(wc -c <"$GZ" | tr -d ' ') bytes (from $(mval "$GZMAN" bytes) bytes, $(mval "$GZMAN" lines) lines)"
    echo "tools:   $(rg --version 2>/dev/null | head -n 1 || echo 'rg: none'); $(grep --version | head -n 1); $(lnav -V 2>/dev/null | head -n 1 || echo 'lnav: none')"
    echo "rounds:  $R (after one warm-up run each; page cache warm, nothing dropped); MB = 10^6 bytes"
    echo "         .gz rows: MB/s of the uncompressed size"
    echo
    printf '%-52s %10s %10s %10s %9s\n' "command" "median ms" "min ms" "max ms" "MB/s"
    for c in $CMDS; do
        read -r m lo hi <<EOF
$(stats "$W/t.$c")
EOF
        case $c in zcat | rggz | vmtriagegz) b=$(mval "$GZMAN" bytes) ;; *) b=$BYTES ;; esac
        mbs=$(awk -v b="$b" -v m="$m" 'BEGIN { printf "%.0f", b / 1e6 / (m / 1e3) }')
        printf '%-52s %10s %10s %10s %9s\n' "$(desc "$c")" "$m" "$lo" "$hi" "$mbs"
    done
    [ "$VT" = 1 ] || printf '%-52s %s\n' "vmtriage logs --format json FILE" "skipped (BENCH_SKIP_VMTRIAGE=1)"
    [ "$HAVE_RG" = 1 ] || printf '%-52s %s\n' "rg" "skipped: rg (ripgrep) not installed"
    [ "$HAVE_LNAV" = 1 ] || printf '%-52s %s\n' "lnav" "skipped: lnav not installed or BENCH_LNAV=0"
    echo
    echo "ratios of the medians:"
    if [ "$VT" = 1 ]; then
        [ "$HAVE_RG" = 1 ] && echo "  vmtriage/rg   = $(ratio "$(med vmtriage)" "$(med rg)")  (rg with the $NPAT event EREs)"
        [ "$HAVE_RG" = 1 ] && echo "  vmtriage/rg-same-patterns = $(ratio "$(med vmtriage)" "$(med rgpf)")  (rg with vmtriage's prefilter patterns)"
        [ "$HAVE_RG" = 1 ] && echo "  vmtriage/rg-F-same-literals = $(ratio "$(med vmtriage)" "$(med rgF)")  (rg -c -F -f with the same literals; goal <= 1.5)"
        echo "  vmtriage/grep = $(ratio "$(med vmtriage)" "$(med grep)")"
        [ "$HAVE_LNAV" = 1 ] && echo "  lnav/vmtriage = $(ratio "$(med lnav)" "$(med vmtriage)")  (vmtriage: default threads, one per core)"
        [ "$HAVE_LNAV" = 1 ] && echo "  lnav/vmtriage -j 1 = $(ratio "$(med lnav)" "$(med vmtriage1)")"
        [ "$HAVE_RG" = 1 ] && echo "  vmtriage -j 1/rg-same-patterns = $(ratio "$(med vmtriage1)" "$(med rgpf)")  (rg searches one file on one thread too)"
        [ "$HAVE_RG" = 1 ] && [ "$GZMB" != 0 ] && echo "  vmtriage .gz / rg -z .gz = $(ratio "$(med vmtriagegz)" "$(med rggz)")"
        echo "  vmtriage/cat  = $(ratio "$(med vmtriage)" "$(med cat)")"
    else
        echo "  (vmtriage skipped)"
        [ "$HAVE_RG" = 1 ] && echo "  grep/rg = $(ratio "$(med grep)" "$(med rg)")"
        [ "$HAVE_RG" = 1 ] && echo "  rg/cat  = $(ratio "$(med rg)" "$(med cat)")"
        [ "$HAVE_LNAV" = 1 ] && [ "$HAVE_RG" = 1 ] && echo "  lnav/rg = $(ratio "$(med lnav)" "$(med rg)")"
        [ "$HAVE_PSOD" = 1 ] && [ "$HAVE_RG" = 1 ] && echo "  psod/rg = $(ratio "$(med psod)" "$(med rg)")"
    fi
    if [ "$HAVE_TIME" = 1 ]; then
        echo
        echo "peak RSS (/usr/bin/time -f %M, one run each):"
        [ "$VT" = 1 ] && echo "  vmtriage logs FILE:    $(rss_of vtrss "$BIN" logs --format json "$LOG") KiB"
        [ "$VT" = 1 ] && [ "$GZMB" != 0 ] && echo "  vmtriage logs FILE.gz: $(rss_of vtgzrss "$BIN" logs --format json "$GZ") KiB"
        [ "$HAVE_PSOD" = 1 ] && echo "  vmtriage psod FILE:    $(rss_of psodrss "$BIN" psod --format json "$LOG") KiB"
        [ "$HAVE_RG" = 1 ] && echo "  rg -c FILE:            $(eval "rss_of rgrss rg -c $PATS \"\$LOG\"") KiB  (rg maps the file; mapped pages count)"
        echo "  grep -c -E FILE:       $(eval "rss_of greprss env LC_ALL=C grep -c -E $PATS \"\$LOG\"") KiB"
        [ "$HAVE_LNAV" = 1 ] && echo "  lnav (count(*)):       $(rss_of lnavrss env HOME="$LNAV_HOME" lnav -n -c ';SELECT count(*) FROM all_logs' "$LOG") KiB"
    else
        echo
        echo "peak RSS: skipped (/usr/bin/time missing: apt-get install -y time)"
    fi
} | tee "$OUT/logs-results.txt"

# ---------------------------------------------------------------- correctness
# vmtriage JSON -> TSV: F <rule> <count> (count 1 when the finding has none),
# C per crash, E <message> per error.
json_tsv() { # JSON -> TSV on stdout; prints the reader used on fd 3
    if [ "${BENCH_NO_PYTHON:-0}" != 1 ] && command -v python3 >/dev/null 2>&1; then
        python3 - "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
def clean(s):
    return str(s).replace("\t", " ").replace("\n", " ")
for f in doc.get("findings", []) or []:
    c = f.get("count")
    print("F\t%s\t%d" % (clean(f.get("rule", "")), c if isinstance(c, int) else 1))
for c in doc.get("crashes", []) or []:
    print("C")
for e in doc.get("errors", []) or []:
    print("E\t" + clean(e if isinstance(e, str) else json.dumps(e)))
EOF
    else
        # No python3: tokenise with grep -o (strings whole, then numbers and
        # punctuation), then walk the tokens in awk.
        grep -o -E '"([^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null|[][{}:,]' "$1" | awk '
            function unq(s) { s = substr(s, 2, length(s) - 2); gsub(/\\\//, "/", s); gsub(/\\"/, "\"", s); gsub(/\\\\/, "\\", s); return s }
            BEGIN { d = 0; want_key = 0; nobj = 0 }
            /^[{[]/ {
                d++; typ[d] = $0; ctx[d] = (d == 1 ? "" : (typ[d-1] == "{" ? ctx[d-1] "/" key : ctx[d-1] "/[]"))
                want_key = ($0 == "{"); if ($0 == "{") obj[d] = ++nobj
                next }
            /^[]}]/ {
                o = obj[d]
                if (typ[d] == "{" && ctx[d] == "/findings/[]") print "F\t" val[o, "rule"] "\t" (val[o, "count"] != "" ? val[o, "count"] : 1)
                if (typ[d] == "{" && ctx[d] == "/crashes/[]") print "C"
                if (typ[d] == "{" && ctx[d] == "/errors/[]") print "E\t" (val[o, "message"] != "" ? val[o, "message"] : "(error object)")
                d--; want_key = 0; next }
            $0 == ":" { want_key = 0; next }
            $0 == "," { want_key = (typ[d] == "{"); next }
            {   if (want_key) { key = unq($0); want_key = 0; next }
                if (typ[d] == "{" && d == 3 && (key == "rule" || key == "message")) val[obj[d], key] = unq($0)
                else if (typ[d] == "{" && d == 3 && key == "count" && $0 ~ /^[0-9]+$/) val[obj[d], key] = $0
                else if (typ[d] == "[" && ctx[d] == "/errors") print "E\t" unq($0)
            }'
    fi
}
READER=python3
{ [ "${BENCH_NO_PYTHON:-0}" != 1 ] && command -v python3 >/dev/null 2>&1; } || READER="grep+awk"

# check_json LABEL JSON MANIFEST STRICT RULES: per log-* rule, the summed
# counts against the manifest; crashes == 1. STRICT=1: every manifest kind
# must be found (vmtriage logs); STRICT=0: only kinds with a rule loaded in
# this build (RULES: one rule id a line) are compared (vmtriage psod today).
check_json() {
    json_tsv "$2" >"$W/$1.tsv" || {
        echo "  [FAIL] $1: cannot read the JSON ($2)"
        return 1
    }
    awk -F'\t' -v label="$1" -v strict="$4" '
    FILENAME == ARGV[1] { if ($0 !~ /^#/ && NF == 3 && $1 != "crash") { want[$1] = $2; order[++n] = $1 } next }
    FILENAME == ARGV[2] { have_rule[$1] = 1; next }
    $1 == "F" { got[$2] += $3; if ($2 ~ /^log-/) seen[$2] = 1; else other = other " " $2 "=" $3; next }
    $1 == "C" { crashes++; next }
    $1 == "E" { nerr++; if (nerr <= 3) errs = errs "      " $2 "\n"; next }
    END {
        bad = 0
        for (i = 1; i <= n; i++) {
            k = order[i]; g = got[k] + 0
            if (!strict && !(k in have_rule)) {
                printf "    %-28s manifest %6d  vmtriage %6s  (no such rule in this build)\n", k, want[k], "-"
                continue
            }
            note = "ok"
            if (g != want[k]) { bad = 1; note = "<-- MISMATCH"; if (!(k in have_rule)) note = note " (no such rule loaded)" }
            printf "    %-28s manifest %6d  vmtriage %6d  %s\n", k, want[k], g, note
        }
        for (k in seen) if (!(k in want)) {
            bad = 1
            printf "    %-28s manifest %6d  vmtriage %6d  <-- MISMATCH: a background line matched\n", k, 0, got[k]
        }
        if (other != "") printf "    (info) other findings:%s\n", other
        if (nerr) printf "    (info) %d errors:\n%s", nerr, errs
        printf "  [%s] %s: per-rule counts == manifest\n", bad ? "FAIL" : "PASS", label
        printf "  [%s] %s: crashes == 1 (got %d)\n", crashes == 1 ? "PASS" : "FAIL", label, crashes
        exit (bad || crashes != 1)
    }' "$3" "$5" "$W/$1.tsv"
}

same() { if [ "$1" = "$2" ]; then echo PASS; else echo FAIL; fi; }

status=0
{
    echo
    echo "correctness (JSON read with $READER):"
    fail=0
    c=$(tr -cd '0-9' <"$W/warm.wc")
    r=$(same "$c" "$LINES")
    [ "$r" = PASS ] || fail=1
    echo "  [$r] wc -l == manifest lines ($c, $LINES)"
    if [ "$HAVE_RG" = 1 ]; then
        c=$(tr -cd '0-9' <"$W/warm.rg")
        r=$(same "$c" "$TOTAL")
    [ "$r" = PASS ] || fail=1
        echo "  [$r] rg -c == manifest event lines ($c, $TOTAL)"
        [ "$(tr -cd '0-9' <"$W/out.rg")" = "$TOTAL" ] || {
            echo "  [FAIL] the last timed rg run counted $(cat "$W/out.rg")"
            fail=1
        }
    fi
    c=$(tr -cd '0-9' <"$W/warm.grep")
    r=$(same "$c" "$TOTAL")
    [ "$r" = PASS ] || fail=1
    echo "  [$r] grep -c -E == manifest event lines ($c, $TOTAL)"
    if [ "$GZMB" != 0 ] && [ "$HAVE_RG" = 1 ]; then
        GZTOTAL=$(awk -F'\t' '!/^#/ && NF == 3 { n += $2 } END { print n + 0 }' "$GZMAN")
        c=$(tr -cd '0-9' <"$W/warm.rggz")
        r=$(same "$c" "$GZTOTAL")
    [ "$r" = PASS ] || fail=1
        echo "  [$r] rg -z -c on the .gz == its manifest event lines ($c, $GZTOTAL)"
    fi
    if [ "$HAVE_LNAV" = 1 ]; then
        c=$(awk 'NF { v = $1 } END { print v }' "$W/warm.lnav")
        # lnav folds a line that no format matches into the message above:
        # the two `TSC:` boot lines after the purple screen.
        tsc=$(grep -c '^TSC: ' "$LOG" || true)
        r=$(same "$c" "$((LINES - tsc))")
    [ "$r" = PASS ] || fail=1
        echo "  [$r] lnav messages == lines - TSC boot lines ($c, $LINES - $tsc): lnav read the whole file"
        # which format lnav gives the lines: the first 100000 lines and the
        # last 2000 (the purple screen and the boot lines are in them)
        { head -n 100000 "$LOG"; tail -n 2000 "$LOG"; } >"$W/sample.log"
        fmts=$(HOME=$LNAV_HOME lnav -n -c ";SELECT log_format || '/' || log_level || '=' || count(*) FROM all_logs GROUP BY log_format, log_level" "$W/sample.log" 2>/dev/null | awk 'NR > 1 && NF { printf " %s", $1 }')
        echo "  (info) lnav format/level=messages on 102000 sample lines:$fmts"
    fi
    RULES=$W/rules.txt
    "$BIN" rules list 2>/dev/null | awk '{ print $2 }' >"$RULES" || :
    if [ "$HAVE_PSOD" = 1 ]; then
        echo "  vmtriage psod (the existing command; the log rules of this build):"
        check_json psod "$W/warm.psod" "$MAN" 0 "$RULES" || fail=1
    fi
    if [ "$VT" = 1 ]; then
        echo "  vmtriage logs FILE:"
        check_json logs "$W/warm.vmtriage" "$MAN" 1 "$RULES" || fail=1
        if cmp -s "$W/warm.vmtriage" "$W/warm.vmtriage1"; then
            echo "  ok - logs -j 1: the same JSON as with searcher threads"
        else
            echo "  not ok - logs -j 1: its JSON differs from the threaded run's"
            fail=1
        fi
        if [ "$GZMB" != 0 ]; then
            echo "  vmtriage logs FILE.gz:"
            check_json logsgz "$W/warm.vmtriagegz" "$GZMAN" 1 "$RULES" || fail=1
        fi
        [ -s "$W/logs.stderr" ] && echo "  (info) vmtriage logs wrote $(wc -l <"$W/logs.stderr" | tr -d ' ') lines to stderr: $W/logs.stderr"
    else
        echo "  vmtriage logs: skipped (BENCH_SKIP_VMTRIAGE=1)"
    fi
    if [ "${BENCH_LNAV_SEARCH:-0}" = 1 ] && [ "$HAVE_LNAV" = 1 ]; then
        re=$(awk -F'\t' '!/^#/ && NF == 3 { s = s (s == "" ? "" : "|") $3 } END { print s }' "$MAN")
        t0=$(now)
        c=$(HOME=$LNAV_HOME lnav -n -c ";SELECT count(*) FROM all_logs WHERE log_raw_text REGEXP '$re'" "$LOG" | awk 'NF { v = $1 } END { print v }')
        t1=$(now)
        r=$(same "$c" "$TOTAL")
    [ "$r" = PASS ] || fail=1
        echo "  [$r] lnav SQL search (all_logs.log_raw_text REGEXP, one run): $c event lines in $(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", t / 1e9 }') s"
    fi
    echo "$fail" >"$W/fail"
} | tee -a "$OUT/logs-results.txt"
[ "$(cat "$W/fail")" = 0 ] || status=1
if [ "$status" -ne 0 ]; then
    echo "RESULT: FAIL" | tee -a "$OUT/logs-results.txt"
    exit 1
fi
echo "RESULT: PASS" | tee -a "$OUT/logs-results.txt"
