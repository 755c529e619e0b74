#!/bin/sh
# t-logs-stream: a large vmkernel.log streamed through `vmtriage logs -` in
# bounded memory. bench/gen_vmkernel.c writes the log to a pipe (nothing on
# disk) together with a manifest of its events; vmtriage's counts must equal
# the manifest's and its peak RSS must stay under the issue's 64 MB whatever
# the size. VT_STREAM_MB sets the size (default 2048 = 2 GiB; under ASan the
# suite passes 512 because the sanitizer is slower, and the RSS bound then
# allows for ASan's shadow memory and quarantine).
. "$(dirname "$0")/lib.sh"
MB=${VT_STREAM_MB:-2048}
LIMIT_KB=${VT_STREAM_RSS_KB:-65536}
CC=${CC:-cc}
$CC -O2 -std=c11 -o "$WORK/gen" bench/gen_vmkernel.c
ok "generator builds" [ -x "$WORK/gen" ]

python3 - "$WORK/gen" "$MB" "$WORK/manifest.tsv" "$VT" "$WORK/out" "$WORK/rss" <<'PY'
import resource, subprocess, sys
gen, mb, manifest, vt, out, rss = sys.argv[1:]
g = subprocess.Popen([gen, mb, "1", manifest], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
with open(out, "w") as fp:
    v = subprocess.run([vt, "logs", "--format", "json", "-"], stdin=g.stdout, stdout=fp)
g.stdout.close()
g.wait()
# ru_maxrss of the children: the generator's is small (one 1 MiB buffer)
open(rss, "w").write("%d %d %d\n" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, v.returncode, g.returncode))
PY
read -r rss rc grc <"$WORK/rss"
ok "$MB MiB streamed: vmtriage ran (exit $rc, not 3), generator ok" sh -c "[ $rc -ne 3 ] && [ $grc -eq 0 ]"
ok "$MB MiB streamed: peak RSS ${rss} KB <= $LIMIT_KB KB" [ "$rss" -le "$LIMIT_KB" ]
ok "bytes read = the manifest's" python3 -c "
import json
d = json.load(open('$WORK/out'))
m = {r.split('\t')[0]: r.split('\t')[1] for r in open('$WORK/manifest.tsv') if not r.startswith('#')}
raise SystemExit(0 if d['summary']['bytes'] == int(m['bytes']) and d['summary']['lines'] == int(m['lines']) else 1)"
ok "every event count = the manifest's, one crash" python3 -c "
import json
d = json.load(open('$WORK/out'))
m = {r.split('\t')[0]: int(r.split('\t')[1]) for r in open('$WORK/manifest.tsv') if not r.startswith('#')}
got = {f['rule']: f['count'] for f in d['findings'] if 'count' in f}
want = {k: v for k, v in m.items() if k.startswith('log-')}
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
extra = set(got) - set(want)
if bad or extra or len(d['crashes']) != m['crash']:
    print('mismatch', bad, extra, len(d['crashes'])); raise SystemExit(1)"
done_testing
