#!/bin/sh
# t-diagnose-formats: `vmtriage diagnose` as HTML, CSV and Nagios, on VM
# folders this script writes (a Windows VM booting from PVSCSI that stops
# with 0x7B, a nested ESXi guest without vhv.enable, a clean VM, a VM whose
# name holds markup and a formula).
#
# Expected values come from the tree file (data/diagnose_tree.tsv: the node
# ids, their order, their questions), from the JSON format of the same run
# (verdicts, on_branch, causes, counts) and from the inputs written here;
# never from the HTML, CSV or Nagios text itself. The HTML goes through
# headless Chromium as in t-html.sh (its DOM, a non-blank screenshot);
# without chromium those checks are skipped, except under CI.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TREE=$ROOT/data/diagnose_tree.tsv
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE NO_COLOR

vmx() { # vmx DIR NAME LINES...: writes DIR/NAME.vmx
    d=$1 n=$2
    shift 2
    mkdir -p "$d"
    printf '%s\n' 'config.version = "8"' "$@" >"$d/$n.vmx"
}
W=$WORK/win01 # Windows on PVSCSI: with --stop-code 0x7B, storage (rules/vmx-boot.yml, dump-windows.yml)
vmx "$W" win01 'virtualHW.version = "19"' 'displayName = "win01"' 'guestOS = "windows2019srv-64"' \
    'memSize = "8192"' 'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
    'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "win01.vmdk"' \
    'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "vmxnet3"'
N=$WORK/esx-nested # a nested ESXi (guest OS vmkernel) without vhv.enable (rules/vmx-nested.yml)
vmx "$N" esx1 'virtualHW.version = "19"' 'displayName = "esx1"' 'guestOS = "vmkernel7"' \
    'memSize = "16384"' 'sched.mem.min = "16384"' 'scsi0.present = "TRUE"' \
    'scsi0.virtualDev = "pvscsi"' 'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "esx1.vmdk"' \
    'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "vmxnet3"' 'tools.syncTime = "FALSE"'
C=$WORK/clean # LSI Logic SAS, VMXNET3, HW 19: nothing for the rules to find
vmx "$C" clean 'virtualHW.version = "19"' 'displayName = "clean"' 'guestOS = "windows2019srv-64"' \
    'memSize = "8192"' 'scsi0.present = "TRUE"' 'scsi0.virtualDev = "lsisas1068"' \
    'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "clean.vmdk"' \
    'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "vmxnet3"'
EVIL_NAME='=1+2<script>alert(1)</script> & <b>co</b>'
E="$WORK/<i>evil</i>"
vmx "$E" evil 'virtualHW.version = "19"' "displayName = \"$EVIL_NAME\"" \
    'guestOS = "windows2019srv-64"' 'memSize = "8192"' 'scsi0.present = "TRUE"' \
    'scsi0.virtualDev = "lsisas1068"' 'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "e.vmdk"' \
    'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "vmxnet3"'
export WORK TREE EVIL_NAME

# pyj SCRIPT ARGS...: python3 with `tree` (the file's [(id, question)]), `j` (the
# JSON in $WORK/json) and `csvrows` / `dom` helpers at hand; SCRIPT must exit.
cat >"$WORK/h.py" <<'PYEOF'
import csv, json, os, sys
from html.parser import HTMLParser
W = os.environ['WORK']
tree = [l.rstrip('\n').split('\t') for l in open(os.environ['TREE'], encoding='utf-8')
        if l.strip() and not l.startswith('#')]
tree = [(f[0], f[5]) for f in tree]
ids = [t[0] for t in tree]
def j(): return json.load(open(W + '/json', encoding='utf-8'))
def csvrows(): return list(csv.reader(open(W + '/out', newline='', encoding='utf-8')))
def walk_order(diag):
    # the walk's order (findings/diagnose.h): stop-code, the nodes the evidence led to
    # (on_branch, in the file's order), then the rest in the file's order
    led = {n['id'] for n in diag['nodes'] if n['on_branch']}
    return [i for i in ids if i == 'stop-code'] + [i for i in ids if i in led and i != 'stop-code'] + \
           [i for i in ids if i not in led and i != 'stop-code']
class E:
    def __init__(s, tag, a, parent):
        s.tag, s.a, s.kids, s.parent, s.parts = tag, a, [], parent, []
    def cls(s): return (s.a.get('class') or '').split()
    def text(s): return ''.join(p if isinstance(p, str) else p.text() for p in s.parts)
    def all(s, tag=None, c=None):
        out = []
        for k in s.kids:
            if (tag is None or k.tag == tag) and (c is None or c in k.cls()): out.append(k)
            out += k.all(tag, c)
        return out
VOID = {'meta', 'br', 'link', 'img', 'input', 'hr', 'wbr'}
class P(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True); s.root = E('#root', {}, None); s.cur = s.root
    def handle_starttag(s, t, a):
        e = E(t, dict(a), s.cur); s.cur.kids.append(e); s.cur.parts.append(e)
        if t not in VOID: s.cur = e
    def handle_startendtag(s, t, a):
        e = E(t, dict(a), s.cur); s.cur.kids.append(e); s.cur.parts.append(e)
    def handle_endtag(s, t):
        e = s.cur
        while e is not s.root and e.tag != t: e = e.parent
        if e is not s.root: s.cur = e.parent
    def handle_data(s, d): s.cur.parts.append(d)
def dom():
    p = P(); p.feed(open(W + '/dom', encoding='utf-8').read()); return p.root
def ok(c): sys.exit(0 if c else 1)
PYEOF
pyj() {
    s=$1
    shift
    python3 -c "import sys; sys.path.insert(0, '$WORK'); from h import *
$s" "$@"
}

# ---------------------------------------------------------------- CSV
run diagnose -f json --stop-code 0x7B "$W"
cp "$WORK/out" "$WORK/json"
ok "0x7B JSON: storage is a problem led there (the premise of the checks below)" \
    pyj "d = j()['diagnoses'][0]; ok([(n['verdict'], n['on_branch']) for n in d['nodes'] if n['id'] == 'storage'] == [('problem', True)])"
JRC=$RC
run diagnose -f csv --stop-code 0x7B "$W"
ok "csv: exit status as the JSON run's ($JRC)" [ "$RC" -eq "$JRC" ]
COLS='kind,vm,name,node,verdict,on_branch,answer,evidence,fix_rules,rank,title,why'
# csvcheck: the CSV in $WORK/out against the JSON in $WORK/json
cat >"$WORK/csvcheck.py" <<'PYEOF'
def cell(s): # csv_cell.c: text that a spreadsheet would run as a formula gets a leading '
    return "'" + s if s[:1] in ('=', '+', '-', '@', '\t', '\r') else s
d = j()
rows = csvrows()
head, body = rows[0], rows[1:]
assert head == sys.argv[1].split(','), head
R = [dict(zip(head, r)) for r in body]
assert all(len(r) == len(head) for r in body)
nodes = [r for r in R if r['kind'] == 'node']
causes = [r for r in R if r['kind'] == 'cause']
assert len(nodes) + len(causes) == len(R)
# one node row per VM and tree node; one cause row per cause of the JSON
assert len(nodes) == len(d['diagnoses']) * len(ids), (len(nodes), len(ids))
assert len(causes) == sum(len(x['causes']) for x in d['diagnoses'])
for x in d['diagnoses']:
    mine = [r for r in nodes if r['vm'] == x['vm']]
    assert [r['node'] for r in mine] == [n['id'] for n in x['nodes']]
    for r, n in zip(mine, x['nodes']):
        assert r['verdict'] == n['verdict'] and r['on_branch'] == str(n['on_branch']).lower(), r
        assert r['fix_rules'].split() == n['fix_rules'], (r['fix_rules'], n['fix_rules'])
        assert r['evidence'] == cell(' | '.join(n['evidence'])), (r['evidence'], n['evidence'])
        assert r['answer'] == cell(n['answer']) and r['name'] == cell(x['name'] or ''), r
        assert r['rank'] == r['title'] == r['why'] == ''
    mc = [r for r in causes if r['vm'] == x['vm']]
    assert [(r['rank'], r['node'], r['title'], r['why']) for r in mc] == \
        [(str(c['rank']), c['node'], c['title'], c['why']) for c in x['causes']]
    assert all(r['verdict'] == r['answer'] == r['evidence'] == '' for r in mc)
ok(True)
PYEOF
ok "csv: header $COLS; a row per tree node and per cause; verdicts, on_branch, answer, evidence, fix_rules and causes as in JSON" \
    pyj "exec(open('$WORK/csvcheck.py').read())" "$COLS"
run diagnose -f json "$W" "$N" "$C" "$E"
cp "$WORK/out" "$WORK/json"
JRC4=$RC
run diagnose -f csv "$W" "$N" "$C" "$E"
ok "csv, 4 VMs: exit status as JSON's ($JRC4); rows and verdicts as in JSON" \
    sh -c "[ $RC -eq $JRC4 ] && python3 -c \"import sys; sys.path.insert(0, '$WORK'); from h import *; exec(open('$WORK/csvcheck.py').read())\" '$COLS'"
ok "csv: the nested VM without vhv.enable has hw-virt problem (vmx-nested-vhv-off), the clean one no problem" \
    pyj "R = csvrows(); ok(any(r[1] == '$N' and r[3] == 'hw-virt' and r[4] == 'problem' and 'vmx-nested-vhv-off' in r[8].split() for r in R) and not any(r[1] == '$C' and r[4] == 'problem' for r in R))"
ok "csv: the name starting with '=' is defused (a leading apostrophe), markup kept as text" \
    pyj "ok(all(r[2] == \"'\" + os.environ['EVIL_NAME'] for r in csvrows()[1:] if r[1].endswith('evil</i>')) and j()['diagnoses'][3]['name'] == os.environ['EVIL_NAME'])"

# ---------------------------------------------------------------- Nagios
# the status every command gives (cli.c): 2 a critical finding, 3 an input error or a walk that
# answered nothing, 1 a medium/high finding or a problem node, else 0
cat >"$WORK/nagcheck.py" <<'PYEOF'
d = j()
lv = {f['level'] for f in d['findings']}
cnt = {v: sum(n['verdict'] == v for x in d['diagnoses'] for n in x['nodes']) for v in ('problem', 'unknown', 'ok')}
errs = [e for e in d['errors'] if e['severity'] == 'error']
want = 2 if 'critical' in lv else 3 if errs or cnt['problem'] + cnt['ok'] == 0 else \
    1 if lv & {'high', 'medium'} or cnt['problem'] else 0
rc = int(sys.argv[1])
out = open(W + '/out', encoding='utf-8').read().split('\n')
first = out[0]
perf = dict(kv.split('=', 1) for kv in first.split(' | ', 1)[1].split())
state = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][want]
assert rc == want, (rc, want)
assert first.startswith('VMTRIAGE %s - diagnose: ' % state), first
for v in cnt:
    assert perf[v].split(';')[0] == str(cnt[v]), (v, perf[v], cnt[v])
assert perf['findings'].split(';')[0] == str(len(d['findings']))
# the long output: one "problem NODE: VM - answer" line per problem node
probs = [l for l in out[1:] if l.startswith('problem ')]
assert len(probs) == cnt['problem'], (probs, cnt)
if len(sys.argv) > 2:
    assert state == sys.argv[2], (state, sys.argv[2])
ok(True)
PYEOF
nagios() { # nagios WANT-STATE|- ARGS...: JSON then Nagios of the same run, compared
    w=$1
    shift
    run diagnose -f json "$@"
    cp "$WORK/out" "$WORK/json"
    run diagnose -f nagios "$@"
    pyj "exec(open('$WORK/nagcheck.py').read())" "$RC" ${w#-}
}
ok "nagios, 0x7B: the status and exit status of JSON's findings and nodes (WARNING: high), perfdata problem/unknown/ok as JSON counts" \
    nagios WARNING --stop-code 0x7B "$W"
ok "nagios, 4 VMs: status, perfdata and problem lines as JSON counts" nagios - "$W" "$N" "$C" "$E"
ok "nagios, the clean VM: OK, exit 0, problem=0" nagios OK "$C"
printf '%s\n' 'Kernel panic - not syncing: Fatal exception' >"$WORK/panic.txt"
ok "nagios, the clean VM with a kernel panic on its console: a problem node without a finding is WARNING" \
    nagios WARNING --console "$WORK/panic.txt" "$C"
WEB=$(ls examples/datastore/vmfs/volumes/*/web01/web01.vmx | head -n 1)
ok "nagios, web01 of the examples (README: a critical e1000 finding): CRITICAL, exit 2" nagios CRITICAL "$WEB"
echo 'just some text' >"$WORK/notes.txt"
ok "nagios, a file that is no VM: UNKNOWN, exit 3" nagios UNKNOWN "$WORK/notes.txt"

# ---------------------------------------------------------------- HTML
run diagnose -f json --stop-code 0x7B "$W"
cp "$WORK/out" "$WORK/json7b"
run diagnose -f html --stop-code 0x7B "$W"
cp "$WORK/out" "$WORK/w.html"
ok "html, 0x7B: exit status as the JSON run's ($JRC)" [ "$RC" -eq "$JRC" ]
cp "$WORK/json" "$WORK/json.keep"
run diagnose -f json "$W" "$N" "$C" "$E"
cp "$WORK/out" "$WORK/json4"
run diagnose -f html "$W" "$N" "$C" "$E"
cp "$WORK/out" "$WORK/all.html"
for f in w all; do
    ok "html ($f): self-contained: no script, stylesheet link, image or frame" \
        sh -c "! grep -Eqi '<(script|link|img|iframe|object)\\b' '$WORK/$f.html'"
    ok "html ($f): no URL but the sources' links" \
        sh -c "! grep -Eo '(src|href)=\"[^\"]*\"' '$WORK/$f.html' | grep -v '^href=\"http'"
done
ok "html: the name with markup and the folder <i>evil</i> are escaped" \
    sh -c "grep -qF '=1+2&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;' '$WORK/all.html' && grep -qF '&lt;i&gt;evil&lt;/i&gt;' '$WORK/all.html' && ! grep -qF '<b>co' '$WORK/all.html' && ! grep -qF '<i>evil' '$WORK/all.html'"

. "$(dirname "$0")/lib_browser.sh"

# the 4-VM page
dom "$WORK/all.html" "$WORK/dom"
cp "$WORK/json4" "$WORK/json"
ok "DOM: the verdict first, then the diagnoses, then the findings" \
    pyj "r = dom(); s = [e.a['id'] for e in r.all() if e.a.get('id') in ('verdict', 'diagnoses', 'findings')]; ok(s == ['verdict', 'diagnoses', 'findings'])"
ok "DOM: one diagnosis section and one svg per VM (4), in the order given" \
    pyj "r = dom(); S = r.all('section', 'diagnosis'); ok(len(S) == 4 and [len(s.all('svg')) for s in S] == [1, 1, 1, 1] and len(r.all('svg')) == 4 and [s.a['data-vm'] for s in S] == [x['vm'] for x in j()['diagnoses']])"
ok "DOM: each svg has one node shape per tree node, in the walk's order of the file's ids" \
    pyj "r = dom(); D = j()['diagnoses']; ok(all([g.a['data-id'] for g in s.all('g', 'node')] == walk_order(x) and sorted(walk_order(x)) == sorted(ids) and all(len(g.all('rect', 'box')) == 1 for g in s.all('g', 'node')) for s, x in zip(r.all('svg'), D)))"
ok "DOM: each node shape carries its verdict (class, mark) as JSON says" \
    pyj "r = dom(); D = j()['diagnoses']; M = {'ok': '\u2714', 'problem': '\u2718', 'unknown': '?'}; ok(all(('verdict-' + n['verdict']) in g.cls() and g.all('text', 'mark')[0].text() == M[n['verdict']] for s, x in zip(r.all('svg'), D) for g, n in zip(s.all('g', 'node'), x['nodes'])))"
ok "DOM: the full question of the tree file is each node's tooltip (<title>)" \
    pyj "r = dom(); Q = dict(tree); ok(all(g.kids[0].tag == 'title' and Q[g.a['data-id']] in g.kids[0].text() for s in r.all('svg') for g in s.all('g', 'node')))"
ok "DOM: a long answer is cut with an ellipsis, a short one whole (JSON's answers)" \
    pyj "r = dom(); D = j()['diagnoses']; T = [(g.all('text', 'answer')[0].text(), n['answer']) for s, x in zip(r.all('svg'), D) for g, n in zip(s.all('g', 'node'), x['nodes'])]; ok(all(t == a or (t.endswith('\u2026') and a.startswith(t[:-1]) and len(t) < len(a)) for t, a in T) and any(t != a for t, a in T))"
ok "DOM: the nested VM's hw-virt is a problem, the clean VM has no problem shape" \
    pyj "r = dom(); S = r.all('svg'); ok([g.a['data-verdict'] for g in S[1].all('g', 'node') if g.a['data-id'] == 'hw-virt'] == ['problem'] and not S[2].all('g', 'verdict-problem'))"
ok "DOM: no evidence led anywhere without a stop code or console: no path drawn" \
    pyj "r = dom(); ok(not r.all('g', 'on-path') and not r.all('path', 'path') and not any(n['on_branch'] for x in j()['diagnoses'] for n in x['nodes']))"
ok "DOM: the markup name is text (heading and tooltip), no script or b element" \
    pyj "r = dom(); s = r.all('section', 'diagnosis')[3]; n = os.environ['EVIL_NAME']; ok(not r.all('script') and not r.all('b') and not r.all('i') and n in s.all('h3')[0].text() and n in s.all('svg')[0].kids[0].text())"
ok "DOM: node details (one per node) and the likely causes as JSON ranks them" \
    pyj "r = dom(); D = j()['diagnoses']; S = r.all('section', 'diagnosis'); ok(all([e.a['data-id'] for e in s.all('div', 'node-detail')] == [n['id'] for n in x['nodes']] and [li.a['data-node'] for o in s.all('ol', 'causes') for li in o.all('li')] == [c['node'] for c in x['causes']] for s, x in zip(S, D)))"
shot "$WORK/all.html" "$WORK/all.png"
printf '<!DOCTYPE html><html><body></body></html>' >"$WORK/blank.html"
shot "$WORK/blank.html" "$WORK/blank.png"
ok "screenshot: a 1200x1600 PNG, not blank ($(wc -c <"$WORK/all.png" 2>/dev/null) bytes vs $(wc -c <"$WORK/blank.png" 2>/dev/null) for an empty page)" \
    python3 -c "
import struct, sys
d = open('$WORK/all.png', 'rb').read()
b = open('$WORK/blank.png', 'rb').read()
sys.exit(0 if d[:8] == b'\x89PNG\r\n\x1a\n' and struct.unpack('>II', d[16:24]) == (1200, 1600) and len(d) > 10 * len(b) else 1)"

# the 0x7B page: the path
dom "$WORK/w.html" "$WORK/dom"
cp "$WORK/json7b" "$WORK/json"
ok "0x7B DOM: the problem node's box differs from an ok node's (class, stroke, fill, width)" \
    pyj "r = dom(); G = {g.a['data-id']: g for g in r.all('g', 'node')}; x = j()['diagnoses'][0]; V = {n['id']: n['verdict'] for n in x['nodes']}; p = [i for i in V if V[i] == 'problem' and i != 'stop-code'][0]; o = [i for i in V if V[i] == 'ok'][0]; bp, bo = G[p].all('rect', 'box')[0].a, G[o].all('rect', 'box')[0].a; ok('verdict-problem' in G[p].cls() and 'verdict-ok' in G[o].cls() and bp['stroke'] != bo['stroke'] and bp['fill'] != bo['fill'] and float(bp['stroke-width']) > float(bo['stroke-width']))"
ok "0x7B DOM: the highlighted path is stop-code and the nodes JSON says the evidence led to (storage among them)" \
    pyj "r = dom(); x = j()['diagnoses'][0]; led = {n['id'] for n in x['nodes'] if n['on_branch']}; P = {g.a['data-id'] for g in r.all('g', 'on-path')}; ok('storage' in led and P == {'stop-code'} | led)"
ok "0x7B DOM: one path edge from stop-code to each node led to, storage among them" \
    pyj "r = dom(); x = j()['diagnoses'][0]; led = {n['id'] for n in x['nodes'] if n['on_branch']}; E = [(e.a['data-from'], e.a['data-to']) for e in r.all('path', 'path')]; ok(sorted(E) == sorted(('stop-code', i) for i in led) and ('stop-code', 'storage') in E)"
ok "0x7B DOM: the walk's edges join consecutive nodes (one fewer than the nodes)" \
    pyj "r = dom(); x = j()['diagnoses'][0]; o = [n['id'] for n in x['nodes']]; ok([(e.a['data-from'], e.a['data-to']) for e in r.all('line', 'walk')] == list(zip(o, o[1:])))"
ok "0x7B DOM: the storage details hold its evidence and fix per tool in <pre> (JSON's fix)" \
    pyj "r = dom(); n = [n for n in j()['diagnoses'][0]['nodes'] if n['id'] == 'storage'][0]; e = [e for e in r.all('div', 'node-detail') if e.a['data-id'] == 'storage'][0]; pres = [p.text() for p in e.all('pre', 'fix')]; ok([li.text() for li in e.all('li')] == n['evidence'] and all(any(l in p for p in pres) for t in n['fix'].values() for l in t.split(chr(10))))"
ok "0x7B DOM: a legend names ok, problem and unknown with their marks" \
    pyj "r = dom(); t = r.all('g', 'legend')[0].text(); ok(all(s in t for s in ('\u2714 ok', '\u2718 problem', '? unknown')))"
shot "$WORK/w.html" "$WORK/w.png"
ok "0x7B screenshot: not blank" [ "$(wc -c <"$WORK/w.png")" -gt $(($(wc -c <"$WORK/blank.png") * 10)) ]

done_testing
