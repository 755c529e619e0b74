#!/bin/sh
# t-html: `--format html` is one self-contained page that a browser renders:
# each command's page goes through headless Chromium (Debian's `chromium`),
# whose DOM must hold the verdict first, one article per finding and the
# analyzer's section, and whose screenshot must not be blank. Expected values
# come from the README (the example datastore's critical web01 finding), from
# the JSON format of the same run (the findings), and from the files.
# Without chromium the browser checks are skipped, except under CI (.ci/run
# installs it: tools/install-deps.sh browser), where its absence fails.
. "$(dirname "$0")/lib.sh"

# py EXPR: EXPR over the Chromium DOM in $WORK/dom (html.parser: tags, ids, classes, text)
py() {
    python3 - "$WORK/dom" "$1" <<'PYEOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.tags = []; s.stack = []; s.text = {}
    def handle_starttag(s, t, a):
        a = dict(a); s.tags.append((t, a)); s.stack.append(a.get('id'))
    def handle_endtag(s, t):
        if s.stack: s.stack.pop()
    def handle_data(s, d):
        for i in s.stack:
            if i: s.text[i] = s.text.get(i, '') + d
p = P(); p.feed(open(sys.argv[1]).read())
tags, text = p.tags, p.text
def cls(t, c): return [a for (n, a) in tags if n == t and c in (a.get('class') or '').split()]
def ids(): return [a.get('id') for (n, a) in tags if a.get('id')]
sys.exit(0 if eval(sys.argv[2]) else 1)
PYEOF
}

# ---------------------------------------------------------------- the page itself
run scan --format html examples/datastore
cp "$WORK/out" "$WORK/scan.html"
ok "scan: exit 2 as in text (README: a critical finding)" [ "$RC" -eq 2 ]
ok "self-contained: no script, stylesheet link, image or frame" \
    sh -c "! grep -Eqi '<(script|link|img|iframe|object)\\b' '$WORK/scan.html'"
ok "self-contained: the only URLs are the sources' links" \
    sh -c "! grep -Eo '(src|href)=\"[^\"]*\"' '$WORK/scan.html' | grep -v '^href=\"http'"
run scan --format json examples/datastore
nfind=$(python3 -c "import json; print(len(json.load(open('$WORK/out'))['findings']))")

# a VM called <script>alert(1)</script> (the .vmx escapes nothing here: < > are plain)
mkdir -p "$WORK/ds/evil"
sed 's/^displayName = .*/displayName = "<script>alert(1)<\/script>"/' "$(ls examples/datastore/vmfs/volumes/*/web01/web01.vmx | head -n 1)" >"$WORK/ds/evil/evil.vmx"
run scan --format html "$WORK/ds"
cp "$WORK/out" "$WORK/evil.html"
ok "a VM name holding markup is escaped" sh -c "grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' '$WORK/evil.html' && ! grep -q '<script>' '$WORK/evil.html'"

. "$(dirname "$0")/lib_browser.sh"

# ---------------------------------------------------------------- in the browser
dom "$WORK/scan.html" "$WORK/dom"
ok "scan DOM: the verdict comes first, before the findings" py "ids().index('verdict') < ids().index('findings')"
ok "scan DOM: verdict CRITICAL naming web01's e1000 finding (README)" \
    py "'state-CRITICAL' in [a.get('class') for (n, a) in tags if a.get('id') == 'verdict'][0] and 'web01' in text['verdict'] and 'e1000' in text['verdict']"
ok "scan DOM: what to do now is shown in the verdict" py "len(cls('pre', 'fix-now')) == 1"
ok "scan DOM: one article per finding ($nfind, as in JSON)" py "len(cls('article', 'finding')) == $nfind"
ok "scan DOM: the critical finding is the first article" py "cls('article', 'finding')[0].get('data-rule') == 'vmx-e1000-rss-guest'"
shot "$WORK/scan.html" "$WORK/scan.png"
printf '<!DOCTYPE html><html><body></body></html>' >"$WORK/blank.html"
shot "$WORK/blank.html" "$WORK/blank.png"
ok "scan screenshot: a 1200x1600 PNG" python3 -c "
import struct, sys
d = open('$WORK/scan.png', 'rb').read(24)
sys.exit(0 if d[:8] == b'\x89PNG\r\n\x1a\n' and struct.unpack('>II', d[16:24]) == (1200, 1600) else 1)"
# a blank page compresses to almost nothing; the report's text does not
ok "scan screenshot: not blank ($(wc -c <"$WORK/scan.png") bytes vs $(wc -c <"$WORK/blank.png") for an empty page)" \
    [ "$(wc -c <"$WORK/scan.png")" -gt $(($(wc -c <"$WORK/blank.png") * 10)) ]
# printing: Chromium's print path (the page's @media print rules) gives a PDF
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-pdf-header-footer --print-to-pdf="$WORK/scan.pdf" "file://$WORK/scan.html" >/dev/null 2>&1
ok "scan prints: a PDF of several pages" python3 -c "
import sys
d = open('$WORK/scan.pdf', 'rb').read()
sys.exit(0 if d[:5] == b'%PDF-' and d.count(b'/Type /Page') - d.count(b'/Type /Pages') >= 2 else 1)"
dom "$WORK/evil.html" "$WORK/dom"
ok "evil DOM: no script element, the name is text" py "not any(n == 'script' for (n, a) in tags) and any('<script>alert(1)</script>' in t for t in text.values())"

SEED=$(ls "$SHARED"/seeds/000_*.txt 2>/dev/null | head -n 1)
if have_shared "${SEED:-$SHARED/seeds/000_*.txt}" "seed 000 as HTML"; then
    run psod --format html "$SEED"
    cp "$WORK/out" "$WORK/psod.html"
    dom "$WORK/psod.html" "$WORK/dom"
    # the seed's frames (counted in the text) name E1000PollRxRing first
    ok "psod DOM: a purple-screen section with E1000PollRxRing, verdict CRITICAL" \
        py "'crashes' in ids() and 'E1000PollRxRing' in text['crashes'] and 'state-CRITICAL' in [a.get('class') for (n, a) in tags if a.get('id') == 'verdict'][0]"
fi
if have_shared "$SHARED/corpus/minidump/rizintb_triage_x64.dmp" "corpus dump as HTML"; then
    run dump --format html "$SHARED/corpus/minidump/rizintb_triage_x64.dmp"
    cp "$WORK/out" "$WORK/dump.html"
    dom "$WORK/dump.html" "$WORK/dom"
    want=$(grep '^rizintb_triage_x64.dmp' "$SHARED/corpus/minidump/PROVENANCE.tsv" | grep -o 'faulting driver [A-Za-z0-9_.]*' | awk '{print $3}')
    ok "dump DOM: the dump section names 0x1000007E and the culprit $want (PROVENANCE.tsv)" \
        py "'dumps' in ids() and '0x1000007E' in text['dumps'] and '$want' in text['dumps']"
fi
# the bundle report: the verdict is the crash, its known issue, the VMs that carry the
# trigger (examples/bundle/README: web01 and build01) and what to do now
run bundle --format html examples/bundle
cp "$WORK/out" "$WORK/bundle.html"
dom "$WORK/bundle.html" "$WORK/dom"
ok "bundle DOM: verdict CRITICAL, the e1000 crash first" \
    py "'state-CRITICAL' in [a.get('class') for (n, a) in tags if a.get('id') == 'verdict'][0] and 'e1000' in text['verdict'] and cls('article', 'finding')[0].get('data-rule') == 'psod-e1000-rss'"
ok "bundle DOM: the verdict lists web01 and build01 as affected, and a fix" \
    py "'web01' in text['verdict'] and 'build01' in text['verdict'] and len(cls('ul', 'affected')) == 1 and len(cls('pre', 'fix-now')) == 1"
ok "bundle DOM: host, crash and log sections follow" py "all(i in ids() for i in ('hosts', 'crashes', 'logs')) and 'esx01.lab.local' in text['hosts']"
shot "$WORK/bundle.html" "$WORK/bundle.png"
ok "bundle screenshot: not blank" [ "$(wc -c <"$WORK/bundle.png")" -gt $(($(wc -c <"$WORK/blank.png") * 10)) ]
run cpu --format html examples/cpu/guest-no-vmx.cpuinfo
cp "$WORK/out" "$WORK/cpu.html"
dom "$WORK/cpu.html" "$WORK/dom"
ok "cpu DOM: the capability table names vmx (missing in the example's flags line)" py "'cpus' in ids() and 'vmx' in text['cpus']"
run logs --format html examples/logs/var/run/log
cp "$WORK/out" "$WORK/logs.html"
dom "$WORK/logs.html" "$WORK/dom"
ok "logs DOM: the log section lists vmkernel.log and a timeline" py "'logs' in ids() and 'vmkernel.log' in text['logs'] and 'TIMELINE' in text['logs']"

done_testing
