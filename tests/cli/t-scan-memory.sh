#!/bin/sh
# t-scan-memory: scan's memory does not grow with the number of VMs (issue 20,
# "Scale"), and the report written as the VMs are audited is the one the
# whole-report writers print. Trees from bench/gen_datastore.c (no siblings):
# 2,000 and 20,000 VMs; the manifest it writes is the ground truth.
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ! $CC -O2 -std=c11 -o "$WORK/gen" "$ROOT/bench/gen_datastore.c" 2>"$WORK/cc.err"; then
    skip "no C compiler ($CC) to build bench/gen_datastore.c"
    done_testing
    exit
fi
GEN_SIBLINGS=0 "$WORK/gen" "$WORK/s" 2000 7 >/dev/null || exit 1
GEN_SIBLINGS=0 "$WORK/gen" "$WORK/l" 20000 7 >/dev/null || exit 1

# scan TREE FORMAT OUT [ENV...]: the report of TREE in OUT (stderr in OUT.err)
scan() {
    tree=$1 fmt=$2 out=$3
    shift 3
    (cd "$WORK/$tree" && env "$@" "$VT" scan --format "$fmt" vmfs/volumes) >"$out" 2>"$out.err"
    echo $? >"$out.rc"
}

# Peak RSS: at 20,000 VMs at most 1.3 times that at 2,000 plus 8 MB. The walk
# keeps about 150 bytes per file (the inodes seen, the sorted names of the
# biggest folder): 3 MB here; the reports themselves would add hundreds of MB.
# A sanitizer build holds freed memory in quarantine and must be the first
# library loaded: neither check below means anything there.
SANITIZED=0
ldd "$VT" 2>/dev/null | grep -q 'libasan\|libtsan' && SANITIZED=1
if [ "$SANITIZED" = 1 ]; then
    skip "peak RSS: a sanitizer build (its quarantine holds freed memory)"
elif [ -x /usr/bin/time ]; then
    for fmt in json text; do
        for tree in s l; do
            (cd "$WORK/$tree" && /usr/bin/time -f %M -o "$WORK/rss.$tree.$fmt" \
                "$VT" scan --format "$fmt" vmfs/volumes >/dev/null 2>&1)
        done
        small=$(tail -n 1 "$WORK/rss.s.$fmt") large=$(tail -n 1 "$WORK/rss.l.$fmt")
        ok "$fmt: peak RSS at 20,000 VMs (${large} KB) <= 1.3 x 2,000 VMs (${small} KB) + 8 MB" \
            [ "$large" -le $((small * 13 / 10 + 8192)) ]
    done
else
    skip "peak RSS: /usr/bin/time missing"
fi

# The same bytes whatever the threads, the window and the spool's runs, and
# the same as the whole-report writers (VT_SCAN_STREAM=0).
for fmt in json text csv; do
    scan l "$fmt" "$WORK/l.$fmt"
    (cd "$WORK/l" && "$VT" scan -j 1 --format "$fmt" vmfs/volumes) >"$WORK/l1.$fmt" 2>"$WORK/l1.$fmt.err"
    ok "$fmt, 20,000 VMs: the same report with -j 1" cmp -s "$WORK/l.$fmt" "$WORK/l1.$fmt"
    ok "$fmt, 20,000 VMs: the same errors with -j 1" cmp -s "$WORK/l.$fmt.err" "$WORK/l1.$fmt.err"
    scan s "$fmt" "$WORK/s.$fmt"
    scan s "$fmt" "$WORK/w.$fmt" VT_SCAN_WINDOW=1 VT_SPOOL_RUN=3
    scan s "$fmt" "$WORK/m.$fmt" VT_SCAN_STREAM=0
    ok "$fmt, 2,000 VMs: window of 1 slot, spool runs of 3 rows: the same report" \
        cmp -s "$WORK/s.$fmt" "$WORK/w.$fmt"
    ok "$fmt, 2,000 VMs: the same report as the whole-report writer" cmp -s "$WORK/s.$fmt" "$WORK/m.$fmt"
    ok "$fmt, 2,000 VMs: the same errors and status as the whole-report writer" \
        sh -c 'cmp -s "$1.err" "$2.err" && cmp -s "$1.rc" "$2.rc"' sh "$WORK/s.$fmt" "$WORK/m.$fmt"
done
# Fitted to a terminal's width (COLUMNS), the text table wraps differently.
scan s text "$WORK/c.text" COLUMNS=80 VT_SPOOL_RUN=5
scan s text "$WORK/cm.text" COLUMNS=80 VT_SCAN_STREAM=0
ok "text at 80 columns: the same report as the whole-report writer" cmp -s "$WORK/c.text" "$WORK/cm.text"
# --min-severity drops findings in both writers alike.
(cd "$WORK/s" && "$VT" scan --min-severity high --format text vmfs/volumes) >"$WORK/h.text" 2>/dev/null
(cd "$WORK/s" && VT_SCAN_STREAM=0 "$VT" scan --min-severity high --format text vmfs/volumes) \
    >"$WORK/hm.text" 2>/dev/null
ok "text --min-severity high: the same report as the whole-report writer" \
    cmp -s "$WORK/h.text" "$WORK/hm.text"
ok "text --min-severity high: no medium or low finding left" \
    sh -c '! grep -q "^medium \|^low " "$1" && grep -q "^high " "$1"' sh "$WORK/h.text"

# A temporary file that cannot be made (TMPDIR names no folder) or written
# (a full disk: mkstemp() opens /dev/full) is one error line naming the
# folder and exit status 3, not a shorter report. The 2,000-VM tree's text
# rows fit in memory (no file) unless the runs are made short.
for fmt in json text; do
    scan l "$fmt" "$WORK/t.$fmt" TMPDIR="$WORK/none" VT_SPOOL_RUN=3
    ok "$fmt, TMPDIR missing: exit status 3" [ "$(cat "$WORK/t.$fmt.rc")" = 3 ]
    ok "$fmt, TMPDIR missing: one error line naming it" \
        sh -c '[ "$(cat "$1")" = "vmtriage: cannot write a temporary file of the report in $2 (TMPDIR): No such file or directory" ]' \
        sh "$WORK/t.$fmt.err" "$WORK/none"
done
scan s text "$WORK/t.small" TMPDIR="$WORK/none"
ok "text, 2,000 VMs, TMPDIR missing: no temporary file needed, the same report" \
    cmp -s "$WORK/t.small" "$WORK/s.text"
cat >"$WORK/full.c" <<'EOC'
#include <fcntl.h>
int mkstemp(char *template) { (void)template; return open("/dev/full", O_RDWR); }
EOC
if [ "$SANITIZED" = 1 ]; then
    skip "temporary file on a full disk: a sanitizer build cannot take LD_PRELOAD"
elif $CC -shared -fPIC -o "$WORK/full.so" "$WORK/full.c" 2>/dev/null && [ -w /dev/full ]; then
    for fmt in json text; do
        scan l "$fmt" "$WORK/f.$fmt" LD_PRELOAD="$WORK/full.so"
        ok "$fmt, temporary file on a full disk: exit status 3" [ "$(cat "$WORK/f.$fmt.rc")" = 3 ]
        ok "$fmt, temporary file on a full disk: one error line naming it" \
            sh -c '[ "$(grep -c "cannot write a temporary file of the report in .*: No space left on device" "$1")" = 1 ]' \
            sh "$WORK/f.$fmt.err"
    done
else
    skip "temporary file on a full disk: no shared object or no /dev/full"
fi

# Every VM of the manifest exactly once in the JSON, and the findings counted.
for tree in s l; do
    cp "$WORK/$tree.json" "$WORK/out"
    n=$(grep -vc '^#' "$WORK/$tree/manifest.tsv")
    ok "json ($tree, $n VMs): vms[] lists every VM of the manifest exactly once" python3 - "$WORK/out" "$WORK/$tree/manifest.tsv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = sorted(l.split("\t")[0] for l in open(sys.argv[2]) if not l.startswith("#"))
got = sorted(v["path"] for v in d["vms"])
sys.exit(0 if got == want and len(set(got)) == len(got) and d["summary"]["vms"] == len(want) else 1)
PY
    ok "json ($tree): summary.findings counts findings[]" \
        json 'd["summary"]["findings"] == len(d["findings"]) and len(d["findings"]) > 0'
done
# The text table has one row per finding of the JSON, worst level first,
# then by rule, then by VM (the columns cut at the head's positions).
ok "text: the table lists the JSON's findings, worst level, then rule, then VM" \
    python3 - "$WORK/s.json" "$WORK/s.text" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rank = {"critical": 4, "high": 3, "medium": 2, "low": 1, "informational": 0}
want = [(f["level"], f["rule"], f["subject"] + (" (%s)" % f["name"] if f["name"] else ""))
        for f in sorted(d["findings"], key=lambda f: (-rank[f["level"]], f["rule"], f["subject"]))]
lines = open(sys.argv[2]).read().split("\n")
head = next(i for i, l in enumerate(lines) if l.startswith("LEVEL "))
h = lines[head]
r, v, t = h.index("RULE"), h.index("VM "), h.index("DETAIL")
got = [(l[:r].strip(), l[r:v].strip(), l[v:t].rstrip()) for l in lines[head + 1:head + 1 + len(want)]]
sys.exit(0 if got == want and lines[head + 1 + len(want)] == "" else 1)
PY
done_testing
