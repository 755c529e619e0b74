#!/bin/sh
# t-merge: `vmtriage merge` folds hosts' JSON reports into one fleet report.
# The reports are made here: the default run on the example bundle, then
# copies whose host name, build or findings python changes; every expected
# count is computed from those inputs, not copied from merge's output.
. "$(dirname "$0")/lib.sh"

cd "$(dirname "$0")/../.." || exit 1
"$VT" -f json -o "$WORK/h1.json" 2>/dev/null
ok "the example run writes a report to merge" [ -s "$WORK/h1.json" ]
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
d = json.load(open(w + '/h1.json'))
def save(name, x):
    json.dump(x, open(w + '/' + name, 'w'))
h2 = json.loads(json.dumps(d)); h2['hosts'][0]['name'] = 'esx02.lab.local'; h2['hosts'][0]['build'] = '2068190'
save('h2.json', h2)
# the same host (name and build) in another report, one finding fewer and its files elsewhere
h1b = json.loads(json.dumps(d)); h1b['findings'] = h1b['findings'][1:]
save('h1b.json', h1b)
# a host with only low findings
low = json.loads(json.dumps(d)); low['hosts'][0]['name'] = 'quiet'
low['findings'] = [f for f in low['findings'] if f['level'] in ('low', 'informational')]
low['crashes'] = []; low['hosts'][0]['crashes'] = 0
save('low.json', low)
PY
cp "$WORK/h1.json" "$WORK/h1-copy.json"
"$VT" scan examples/datastore -f json -o "$WORK/ds.json" 2>/dev/null

run merge -f json "$WORK/h1.json" "$WORK/h2.json" "$WORK/h1-copy.json" "$WORK/ds.json"
ok "merge: exit 2 (critical findings in the reports)" [ "$RC" -eq 2 ]
ok "merge -f json: schema 1, command merge" json "d['schema'] == 1 and d['command'] == 'merge'"
ok "merge: every host named once (the scan report as its file name)" \
    json "sorted(h['name'] for h in d['hosts']) == ['ds', 'esx01.lab.local', 'esx02.lab.local']"
ok "merge: the byte-identical copy is one duplicate, counted once" \
    json "d['summary']['duplicates'] == 1 and [r['duplicate_of'] for r in d['reports'] if r['path'].endswith('h1-copy.json')] == ['$WORK/h1.json']"
python3 - "$WORK" >"$WORK/expect" <<'PY'
import json, sys
w = sys.argv[1]
rs = [json.load(open(w + '/' + n)) for n in ('h1.json', 'h2.json', 'ds.json')]
fs = [f for r in rs for f in r['findings']]
print(len(fs))
print(sum(1 for f in fs if f['rule'] == 'vmx-e1000-rss-guest'))
print(sum(len(r.get('crashes', [])) for r in rs))
print(len(rs[0]['findings']))
print(len({f['subject'] for f in rs[0]['findings'] if f['name'] and f['level'] in ('medium', 'high', 'critical')}))
PY
{ read -r nf; read -r nrss; read -r ncr; read -r nh1; read -r risk1; } <"$WORK/expect"
ok "merge: findings = those of the three distinct reports ($nf)" json "d['summary']['findings'] == $nf"
ok "merge: vmx-e1000-rss-guest counts its VMs ($nrss) and hosts (3)" \
    json "[(r['vms'], r['hosts']) for r in d['rules'] if r['rule'] == 'vmx-e1000-rss-guest'] == [($nrss, 3)]"
ok "merge: the rule's line says 'KB 2059053: $nrss VMs on 3 hosts'" \
    json "[r['spread'] for r in d['rules'] if r['rule'] == 'vmx-e1000-rss-guest'] == ['KB 2059053: $nrss VMs on 3 hosts']"
ok "merge: crashes summed over hosts ($ncr)" json "d['summary']['crashes'] == $ncr"
ok "merge: esx01's row: its findings ($nh1), VMs at risk ($risk1), worst critical, build" \
    json "[(h['findings'], h['vms_at_risk'], h['worst'], h['build']) for h in d['hosts'] if h['name'] == 'esx01.lab.local'] == [($nh1, $risk1, 'critical', '1331820')]"
ok "merge: esx02 keeps its own build" json "[h['build'] for h in d['hosts'] if h['name'] == 'esx02.lab.local'] == ['2068190']"

# the same host in two reports of different bytes: one row, findings not counted twice
run merge -f json "$WORK/h1.json" "$WORK/h1b.json"
ok "merge: the same host in two reports is one row read from 2 reports" \
    json "len(d['hosts']) == 1 and d['hosts'][0]['reports'] == 2 and d['summary']['duplicates'] == 0"
ok "merge: ... and its findings are the union ($nh1), not the sum" json "d['summary']['findings'] == $nh1"

# a folder of reports; the exit status follows the worst finding
mkdir "$WORK/dir"
cp "$WORK/low.json" "$WORK/dir/"
echo "not a report" >"$WORK/dir/notes.txt"
run merge "$WORK/dir"
ok "merge DIR: its *.json only; low findings: exit 0" [ "$RC" -eq 0 ]
ok "merge DIR: the text names the host" grep -q '^  quiet ' "$WORK/out"
run merge --min-severity medium -f json "$WORK/dir"
ok "merge --min-severity medium: no finding left" json "d['summary']['findings'] == 0 and d['rules'] == []"

# the other formats
run merge -f csv "$WORK/h1.json" "$WORK/h2.json"
ok "merge -f csv: a header and a row per host and per rule" python3 -c "
import csv, json
rows = list(csv.DictReader(open('$WORK/out', newline='')))
rules = {f['rule'] for n in ('h1', 'h2') for f in json.load(open('$WORK/' + n + '.json'))['findings']}
hosts = sorted(r['name'] for r in rows if r['section'] == 'host')
assert hosts == ['esx01.lab.local', 'esx02.lab.local'], hosts
assert {r['name'] for r in rows if r['section'] == 'rule'} == rules
"
run merge -f html "$WORK/h1.json" "$WORK/h2.json"
ok "merge -f html: a page with the hosts table naming both hosts" \
    sh -c "grep -q '<section id=\"hosts\">' '$WORK/out' && grep -q '<td>esx01.lab.local</td>' '$WORK/out' && grep -q '<td>esx02.lab.local</td>' '$WORK/out'"
ok "merge -f html: the verdict is CRITICAL" grep -q 'class="state-CRITICAL"' "$WORK/out"
run merge -f nagios "$WORK/h1.json" "$WORK/h2.json"
ok "merge -f nagios: the status line and perfdata" \
    sh -c "[ $RC -eq 2 ] && head -n 1 '$WORK/out' | grep -q '^VMTRIAGE CRITICAL - merge: 2 hosts, .* | hosts=2;;;0; '"
run merge "$WORK/h1.json"
ok "merge text: the rule line" grep -q 'KB 2059053: 1 crash on 1 host' "$WORK/out"

# a report's own input errors make the merge exit 3 when nothing is critical
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
d = json.load(open(w + '/low.json'))
d['errors'] = [{'path': 'var/run/log/vmkernel.log', 'line': 0, 'severity': 'error', 'message': 'cannot read'}]
json.dump(d, open(w + '/err.json', 'w'))
PY
run merge -f json "$WORK/err.json"
ok "merge: a report's input error: exit 3, kept in errors" \
    sh -c "[ $RC -eq 3 ] && python3 -c \"import json; d=json.load(open('$WORK/out')); assert d['errors'][0]['message'] == 'cannot read'\""

done_testing
