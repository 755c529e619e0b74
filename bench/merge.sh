#!/bin/sh
# bench/merge.sh: `vmtriage merge` of 1,000 hosts' JSON reports, time and
# peak memory (/usr/bin/time -v). Not a timed test: the numbers go to the
# README and bench/README.md.
#
#   sh bench/merge.sh
#
# Environment: BENCH_HOSTS=1000, BENCH_VMS=20 (VMs per host: the example
# host's four VMs repeated, with their findings), BENCH_ROUNDS=3,
# VMTRIAGE=build/vmtriage. Each report is the default run's report on the
# example bundle (examples/bundle) with the host's name, its build (one of
# four) and its VMs' paths varied; every 10th host's report is written
# twice under another name (a duplicate merge must count once). The merged
# counts are checked against what the generator wrote. Results also go to
# bench/out/merge-results.txt. Exit 1 when a check fails.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
OUT=$ROOT/bench/out
N=${BENCH_HOSTS:-1000}
VMS=${BENCH_VMS:-20}
R=${BENCH_ROUNDS:-3}
BIN=${VMTRIAGE:-build/vmtriage}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || die "no $BIN (run make)"
[ -x /usr/bin/time ] || die "no /usr/bin/time (apt-get install time)"
mkdir -p "$OUT"
W=$OUT/merge
rm -rf "$W"
mkdir -p "$W/reports"
"$BIN" -f json -o "$W/example.json" 2>/dev/null || [ $? -le 2 ] || die "the example run failed"
python3 - "$W" "$N" "$VMS" <<'PY'
import json, sys, copy
w, n, vms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = json.load(open(w + '/example.json'))
builds = ['1331820', '1474528', '2068190', '3248547']
vm_findings = [f for f in base['findings'] if f['name']]
other = [f for f in base['findings'] if not f['name']]
expect = {'hosts': n, 'findings': 0, 'duplicates': 0, 'reports': 0}
for h in range(n):
    name = 'esx%04d.fleet.example' % h
    d = copy.deepcopy(base)
    d['hosts'][0]['name'] = name
    d['hosts'][0]['build'] = builds[h % 4]
    bundle = d['hosts'][0]['bundle']
    vm_list, fs = [], []
    for k in range(vms):
        src = base['vms'][k % len(base['vms'])]
        v = copy.deepcopy(src)
        v['path'] = src['path'].replace('.vmx', '-%d.vmx' % k)
        v['name'] = (src['name'] or 'vm') + '-%d' % k
        vm_list.append(v)
        for f in vm_findings:
            if f['subject'] == src['path']:
                g = copy.deepcopy(f)
                g['subject'] = v['path']
                g['name'] = v['name']
                fs.append(g)
    d['vms'] = vm_list
    d['findings'] = fs + copy.deepcopy(other)
    d['summary']['vms'] = len(vm_list)
    d['summary']['findings'] = len(d['findings'])
    s = json.dumps(d, indent=1)
    open('%s/reports/%s.json' % (w, name), 'w').write(s)
    expect['findings'] += len(d['findings'])
    expect['reports'] += 1
    if h % 10 == 0:
        open('%s/reports/%s-again.json' % (w, name), 'w').write(s)
        expect['duplicates'] += 1
        expect['reports'] += 1
json.dump(expect, open(w + '/expect.json', 'w'))
PY
bytes=$(cat "$W"/reports/*.json | wc -c)
files=$(ls "$W/reports" | wc -l)
echo "bench: $files reports, $((bytes / 1024 / 1024)) MiB, $VMS VMs per host" | tee "$OUT/merge-results.txt"
best=
for i in $(seq 1 "$R"); do
    sync
    /usr/bin/time -v "$BIN" merge -f json -o "$W/merged.json" "$W/reports" 2>"$W/time.txt" || [ $? -le 2 ] ||
        die "merge failed: $(cat "$W/time.txt")"
    s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$W/time.txt" | awk -F: '{print $(NF-1) * 60 + $NF}')
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time.txt")
    echo "bench: round $i: merge ${s} s, peak RSS ${kb} KB" | tee -a "$OUT/merge-results.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; bestkb=$kb; fi
done
python3 - "$W" <<'PY' || die "the merged counts do not match the generated reports"
import json, sys
w = sys.argv[1]
e = json.load(open(w + '/expect.json'))
d = json.load(open(w + '/merged.json'))
s = d['summary']
assert (s['hosts'], s['findings'], s['duplicates'], s['reports']) == \
       (e['hosts'], e['findings'], e['duplicates'], e['reports']), (s, e)
PY
echo "bench: merge of $files reports ($((bytes / 1024 / 1024)) MiB): best ${best} s, peak RSS ${bestkb} KB; counts checked" |
    tee -a "$OUT/merge-results.txt"
