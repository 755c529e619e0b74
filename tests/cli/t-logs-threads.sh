#!/bin/sh
# t-logs-threads: `vmtriage logs` gives the same report whatever the threads.
#
# With more than one thread, worker threads read whole 1 MiB blocks of a log
# ahead of the reading thread: they search them, read the matching lines as
# records, run the rules and fold the matches into per-block findings that
# the reading thread joins in block order. Everything that can differ
# between one thread and many is built into the logs below, across block
# boundaries: the first and last time of a finding, the earliest examples
# (with equal times in different blocks), the 32 names a finding lists and
# the count of the others, lines without a time far below the last timed
# line, two records on one line, purple screens in the middle of blocks (the
# crash decoder stays on the reading thread), a time window, a vmware.log
# (its VM), and the match-dense noise profile of bench/gen_vmkernel.c.
# Expected values come from the inputs this script writes (their counts),
# and -j 1 is the reference for the rest; peak RSS stays under 64 MB at any -j.
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
# -j is capped at the cores online; the tests ask for up to 16 threads anyway
export VMTRIAGE_CORES=16

IN=$WORK/in # the logs only: the reports go beside it
python3 - "$IN" <<'PY'
import os, sys
work = sys.argv[1]
os.makedirs(work + "/vm7", exist_ok=True)

def ts(sec, ms=0):
    d, s = divmod(sec, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return "2024-05-%02dT%02d:%02d:%02d.%03dZ" % (1 + d, h, m, s, ms)

filler = ("cpu%d:20%05d)World: 12077: VC opID abcdef%02d-01 maps to vmkernel opID %08x "
          "padding text so that a block holds a few thousand lines")
counts = {"benign": 0, "repeated": 0, "untimed": 0}
out = []
sec = 0
dev_round = 0
for i in range(60000):
    if i % 7 == 0:
        sec += 1
    t = ts(sec, (i * 37) % 1000) if i % 11 else ts(sec)  # equal times now and then
    k = i % 13
    if k == 3:
        # devices rotate through a set that grows with the blocks up to 48
        # names: which 32 a finding lists depends on the blocks before
        dev = "naa.6000c29%025x" % ((i // 13 * 7) % min(48, 5 + i // 1500))
        out.append("%s cpu%d:2097%03d)ScsiDeviceIO: 4131: Cmd(0x45d9%08x) 0x85, CmdSN 0x%x from world "
                   "2099867 to dev \"%s\" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x20 0x0"
                   % (t, i % 48, i % 1000, i, i % 4096, dev))
        counts["benign"] += 1
    elif k == 8:
        dev = "naa.600a0980%024x" % ((i * 7) % 41)
        out.append("%s cpu%d:2098575)NMP: nmp_ThrottleLogForDevice:3825: last error status from device "
                   "%s repeated %d times" % (t, i % 48, dev, 10 << (i % 4)))
        counts["repeated"] += 1
    elif k == 10 and i % 3 == 0:
        # two records on one line (a line joined by a collector)
        dev = "naa.6000c29%025x" % (i % 5)
        out.append("%s cpu1:2097000)ScsiDeviceIO: 4131: Cmd(0x45d9) 0x12, CmdSN 0x1 from world 0 to dev "
                   "\"%s\" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x24 0x0. %s cpu2:2097001)NMP: "
                   "nmp_ThrottleLogForDevice:3825: last error status from device %s repeated 10 times"
                   % (t, dev, ts(sec, 999), dev))
        counts["benign"] += 1
        counts["repeated"] += 1
    else:
        out.append(t + " " + filler % (i % 48, i % 100000, i % 100, i * 2654435761 % 2**32))
    if i in (9000, 31000):
        # more than 256 lines without a time, then matching lines without one:
        # they take the time of the last timed line above them
        for j in range(300):
            out.append("    continuation text of a multi-line message, line %d" % j)
        for j in range(3):
            out.append("ScsiDeviceIO: Cmd 0x85 to dev \"naa.6000c29%025x\" failed H:0x0 D:0x2 P:0x0 "
                       "Valid sense data: 0x5 0x20 0x0" % (60 + j))
            counts["benign"] += 1
            counts["untimed"] += 1
    if i in (20000, 38000, 50000):
        # the clock stepped back (NTP): lines earlier than the first block's,
        # some at the very time of the first lines, belong first among the examples
        for j in range(3):
            back = "2024-04-30T23:59:5%d.000Z" % j if i != 38000 else ts(0)
            out.append("%s cpu3:2097%03d)ScsiDeviceIO: 4131: Cmd(0x45d9) 0x85, CmdSN 0x%x from world 1 to dev "
                       "\"naa.6000c29%025x\" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x20 0x0"
                       % (back, i % 1000, j, 70 + j))
            counts["benign"] += 1
    if i in (15000, 42000):
        # a purple screen in vmkernel-log form, mid-block
        c = "%s cpu21:2145924)" % t
        out.append(c + "@BlueScreen: #PF Exception 14 in world 2145924:vmm2:mail-gw15 IP 0x42002389d61b addr 0x100")
        out.append(c + "PTEs:0x600eeb0027;0xfc52d3027;0x0;")
        out.append(c + "Code start: 0x420023700000 VMK uptime: 6:03:11:38.317")
        for f, off in (("E1000PollRxRing", 0xdb9), ("E1000DevRx", 0x18a), ("IOChain_Resume", 0x247),
                       ("PortOutput", 0xe3)):
            out.append(c + "0x45462ac67590:[0x42002389d61b]%s@vmkernel#nover+0x%x stack: 0x45462ac67630" % (f, off))
        # a matching line inside the crash's lines: read by the crash decoder's thread
        out.append(c + "ScsiDeviceIO: 4131: Cmd(0x45d9) 0x85, CmdSN 0x6 from world 1 to dev "
                   "\"naa.6000c29%025x\" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x20 0x0" % 99)
        counts["benign"] += 1
        out.append(c + "base fs=0x0 gs=0x42004a400000 Kgs=0x0")
        out.append(c + "Coredump to disk. Slot 1 of 1 on device mpx.vmhba32:C0:T0:L0:9.")
open(work + "/vmkernel.log", "w").write("\n".join(out) + "\n")
open(work + "/../counts", "w").write("%d %d %d\n" % (counts["benign"], counts["repeated"], counts["untimed"]))

# a VM's vmware.log: its findings are named after the VM folder
vm = []
for i in range(40000):
    t = "2024-05-02T%02d:%02d:%02d.%03dZ" % ((i // 3600) % 24, (i // 60) % 60, i % 60, i % 1000)
    if i % 9 == 4:
        vm.append(t + " In(05) vcpu-0 - E1000: failed to init MAC backend, padding text to fill the block up")
    else:
        vm.append(t + " In(05) vmx - VMXVmdb_LoadRawConfig: padding line %d of a vmware.log that goes on" % i)
open(work + "/vm7/vmware.log", "w").write("\n".join(vm) + "\n")
PY
ok "the inputs are several blocks long" \
    sh -c "[ \$(wc -c <'$IN/vmkernel.log') -gt 5000000 ] && [ \$(wc -c <'$IN/vm7/vmware.log') -gt 3000000 ]"
read -r BENIGN REPEATED UNTIMED <"$WORK/counts"

# Each form against -j 1, byte for byte.
same_for_threads() { # LABEL ARGS...
    label=$1
    shift
    "$VT" logs -j 1 "$@" >"$WORK/ref" 2>"$WORK/ref.err"
    ref_rc=$?
    for j in 2 3 4 8 16; do
        "$VT" logs -j "$j" "$@" >"$WORK/got" 2>"$WORK/got.err"
        ok "$label: -j $j gives what -j 1 gives (exit $ref_rc)" \
            sh -c "[ $? -eq $ref_rc ] && cmp -s '$WORK/ref' '$WORK/got' && cmp -s '$WORK/ref.err' '$WORK/got.err'"
    done
}
same_for_threads "vmkernel.log, JSON, 5 examples" --format json --examples 5 "$IN/vmkernel.log"
same_for_threads "vmkernel.log, text" "$IN/vmkernel.log"
same_for_threads "with a time window" --format json --since 2024-05-01T03:00:00Z \
    --until 2024-05-01T09:00:00Z "$IN/vmkernel.log"
same_for_threads "vmware.log and vmkernel.log in one folder walk" --format json "$IN"

"$VT" logs -j 4 --format json --examples 5 "$IN/vmkernel.log" >"$WORK/j4.json" 2>/dev/null
ok "-j 4: the counts are the lines written (sense $BENIGN, repeated $REPEATED)" python3 -c "
import json
d = json.load(open('$WORK/j4.json'))
got = {f['rule']: f.get('count') for f in d['findings']}
raise SystemExit(0 if got.get('log-scsi-sense-benign') == $BENIGN and got.get('log-kb-nmp-error-repeated') == $REPEATED else 1)"
ok "-j 4: two purple screens decoded" python3 -c "
import json
d = json.load(open('$WORK/j4.json'))
raise SystemExit(0 if len(d['crashes']) == 2 else 1)"
ok "-j 4: 32 devices listed and the other lines counted" python3 -c "
import json
d = json.load(open('$WORK/j4.json'))
f = [f for f in d['findings'] if f['rule'] == 'log-scsi-sense-benign'][0]
inv = f['involved']['devices']
names = inv['names'] if isinstance(inv, dict) else inv
raise SystemExit(0 if len(names) == 32 and len(set(names)) == 32 else 1)"
ok "-j 4: the earliest examples are the lines written when the clock stepped back" python3 -c "
import json
d = json.load(open('$WORK/j4.json'))
f = [f for f in d['findings'] if f['rule'] == 'log-scsi-sense-benign'][0]
ev = [(e['text'][:24], e['line']) for e in f['evidence']]
t = [x[0][17:19] for x in ev]
# written twice (two blocks): equal times keep the order of the lines
raise SystemExit(0 if t == ['50', '50', '51', '51', '52'] and ev[0][1] < ev[1][1] and ev[2][1] < ev[3][1] else 1)"
ok "-j 4: lines without a time take the last time above them (none untimed)" python3 -c "
import json
d = json.load(open('$WORK/j4.json'))
f = [f for f in d['findings'] if f['rule'] == 'log-scsi-sense-benign'][0]
raise SystemExit(0 if f.get('first') and f.get('last') else 1)"

# A line longer than a block is named by its own number, whatever was read ahead.
python3 -c "
out = open('$WORK/long.log', 'w')
for i in range(20000):
    out.write('2024-03-04T05:06:07.123Z cpu1:2097001)World: filler line %d padding padding padding\\n' % i)
out.write('2024-03-04T05:06:07.123Z cpu1:2097001)' + 'x' * 1300000 + '\\n')
out.write('2024-03-04T05:06:08.123Z cpu1:2097001)end\\n')
"
for j in 1 4; do
    "$VT" logs -j "$j" "$WORK/long.log" >/dev/null 2>"$WORK/long.err"
    ok "-j $j: the long line is named as line 20001" grep -q 'long.log:20001: note: line is longer than' "$WORK/long.err"
done

# The noise profile (a quarter of the lines match benign rules): counts = the
# generator's manifest at any -j, and peak RSS under 64 MB at -j 16.
$CC -O2 -std=c11 -o "$WORK/gen" bench/gen_vmkernel.c
ok "generator builds" [ -x "$WORK/gen" ]
"$WORK/gen" -n 25 -o "$WORK/noise.log" 48 3 "$WORK/noise.tsv" 2>/dev/null
ok "noise profile: about a quarter of the lines are matches" python3 -c "
m = {r.split('\t')[0]: r.split('\t')[1] for r in open('$WORK/noise.tsv') if not r.startswith('#')}
ev = sum(int(v) for k, v in m.items() if k.startswith('log-') or k == 'crash')
raise SystemExit(0 if 0.22 < ev / int(m['lines']) < 0.28 else 1)"
for j in 1 4 16; do
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$WORK/rss.$j" "$VT" logs -j "$j" --format json "$WORK/noise.log" >"$WORK/noise.$j" 2>/dev/null
    else
        "$VT" logs -j "$j" --format json "$WORK/noise.log" >"$WORK/noise.$j" 2>/dev/null
    fi
    ok "noise profile, -j $j: every count = the manifest's" python3 -c "
import json
d = json.load(open('$WORK/noise.$j'))
m = {r.split('\t')[0]: int(r.split('\t')[1]) for r in open('$WORK/noise.tsv') if not r.startswith('#')}
got = {f['rule']: f['count'] for f in d['findings'] if 'count' in f}
want = {k: v for k, v in m.items() if k.startswith('log-')}
bad = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
raise SystemExit(0 if not bad and len(d['crashes']) == m['crash'] else 1)"
done
ok "noise profile: -j 4 and -j 16 give what -j 1 gives" \
    sh -c "cmp -s '$WORK/noise.1' '$WORK/noise.4' && cmp -s '$WORK/noise.1' '$WORK/noise.16'"
if [ -x /usr/bin/time ] && [ -z "${VT_ASAN:-}" ]; then
    ok "noise profile, -j 16: peak RSS $(tail -n 1 "$WORK/rss.16") KB <= 65536 KB" \
        [ "$(tail -n 1 "$WORK/rss.16" | tr -cd 0-9)" -le 65536 ]
else
    skip "peak RSS at -j 16 (no /usr/bin/time, or under ASan)"
fi
done_testing
