#!/bin/sh
# t-width: text output fits the terminal. On a terminal (a pty made by
# script(1) with `stty cols`) and with COLUMNS set, the summary, the findings
# table (VM name first, path elided in the middle, detail wrapped under it),
# the rule descriptions and prose fixes, and the FILES lines fit the width;
# command lines of the fixes stay whole so that they paste; piped without
# COLUMNS, every line is whole (one finding per table row, for grep).
. "$(dirname "$0")/lib.sh"

# fits FILE WIDTH: every line of FILE, except fix command lines (indented six
# spaces under a [tool] other than vsphere_client), example log lines and the
# crash, host and timeline sections, and the one-line errors and notes, is at
# most WIDTH columns.
fits() {
    python3 - "$1" "$2" <<'PY'
import sys, unicodedata
path, width = sys.argv[1], int(sys.argv[2])
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)
tool, section, bad = None, None, []
for n, line in enumerate(open(path, encoding="utf-8").read().splitlines(), 1):
    s = line.replace("\r", "")
    if s and not s.startswith(" "):
        section = s.split()[0]
    if s.startswith("    [") and s.endswith("]"):
        tool = s.strip("[] ")
        continue
    if s.startswith("  ") and not s.startswith("    "):
        tool = None
    if tool and tool != "vsphere_client" and s.startswith("      "):
        continue  # a command: kept whole
    if s.startswith("vmtriage: "):
        continue  # an error or note: one line each, whole, on standard error
    if section in ("HOSTS", "TIMELINE", "Crash") or s.startswith("    examples/") and ":" in s:
        continue
    if s.startswith("  Example lines:") or (section != "FILES" and s.startswith("    ") and ":" in s and tool is None):
        continue
    if cols(s) > width and " " in s.strip():  # one word (a URL) longer than the line stays whole
        bad.append("%d: %d columns: %s" % (n, cols(s), s))
print("\n".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
}

for w in 80 100; do
    COLUMNS=$w "$VT" scan examples/datastore >"$WORK/out" 2>"$WORK/err"
    ok "scan, COLUMNS=$w: lines fit" fits "$WORK/out" "$w"
    COLUMNS=$w "$VT" bundle examples/bundle >"$WORK/out" 2>"$WORK/err"
    ok "bundle, COLUMNS=$w: lines fit" fits "$WORK/out" "$w"
done
COLUMNS=80 "$VT" scan examples/datastore >"$WORK/out" 2>&1
ok "fitted table: the VM name on the row" grep -qE '^critical +vmx-e1000-rss-guest +web01$' "$WORK/out"
ok "fitted table: the path elided in the middle, under the row" \
    grep -qE '^          examples/.*\.\.\..*/web01/web01\.vmx$' "$WORK/out"
ok "a fix command stays one whole line" \
    grep -qF "      Get-VM 'web01' | Get-NetworkAdapter | Where-Object { \$_.Type -eq 'e1000' } | Set-NetworkAdapter -Type Vmxnet3 -Confirm:\$false" "$WORK/out"

# A real terminal: script(1) gives the program a pty of 72 columns.
if command -v script >/dev/null 2>&1; then
    script -qec "stty cols 72 rows 50; NO_COLOR=1 '$VT' scan examples/datastore" /dev/null >"$WORK/tty" 2>&1
    tr -d '\r' <"$WORK/tty" >"$WORK/tty.txt"
    ok "on a 72-column terminal (TIOCGWINSZ): lines fit" fits "$WORK/tty.txt" 72
    ok "on a terminal: fitted table" grep -qE '^critical +vmx-e1000-rss-guest +web01$' "$WORK/tty.txt"
else
    skip "script(1) missing: no pty test" 2>/dev/null || ok "script(1) missing: no pty test" false
fi

# Piped without COLUMNS: whole lines, one row per finding.
"$VT" scan examples/datastore >"$WORK/out" 2>"$WORK/err"
ok "piped: one table row per finding, with its detail" \
    grep -qE '^critical +vmx-e1000-rss-guest +examples/.*/web01/web01\.vmx \(web01\) +ethernet0; line 5' "$WORK/out"
COLUMNS=junk "$VT" scan examples/datastore >"$WORK/out2" 2>"$WORK/err"
ok "COLUMNS that is no number is ignored" cmp -s "$WORK/out" "$WORK/out2"

# A wide name (CJK takes two columns each) still fits.
mkdir -p "$WORK/ds/cjk"
printf '.encoding = "UTF-8"\nconfig.version = "8"\nvirtualHW.version = "10"\ndisplayName = "%s"\nguestOS = "windows9-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n' \
    "$(python3 -c 'print("\u540d" * 50)')" >"$WORK/ds/cjk/cjk.vmx"
COLUMNS=80 "$VT" scan "$WORK/ds" >"$WORK/out" 2>"$WORK/err"
ok "a name of 50 wide characters: lines fit 80 columns" fits "$WORK/out" 80

done_testing
