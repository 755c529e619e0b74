#!/bin/sh
# t-logs: `vmtriage logs` end to end on the shared corpus's host and VM logs:
# the format each file is recognised as (from PROVENANCE.tsv's kind column),
# the events each holds (counted here from the file's own text with grep),
# gzip input equal to plain, several files merged in time order, the
# --since/--until window, standard input, the seed's crash inside a
# vmkernel log, and bad input (exit 3 naming the file).
. "$(dirname "$0")/lib.sh"
ESXI=$SHARED/corpus/esxi

# count RULE: the finding's count for RULE in $WORK/out (0 when none)
count() {
    python3 -c "import json; d=json.load(open('$WORK/out')); print(sum(f.get('count', 0) for f in d['findings'] if f['rule'] == '$1'))"
}
expect() { # expect FILE RULE N DESC
    c=$(count "$2")
    ok "$(basename "$1"): $2 = $3 ($4)" [ "$c" = "$3" ]
}

if have_shared "$ESXI/PROVENANCE.tsv" "corpus/esxi logs: formats, events, gzip, merge, window, stdin"; then
# ---------------------------------------------------------------- formats
# PROVENANCE kind "vmkernel.log (...)" -> a vmkernel format, "hostd.log" -> hostd,
# "vmware.log" -> vmx, "vobd.log" -> vobd (7.0) or the 8.0 syslog header.
while IFS="$(printf '\t')" read -r file source kind cause; do
    case $kind in
    vmkernel.log*) want="vmkernel syslog8 uptime esx-classic" ;;
    hostd.log*) want="hostd-4 hostd-5 hostd-6 syslog8" ;;
    vmware.log*) want="vmx" ;;
    vobd.log*) want="vobd-7 syslog8" ;;
    *) continue ;;
    esac
    # a KB excerpt of bare messages (no line starts with a time) has no prefix to recognise
    grep -q -E '^[[:space:]]*([0-9]{4}-|\[|[0-9]+:|[A-Z][a-z]{2} )' "$ESXI/$file" || want="$want unknown"
    run logs --format json "$ESXI/$file"
    fmt=$(python3 -c "import json; print(json.load(open('$WORK/out'))['files'][0]['format'])" 2>/dev/null)
    ok "$file: read (exit $RC, not 3)" [ "$RC" -ne 3 ]
    case " $want " in
    *" $fmt "*) ok "$file: $kind -> format $fmt" true ;;
    *) ok "$file: $kind -> format one of '$want' (got '$fmt')" false ;;
    esac
done <"$ESXI/PROVENANCE.tsv"

# ---------------------------------------------------------------- events
f=$ESXI/005.txt # Emulex CNA: H:0xb requeues and HBX heartbeat timeouts (PROVENANCE)
run logs --format json "$f"
expect "$f" log-scsi-host-error "$(grep -c 'H:0x[1-9a-f]' "$f")" "lines with a non-zero H: status"
expect "$f" log-vmfs-heartbeat-timeout "$(grep -c -E 'HBX: [0-9]+: (Waiting for|Reclaiming) timed out' "$f")" "HBX timeouts"
ok "005: the device and path are involved" json "any('naa.xxx' in f['involved']['devices'] and 'vmhba2:C0:T0:L6' in f['involved']['paths'] for f in d['findings'] if f['rule'] == 'log-scsi-host-error')"
ok "005: the datastore is involved" json "any('Datastore' in f['involved']['datastores'] for f in d['findings'] if f['rule'] == 'log-vmfs-heartbeat-timeout')"
first=$(grep -m1 -o '20[0-9-]*T[0-9:.]*Z cpu[0-9]*:[0-9]*)[^ ]* [^ ]*.*H:0x[1-9a-f]' "$f" | cut -c1-24)
ok "005: first H: error at $first" json "[f['first'] for f in d['findings'] if f['rule'] == 'log-scsi-host-error'] == ['$first']"
ok "005: example lines carry file:line and time" json "all(e['path'].endswith('005.txt') and e['line'] > 0 and e['time'] for f in d['findings'] for e in f['evidence'])"
ok "005: at most 5 examples" json "all(len(f['evidence']) <= 5 for f in d['findings'])"
ok "005: timeline counts per hour sum to the matches" json "sum(t['count'] for t in d['timeline']) == sum(f['count'] for f in d['findings'])"

f=$ESXI/004.txt # Intel I219: ne1000 false RX hang, e1000e NETDEV watchdog (PROVENANCE)
run logs --format json "$f"
expect "$f" log-nic-watchdog "$(grep -c -E 'NETDEV WATCHDOG: .*transmit timed out|Detected Hardware Unit Hang|Reset adapter unexpectedly' "$f")" "watchdog and resets"
expect "$f" log-ne1000-false-rx-hang "$(grep -c 'false RX hang detected' "$f")" "false RX hang"
ok "004: vmnic0 involved" json "any('vmnic0' in f['involved']['nics'] for f in d['findings'] if f['rule'] == 'log-nic-watchdog')"
ok "004: the WARN backtrace is non-fatal, no crash" json "len(d['crashes']) == 0 and len(d['backtraces']) == 1"

f=$ESXI/044.txt # iSCSI paths removed (PROVENANCE)
run logs --format json "$f"
expect "$f" log-path-removed "$(grep -c -E 'is being removed|Remove path: vmhba' "$f")" "path removals"

f=$ESXI/049.txt # write-quiesced partition, several records run together per line
run logs --format json "$f"
expect "$f" log-write-quiesced "$(grep -o 'write command to write-quiesced partition' "$f" | wc -l | tr -d ' ')" "each record of run-together lines"
expect "$f" log-scsi-host-error "$(grep -o 'H:0x[1-9a-f]' "$f" | wc -l | tr -d ' ')" "each record of run-together lines"

f=$ESXI/052.txt # KB 289902 sense examples
run logs --format json "$f"
expect "$f" log-scsi-host-error "$(grep -o 'H:0x[1-9a-f]' "$f" | wc -l | tr -d ' ')" "H:0x8, H:0x5, H:0x2"
expect "$f" log-scsi-sense-benign "$(grep -o 'sense data: 0x5 0x24 0x0' "$f" | wc -l | tr -d ' ')" "0x5 0x24 0x0 is benign (kb §4.1)"
expect "$f" log-scsi-check-condition "$(grep -o 'Valid sense data: 0x2 0x4 0x3' "$f" | wc -l | tr -d ' ')" "NOT READY, manual intervention"

f=$ESXI/006.txt
run logs --format json "$f"
expect "$f" log-scsi-latency "$(grep -c 'performance has deteriorated' "$f")" "latency warnings"
f=$ESXI/023.txt # KB 394262 heartbeat warnings
run logs --format json "$f"
expect "$f" log-pcpu-heartbeat-lockup "$(grep -c "didn't have a heartbeat" "$f")" "PCPU heartbeat warnings"
f=$ESXI/048.txt # ramdisk root full (PROVENANCE)
run logs --format json "$f"
expect "$f" log-ramdisk-root-full "$(grep -c "file table of the ramdisk 'root' is full" "$f")" "ramdisk full"
f=$ESXI/029.txt # KB 417157: fastslab admission failures before the PSOD
run logs --format json "$f"
expect "$f" log-vmxnet3-fastslab-admission "$(grep -c -E 'Admission failure in path: host:system:net:vmxnet3Fastslab-|vmxnet3Fastslab-[^ ]+ \([0-9]+\) requires [0-9]+ KB' "$f")" "admission failures"
ok "029: and its purple screen" json "len(d['crashes']) == 1"

f=$ESXI/042.txt # packer#1334: E1000 failed to init MAC backend
run logs --format json "$f"
expect "$f" log-vm-e1000-mac-backend 1 "PROVENANCE: power-on aborted by E1000 MAC backend"
ok "042: a vmware.log finding is named after the VM's folder" json "all(f['name'] == 'esxi' for f in d['findings'])"

# ---------------------------------------------------------------- gzip, merge, window, stdin
gzip -c "$ESXI/005.txt" >"$WORK/vmkernel.0.gz"
run logs --format json "$ESXI/005.txt"
cp "$WORK/out" "$WORK/plain.json"
run logs --format json "$WORK/vmkernel.0.gz"
ok "gzip: recognised by content" json "d['files'][0]['gzip'] is True"
ok "gzip: same counts as plain" python3 -c "
import json
a = json.load(open('$WORK/plain.json')); b = json.load(open('$WORK/out'))
k = lambda d: sorted((f['rule'], f['count'], f['first'], f['last']) for f in d['findings'])
raise SystemExit(0 if k(a) == k(b) else 1)"
head -c 300 "$WORK/vmkernel.0.gz" >"$WORK/cut.gz"
run logs "$WORK/cut.gz"
ok "truncated gzip: exit 3" [ "$RC" -eq 3 ]
ok "truncated gzip: one line naming the file and the byte" grep -q "cut.gz: truncated gzip stream: the file ends at byte 300" "$WORK/err"

# 049 (2012-11-12) named first, 005 (2012-11-01) second: examples are in time order
run logs --format json "$ESXI/049.txt" "$ESXI/005.txt"
ok "merge: one host-error finding for the folder" json "len([f for f in d['findings'] if f['rule'] == 'log-scsi-host-error']) == 1"
ok "merge: examples in time order across files" json "[e['time'] for f in d['findings'] if f['rule'] == 'log-scsi-host-error' for e in f['evidence']] == sorted(e['time'] for f in d['findings'] if f['rule'] == 'log-scsi-host-error' for e in f['evidence'])"
ok "merge: the earliest example is from 005" json "[f['evidence'][0]['path'] for f in d['findings'] if f['rule'] == 'log-scsi-host-error'][0].endswith('005.txt')"
run logs --format json --since 2012-11-10 "$ESXI/049.txt" "$ESXI/005.txt"
ok "--since: 005's heartbeat timeouts (2012-11-01) left out" json "not any(f['rule'] == 'log-vmfs-heartbeat-timeout' for f in d['findings'])"
ok "--since: 049's write-quiesced lines kept" json "any(f['rule'] == 'log-write-quiesced' for f in d['findings'])"
run logs --format json --until 2012-11-01T04:12:01Z "$ESXI/005.txt"
ok "--until: only the lines before 04:12:01" json "[f['count'] for f in d['findings'] if f['rule'] == 'log-scsi-host-error'] == [$(grep -c '04:12:00\..*H:0x[1-9a-f]' "$ESXI/005.txt")]"
run logs --since yesterday "$ESXI/005.txt"
ok "--since takes a time: exit 3 otherwise" [ "$RC" -eq 3 ]

run logs --format json - <"$ESXI/005.txt"
ok "stdin: same counts" python3 -c "
import json
a = json.load(open('$WORK/plain.json')); b = json.load(open('$WORK/out'))
k = lambda d: sorted((f['rule'], f['count']) for f in d['findings'])
raise SystemExit(0 if k(a) == k(b) else 1)"

fi # corpus/esxi

# ---------------------------------------------------------------- the seed's crash in a vmkernel log
run logs --format json examples/psod
ok "example vmkernel log: the e1000 crash (KB 2059053)" json "len(d['crashes']) == 1 and any('VMware KB 2059053' in f['references'] for f in d['findings'])"
ok "example vmkernel log: exit 2 (critical)" [ "$RC" -eq 2 ]
run logs examples/psod
ok "text: a timeline section" grep -q '^TIMELINE' "$WORK/out"

# ---------------------------------------------------------------- the example log folder
EX=examples/logs/var/run/log
run logs --format json "$EX"
ok "example: exit 1 (high findings, nothing critical)" [ "$RC" -eq 1 ]
ok "example: three files, the .gz by content" json "sorted((f['path'].split('/')[-1], f['gzip']) for f in d['files']) == [('vmkernel.0.gz', True), ('vmkernel.log', False), ('vobd.log', False)]"
ok "example: PDL lines = $(grep -c 'sense data: 0x5 0x25 0x0' "$EX/vmkernel.log")" json "[f['count'] for f in d['findings'] if f['rule'] == 'log-scsi-pdl'] == [$(grep -c 'sense data: 0x5 0x25 0x0' "$EX/vmkernel.log")]"
ok "example: APD start from vobd.log" json "[f['evidence'][0]['path'].split('/')[-1] for f in d['findings'] if f['rule'] == 'log-apd-start'] == ['vobd.log']"
ok "example: the timeline starts with the rotated .gz's hour" json "d['timeline'][0]['hour'] == '$(gzip -dc "$EX/vmkernel.0.gz" | head -n1 | cut -c1-13):00:00.000Z'"

# ---------------------------------------------------------------- the prefilter
run rules prefilter
ok "rules prefilter: every built-in log rule has patterns (none on every line)" sh -c "[ $RC -eq 0 ] && ! grep -q '^# every line' '$WORK/out' && grep -q 'log-scsi-pdl' '$WORK/out'"

# ---------------------------------------------------------------- bad input
run logs /nonexistent/vmkernel.log
ok "missing file: exit 3" [ "$RC" -eq 3 ]
ok "missing file: named" grep -q "/nonexistent/vmkernel.log: cannot" "$WORK/err"
printf 'abc\000def\n' >"$WORK/core.bin"
run logs "$WORK/core.bin"
ok "binary file named: exit 3" [ "$RC" -eq 3 ]
ok "binary file named: says so" grep -q "core.bin: not a text log" "$WORK/err"
mkdir "$WORK/dir" && cp "$WORK/core.bin" "$WORK/dir/" && printf '2024-03-04T05:00:01.000Z cpu0:1)a log line\n' >"$WORK/dir/vmkernel.log"
run logs "$WORK/dir"
ok "binary file in a folder: a note, not an error" sh -c "[ $RC -ne 3 ] && grep -q 'core.bin: note: not a text log' '$WORK/err'"
run logs
ok "no operand: exit 3" [ "$RC" -eq 3 ]

# ---------------------------------------------------------------- ESX 3.x/4.x syslog times
# `Mon DD HH:MM:SS host vmkernel: UPTIME cpuN:W)` lines carry no year: it comes from when the
# log was last written (the file's modification time), the year before for a December line
# in a log written in January.
printf '%s\n' 'Dec 31 23:50:01 esx01 vmkernel: 12:01:02:03.456 cpu2:1034)WARNING: ScsiDeviceIO: 747: Command 0x2a to device "naa.600" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x25 0x0.' \
    'Jan  5 09:10:11 esx01 vmkernel: 17:10:22:13.456 cpu2:1034)WARNING: ScsiDeviceIO: 747: Command 0x2a to device "naa.600" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x25 0x0.' >"$WORK/classic.log"
touch -d '2011-01-05 10:00:00 UTC' "$WORK/classic.log"
run logs -f json "$WORK/classic.log"
ok "syslog times: the file's times from its lines, the year from its date" \
    json "d['files'][0]['first'] == '2010-12-31T23:50:01.000Z' and d['files'][0]['last'] == '2011-01-05T09:10:11.000Z'"
ok "syslog times: the finding has first and last" \
    json "[(f['first'], f['last']) for f in d['findings'] if f['rule'] == 'log-scsi-pdl'] == [('2010-12-31T23:50:01.000Z', '2011-01-05T09:10:11.000Z')]"
ok "syslog times: on the timeline" json "len(d['timeline']) == 2"
run logs -f json - <"$WORK/classic.log"
ok "syslog times from standard input: no date to take the year from, no time" \
    json "d['files'][0]['first'] is None"

# Log lines quoted in a blog, wiki or ticket: a blockquote, a bullet, a tab before them.
printf '%s\n' '> 2012-11-01T04:12:00.960Z cpu17:4113)ScsiDeviceIO: 2962: Cmd(0x439500b02d00) 0x2a, CmdSN 0x12ad from world 0 to dev "naa.6001405fc65b3e55557495ba9c92bda3" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x25 0x0.' \
    "$(printf '\t')- 2012-11-01T04:13:00.960Z cpu17:4113)WARNING: NMP: nmp_PathDetermineFailure:3133: Device naa.600 is permanently inaccessible" \
    '* 2012-11-01T04:14:00.960Z cpu17:4113)WARNING: NMP: nmp_PathDetermineFailure:3133: Device naa.601 is permanently inaccessible' >"$WORK/quoted.log"
run logs -f json "$WORK/quoted.log"
ok "quoted lines: read as the vmkernel log they quote" json "d['files'][0]['format'] == 'vmkernel'"
ok "quoted lines: their times" json "d['files'][0]['first'] == '2012-11-01T04:12:00.960Z' and d['files'][0]['last'] == '2012-11-01T04:14:00.960Z'"
ok "quoted lines: all three PDL lines found" json "[f['count'] for f in d['findings'] if f['rule'] == 'log-scsi-pdl'] == [3]"

# The path is gone (H:0x1 NO_CONNECT) and the sense bytes are only "possible": no PDL, and
# the example line says so in words (names: vmkapi's VMK_SCSI_HOST_*, SAM's device status).
printf '%s\n' '2013-06-20T10:11:12.134Z cpu4:8196)NMP: nmp_ThrottleLogForDevice:2319: Cmd 0x28 (0x412441a47c00, 0) to dev "naa.60a98000486e5874" on path "vmhba2:C0:T1:L4" Failed: H:0x1 D:0x0 P:0x0 Possible sense data: 0x5 0x25 0x0. Act:FAILOVER' >"$WORK/nopdl.log"
run logs -f json "$WORK/nopdl.log"
ok "no connection with possible sense: no PDL finding" json "all(f['rule'] != 'log-scsi-pdl' for f in d['findings'])"
ok "no connection with possible sense: no high or critical finding" \
    json "all(f['level'] not in ('high', 'critical') for f in d['findings'])"
ok "the example line decoded in words" \
    json "any(e.get('decoded') == 'host NO_CONNECT, device GOOD; possible sense: ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED' for f in d['findings'] for e in f['evidence'])"

# the decoded meaning is in the finding's heading (issue 15 §1; words of SPC-4: key 3, ASC 0x11/0x00)
printf '%s\n' '2024-05-06T07:08:09.010Z cpu2:2097152)ScsiDeviceIO: 4161: Cmd(0x45b8c1d00ac0) 0x28, CmdSN 0x9c from world 2099830 to dev "naa.600a098038303053453f463045727a51" failed H:0x0 D:0x2 P:0x0 Valid sense data: 0x3 0x11 0x0.' >"$WORK/medium.log"
run logs "$WORK/medium.log"
ok "heading: the sense in words" grep -q "^[a-z]* log-[a-z0-9-]*: .*MEDIUM ERROR, UNRECOVERED READ ERROR" "$WORK/out"

done_testing
