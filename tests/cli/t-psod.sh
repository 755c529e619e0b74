#!/bin/sh
# t-psod: `vmtriage psod` end to end: the seed's purple screen inside its
# prose, stdin, the --vms bridge to the example datastore, non-fatal
# backtraces, usage errors, and every PSOD of the shared corpus against the
# knowledge-base article its PROVENANCE.tsv source names.
#
# Expected values come from the texts themselves (the seed's header line and
# frames, counted here from the file), from PROVENANCE.tsv, and from the
# example datastore's README table; never from vmtriage's own output.
. "$(dirname "$0")/lib.sh"
SEED=$(ls "$SHARED"/seeds/000_*.txt 2>/dev/null | head -n 1)
ESXI=$SHARED/corpus/esxi

# ---------------------------------------------------------------- seed 000
if have_shared "${SEED:-$SHARED/seeds/000_*.txt}" "seed 000: decode, stdin, --vms"; then
    # The seed's screen is one line inside prose; frames are "0x..:[0x..]".
    nframes=$(grep '@BlueScreen:' "$SEED" | grep -o '0x[0-9a-f]*:\[0x[0-9a-f]*\]' | wc -l)
    run psod --format json "$SEED"
    ok "seed 000: exit 2 (a known crash is critical)" [ "$RC" -eq 2 ]
    ok "seed 000: one crash" json "len(d['crashes']) == 1"
    ok "seed 000: #PF exception 14" json "d['crashes'][0]['panic']['type'] == '#PF' and d['crashes'][0]['panic']['exception'] == 14"
    ok "seed 000: world 63406:vmast.63405" json "d['crashes'][0]['world'] == {'id': 63406, 'name': 'vmast.63405'}"
    ok "seed 000: IP and addr as written" json "d['crashes'][0]['ip'] == '0x41801cd9c266' and d['crashes'][0]['address'] == '0x0'"
    ok "seed 000: VMK uptime 1:08:27:56.829" json "d['crashes'][0]['uptime'] == '1:08:27:56.829'"
    ok "seed 000: $nframes frames, E1000PollRxRing@vmkernel first" json "len(d['crashes'][0]['frames']) == $nframes and d['crashes'][0]['frames'][0]['function'] == 'E1000PollRxRing' and d['crashes'][0]['frames'][0]['module'] == 'vmkernel' and d['crashes'][0]['frames'][0]['offset'] == '0xdb9'"
    ok "seed 000: finding cites VMware KB 2059053" json "any('VMware KB 2059053' in f['references'] for f in d['findings'])"
    ok "seed 000: the crash lists its signature" json "len(d['crashes'][0]['signatures']) >= 1"
    ok "seed 000: no related VMs without --vms" json "all(f['related'] == [] for f in d['findings'])"

    run psod - <"$SEED"
    ok "stdin: same crash in text, names KB 2059053 and E1000PollRxRing" \
        sh -c "grep -q 'VMware KB 2059053' '$WORK/out' && grep -q E1000PollRxRing '$WORK/out' && [ $RC -eq 2 ]"

    # The bridge: the example datastore's README table names web01 (e1000,
    # Windows Server 2019) and build01 (e1000, Ubuntu) as the e1000 VMs;
    # app02's e1000 is not present and tmpl-win10 has e1000e.
    run psod --format json --vms examples/datastore "$SEED"
    rel="[r['subject'].split('/')[-2] for f in d['findings'] if 'VMware KB 2059053' in f['references'] for r in f['related']]"
    ok "--vms: web01 and build01 carry the trigger" json "sorted($rel) == ['build01', 'web01']"
    ok "--vms: each related VM names the scan rule that found it" json "all(r['rule'] in ('vmx-e1000-rss-guest', 'vmx-e1000-nic') for f in d['findings'] for r in f['related'])"
    ok "--vms: web01 through the RSS rule" json "any(r['rule'] == 'vmx-e1000-rss-guest' and '/web01/' in r['subject'] for f in d['findings'] for r in f['related'])"
fi

# ---------------------------------------------------------------- example
# examples/psod: a synthetic vmkernel-log.1 (its README); values from its text.
EX=examples/psod/esxi55-e1000-vmkernel-log.1
run psod --format json --vms examples/datastore "$EX"
ok "example: one crash starting at the banner line" json "len(d['crashes']) == 1 and d['crashes'][0]['line'] == $(grep -n 'Releasebuild' "$EX" | cut -d: -f1)"
ok "example: build and product from the banner" json "d['crashes'][0]['build'] == '1623387' and d['crashes'][0]['product'] == 'VMware ESXi 5.5.0'"
ok "example: world, timestamp and frames as written" json "d['crashes'][0]['world'] == {'id': 34119, 'name': 'vmast.34118'} and d['crashes'][0]['timestamp'] == '2014-03-11T02:14:09.553Z' and len(d['crashes'][0]['frames']) == $(grep -c ':\[0x' "$EX")"
ok "example: the WARNING before it is no backtrace" json "d['backtraces'] == []"
ok "example: web01 and build01 carry the trigger" json "sorted(r['subject'].split('/')[-2] for f in d['findings'] for r in f['related']) == ['build01', 'web01']"

# ---------------------------------------------------------------- not a crash
if have_shared "$ESXI/004.txt" "corpus 004: a WARN backtrace"; then
    # PROVENANCE: a non-fatal 'Backtrace for current CPU' from a driver WARN.
    run psod --format json "$ESXI/004.txt"
    ok "004: a WARN backtrace is not a crash" json "d['crashes'] == [] and len(d['backtraces']) >= 1"
    ok "004: exit status is not 'critical'" [ "$RC" -ne 2 ]
fi
printf 'nothing to see here\n' >"$WORK/plain.txt"
run psod --format json "$WORK/plain.txt"
ok "plain text: no crash, exit 0" sh -c "[ $RC -eq 0 ]"
ok "plain text: empty arrays" json "d['crashes'] == [] and d['backtraces'] == [] and d['findings'] == []"
run psod "$WORK/plain.txt"
ok "plain text: says so" grep -q '0 crashes' "$WORK/out"

# ---------------------------------------------------------------- errors
run psod "$WORK/missing.txt"
ok "missing file: exit 3" [ "$RC" -eq 3 ]
ok "missing file: one line naming it" sh -c "[ \$(wc -l <'$WORK/err') -eq 1 ] && grep -q missing.txt '$WORK/err'"
run psod --format csv "$WORK/plain.txt"
ok "csv is refused: exit 3" [ "$RC" -eq 3 ]
run scan --vms examples/datastore examples/datastore
ok "scan has no --vms: exit 3" [ "$RC" -eq 3 ]
run psod --help
ok "--help names --vms" sh -c "[ $RC -eq 0 ] && grep -q -- '--vms' '$WORK/out'"

# ---------------------------------------------------------------- corpus
# Every file PROVENANCE.tsv calls a PSOD decodes to at least one crash, and
# when its source is a Broadcom/VMware KB article (or the known cause names a
# KB), a finding cites that article's number.
if have_shared "$ESXI/PROVENANCE.tsv" "corpus/esxi: every PSOD decodes, cites its KB"; then
    python3 - "$VT" "$ESXI" >"$WORK/corpus.out" <<'EOF'
import json, re, subprocess, sys
vt, esxi = sys.argv[1], sys.argv[2]
rows = [l.rstrip('\n').split('\t') for l in open(esxi + '/PROVENANCE.tsv', encoding='utf-8')][1:]
for name, source, kind, cause in rows:
    if not kind.startswith('PSOD'):
        continue
    p = subprocess.run([vt, 'psod', '--format', 'json', esxi + '/' + name], capture_output=True)
    try:
        d = json.loads(p.stdout)
    except ValueError:
        print('not ok - %s: no JSON (exit %d)' % (name, p.returncode)); continue
    print(('ok' if d['crashes'] else 'not ok') + ' - %s: %d crash(es)' % (name, len(d['crashes'])))
    kbs = set(re.findall(r'/article/(\d+)', source)) | set(re.findall(r'\bKB (\d{4,7})\b', source + ' ' + cause))
    kbs |= set(re.findall(r'articleNumber=(\d+)', source)) | set(re.findall(r'legacy KB (\d+)', source))
    if not kbs:
        continue
    refs = ' '.join(r for f in d['findings'] for r in f['references'])
    hit = [k for k in kbs if re.search(r'\b%s\b' % k, refs)]
    print(('ok' if hit else 'not ok') + ' - %s: a finding cites KB %s' % (name, '/'.join(sorted(kbs))))
EOF
    while IFS= read -r line; do
        case $line in
        "ok - "*) ok "${line#ok - }" true ;;
        *) ok "${line#not ok - }" false ;;
        esac
    done <"$WORK/corpus.out"
fi
# ---------------------------------------------------------------- fixed-in awareness
# KB 435592 (rule psod-kb-df-syscall-upcall-stack): the #DF in Syscall_InstructionHandler is
# fixed in ESXi 7.0 build 22348816; 21424296 is ESXi 7.0 Update 3l (data/esxi_builds.tsv).
df_screen() { # df_screen BUILD
    printf 'VMware ESXi 7.0.3 [Releasebuild-%s x86_64]\n@BlueScreen: #DF Exception 8 IP 0x42000c341a2b SP 0x453a89e41c80\nCode start: 0x42000c000000 VMK uptime: 27:01:02:03.004\n0x453a89e41c80:[0x42000c341a2b]Syscall_InstructionHandler@vmkernel#nover+0x1b stack: 0x0\n' "$1" >"$WORK/df.txt"
}
df_screen 21424296
run psod -f json "$WORK/df.txt"
ok "fix: a host before the fix build is told to upgrade" \
    json "[f['fix']['status'] for f in d['findings'] if f['rule'] == 'psod-kb-df-syscall-upcall-stack'] == ['upgrade']"
ok "fix: the note names the fix build and the host's" \
    json "any('22348816' in f['fix']['note'] and '21424296' in f['fix']['note'] for f in d['findings'])"
df_screen 22348816
run psod -f json "$WORK/df.txt"
ok "fix: a host on the fix build: the match is a weaker lead, one level lower" \
    json "[(f['fix']['status'], f['level']) for f in d['findings'] if f['rule'] == 'psod-kb-df-syscall-upcall-stack'] == [('fixed-in-host', 'high')]"
run psod "$WORK/df.txt"
ok "fix: the text report says so" grep -q "Fixed: matches, but the fix is in ESXi 7.0 build 22348816" "$WORK/out"

# ---------------------------------------------------------------- nearest known issues
# No signature matches a #PF in qla24xxProcessResponseQueue (the qlnativefc rule wants its spin
# lock-up), but that rule names the frame: it is the nearest known issue, not a finding.
printf '%s\n' '@BlueScreen: #PF Exception 14 in world 2097610:qlnativefc-dpc IP 0x4200219c6f10 addr 0x10' \
    'Code start: 0x420020c00000 VMK uptime: 80:01:02:03.004' \
    '0x4539c0e1b740:[0x4200219c6f10]qla24xxProcessResponseQueue@(qlnativefc)#<None>+0x120 stack: 0x0' >"$WORK/sim.txt"
run psod -f json "$WORK/sim.txt"
ok "similar: no signature, the qlnativefc issue is the nearest" \
    json "d['crashes'][0]['signatures'] == [] and d['crashes'][0]['similar'][0]['rule'] == 'psod-qlnativefc-iocb-deadlock'"
ok "similar: with a score and the issue's references" \
    json "0 < d['crashes'][0]['similar'][0]['score'] <= 1 and any('380959' in r for r in d['crashes'][0]['similar'][0]['references'])"
ok "similar: not a finding" json "all(f['rule'] != 'psod-qlnativefc-iocb-deadlock' for f in d['findings'])"
run psod "$WORK/sim.txt"
ok "similar: the text says similar, not confirmed" grep -q "Similar:  psod-qlnativefc-iocb-deadlock .*similar, not confirmed" "$WORK/out"
printf '%s\n' '@BlueScreen: #PF Exception 14 in world 2097610:foo IP 0x4200219c6f10 addr 0x10' \
    'Code start: 0x420020c00000 VMK uptime: 80:01:02:03.004' \
    '0x4539c0e1b740:[0x4200219c6f10]NoSuchFunctionAnywhere@(nosuchdriver)#<None>+0x120 stack: 0x0' >"$WORK/nosim.txt"
run psod -f json "$WORK/nosim.txt"
ok "similar: a crash that shares nothing has none" json "d['crashes'][0]['similar'] == []"
df_screen 21424296
run psod -f json "$WORK/df.txt"
ok "similar: a crash a signature matches lists none" json "d['crashes'][0]['similar'] == []"

# --build: the host's build when the screen shows none
df_screen 22348816
sed 1d "$WORK/df.txt" >"$WORK/df-nobanner.txt"
run psod -f json "$WORK/df-nobanner.txt"
ok "--build absent: no build known, the fixed releases listed" \
    json "[f['fix']['status'] for f in d['findings'] if f['rule'] == 'psod-kb-df-syscall-upcall-stack'] == ['listed']"
run psod --build 22348816 -f json "$WORK/df-nobanner.txt"
ok "--build 22348816: the fix is in the host's build" \
    json "[f['fix']['status'] for f in d['findings'] if f['rule'] == 'psod-kb-df-syscall-upcall-stack'] == ['fixed-in-host']"
run psod --build 7.0 "$WORK/df-nobanner.txt"
ok "--build 7.0: usage error" [ "$RC" -eq 3 ]

# a known issue's source names the culprit the backtrace cannot (KB 316522: world.c, iLO driver)
printf '%s\n' '@BlueScreen: NOT_IMPLEMENTED bora/vmkernel/main/world.c:2307' \
    'Code start: 0x420020c00000 VMK uptime: 80:01:02:03.004' \
    '0x4539c0e1b740:[0x4200219c6f10]WorldGroupCleanup@vmkernel#nover+0x120 stack: 0x0' \
    '0x4539c0e1b7a0:[0x4200219c7010]World_TryReap@vmkernel#nover+0x3d3 stack: 0x0' >"$WORK/ilo.txt"
run psod -f json "$WORK/ilo.txt"
ok "culprit: the frames show only the VMkernel" json "d['crashes'][0]['culprit']['kind'] == 'vmkernel'"
ok "culprit: the known issue names the iLO driver" \
    json "d['crashes'][0]['culprit']['known_issue'] == {'module': 'ilo', 'rule': 'psod-hpe-ilo-worldgroup-heap'}"
run psod "$WORK/ilo.txt"
ok "culprit: the text says so" grep -q "Cause:    ilo, as the source of the known issue psod-hpe-ilo-worldgroup-heap names it" "$WORK/out"
run psod -f json "$WORK/nosim.txt"
ok "culprit: no known issue, none named" json "d['crashes'][0]['culprit']['known_issue'] is None"
mkdir -p "$WORK/badrules"
sed -e 's/^id: log-vm-poweron-failed/id: x-culprit-on-a-log-rule/' -e 's/^remediation:/culprit: lpfc\nremediation:/' \
    rules/log-vm.yml | awk 'BEGIN{RS="\n---\n"; ORS=""} /x-culprit-on-a-log-rule/ {print; exit}' >"$WORK/badrules/x.yml"
run rules check --rules "$WORK/badrules"
ok "culprit on a log rule: refused with file and line" grep -q "x.yml:[0-9]*: 'culprit' belongs to crash rules" "$WORK/err"

# the FMS= line (CPU family/model/stepping, microcode) is text a rule can test
mkdir -p "$WORK/fmsrules"
cat >"$WORK/fmsrules/fms.yml" <<'EOF'
title: CPU family 0x19 in the crash's FMS line
id: x-fms-family-19
status: experimental
level: low
logsource: {product: vmware, category: crash}
description: a test rule on the FMS line
references: [test]
remediation: {vsphere_client: none}
detection:
  f:
    crash.texts|contains: 'FMS=19/'
  condition: f
tests:
  match:
    - |
      @BlueScreen: #PF Exception 14 in world 2098009:foo IP 0x4200389489c4 addr 0x350
      FMS=19/01/1 uCode=0xa0011d1
  no_match:
    - |
      @BlueScreen: #PF Exception 14 in world 2098009:foo IP 0x4200389489c4 addr 0x350
      FMS=6/55/7 uCode=0x2006d05
EOF
printf '%s\n' '@BlueScreen: #PF Exception 14 in world 2098009:foo IP 0x4200389489c4 addr 0x350' \
    'cr0=0x80010031 cr2=0x350 cr3=0x7a0e2000 cr4=0x142768' 'FMS=19/01/1 uCode=0xa0011d1' \
    '0x4539c0e1bd10:[0x4200389489c4]Foo_Bar@vmkernel#nover+0x12 stack: 0x0' >"$WORK/fms.txt"
run psod --rules "$WORK/fmsrules" -f json "$WORK/fms.txt"
ok "FMS line: a rule on the CPU family matches" json "'x-fms-family-19' in d['crashes'][0]['signatures']"

done_testing
