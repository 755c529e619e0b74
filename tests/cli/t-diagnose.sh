#!/bin/sh
# t-diagnose: `vmtriage diagnose` end to end on VM folders this script writes.
#
# Expected verdicts come from the rules' own sources, read here from the rule
# files (rules/*.yml: their detection and remediation) and from the inputs
# the script writes (the line numbers, the stop code's row in
# data/bugcheck_codes.tsv, the console messages' source texts), never from
# vmtriage's output: a Windows VM that stops with 0x7B on PVSCSI is a storage
# problem (rules/dump-windows.yml, rules/vmx-boot.yml), a nested CNA without
# vhv.enable a hardware-virtualization problem (rules/vmx-nested.yml), and so on.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE NO_COLOR

# dnode ID FIELD: a node's field of the first diagnosis in $WORK/out (JSON), a
# list one item a line; dverdict ID: its verdict. Scripts, so that `sh -c`
# checks can call them.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/dnode" <<'EOF'
#!/bin/sh
exec python3 -c "
import json, os, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
d = json.load(open(os.environ['WORK'] + '/out'))
v = [n for n in d['diagnoses'][0]['nodes'] if n['id'] == sys.argv[1]][0][sys.argv[2]]
print(chr(10).join(v) if isinstance(v, list) else v)" "$1" "$2"
EOF
printf '#!/bin/sh\nexec dnode "$1" verdict\n' >"$WORK/bin/dverdict"
chmod +x "$WORK/bin/dnode" "$WORK/bin/dverdict"
PATH=$WORK/bin:$PATH
export PATH WORK
verdict() { dverdict "$1"; }
# remediation RULE-FILE RULE-ID TOOL: the rule's remediation text for TOOL, as the YAML holds it
remediation() {
    python3 -c "
import yaml, sys
for r in yaml.safe_load_all(open('$ROOT/$1')):
    if r and r.get('id') == '$2':
        print(r['remediation']['$3'].strip())
"
}
vmx() { # vmx DIR NAME LINES...: writes DIR/NAME.vmx
    d=$1 n=$2
    shift 2
    mkdir -p "$d"
    printf '%s\n' 'config.version = "8"' "$@" >"$d/$n.vmx"
}
line_of() { grep -n -F "$2" "$1" | head -n 1 | cut -d: -f1; } # line_of FILE TEXT
NODES=$(grep -v '^#' "$ROOT/data/diagnose_tree.tsv" | grep -c .)

# ---------------------------------------------------------------- Windows 0x7B on PVSCSI
W=$WORK/win01
vmx "$W" win01 'virtualHW.version = "19"' 'displayName = "win01"' 'guestOS = "windows2019srv-64"' \
    'memSize = "8192"' 'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
    'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "win01.vmdk"' \
    'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "vmxnet3"'
NAME_7B=$(awk -F '\t' '$1 == "0x0000007B" {print $2}' "$ROOT/data/bugcheck_codes.tsv")
ok "the bug check table names 0x7B ($NAME_7B)" [ "$NAME_7B" = INACCESSIBLE_BOOT_DEVICE ]
for code in 0x7B 7B 0x0000007b "$NAME_7B" inaccessible_boot_device "Stop code: $NAME_7B"; do
    run diagnose -f json --stop-code "$code" "$W"
    ok "0x7B ('$code'): stop-code node problem, answer names $NAME_7B" \
        sh -c "[ \"\$(dverdict stop-code)\" = problem ] && dnode stop-code answer | grep -q '^0x0000007B $NAME_7B'"
done
run diagnose -f json --stop-code 0x7B "$W"
ok "0x7B: exit 1 (dump-0x7b-boot-controller is high)" [ "$RC" -eq 1 ]
ok "0x7B: storage is a problem, led there by the stop code (the tree's branch for 0x7B)" \
    sh -c "[ \"\$(dverdict storage)\" = problem ] && [ \"\$(dnode storage on_branch)\" = True ]"
ok "0x7B: the walk starts stop-code, storage" \
    json "[n['id'] for n in d['diagnoses'][0]['nodes']][:2] == ['stop-code', 'storage']"
ok "0x7B: storage names both rules (the stop code's and the PVSCSI boot disk's)" \
    json "set(d['diagnoses'][0]['nodes'][1]['fix_rules']) == {'dump-0x7b-boot-controller', 'vmx-windows-pvscsi-boot'}"
ok "0x7B: the storage evidence names the .vmx line of scsi0.virtualDev ($(line_of "$W/win01.vmx" scsi0.virtualDev))" \
    json "any(e.startswith('$W/win01.vmx:$(line_of "$W/win01.vmx" scsi0.virtualDev): scsi0.virtualDev') for e in d['diagnoses'][0]['nodes'][1]['evidence'])"
FIX=$(remediation rules/dump-windows.yml dump-0x7b-boot-controller guest_windows)
ok "0x7B: the guest fix is the rule's remediation ($FIX)" \
    json "d['diagnoses'][0]['nodes'][1]['fix']['guest_windows'].startswith('''$FIX''')"
ok "0x7B: the first cause is storage, and why names the stop code" \
    json "d['diagnoses'][0]['causes'][0]['node'] == 'storage' and '0x0000007B' in d['diagnoses'][0]['causes'][0]['why']"
ok "0x7B: not a nested hypervisor, so the nested-only nodes are ok" \
    json "d['diagnoses'][0]['nested'] is False and all(n['verdict'] == 'ok' for n in d['diagnoses'][0]['nodes'] if n['id'] in ('hw-virt', 'memory', 'hw-version', 'firmware'))"
ok "0x7B: no dump given, so the dump node is unknown and says what to give" \
    sh -c "[ \"\$(dverdict dump)\" = unknown ] && dnode dump evidence | grep -q 'not given: .*--dump'"
ok "0x7B: findings and errors as every command has them" json "len(d['findings']) >= 2 and d['errors'] == [] and d['summary']['diagnoses'] == 1"

# a guest that runs no hypervisor needs no VT-x: a listing without vmx answers nothing there
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse4_1 sse4_2 popcnt avx2 hypervisor\n' >"$WORK/novmx"
run diagnose -f json --cpuinfo "$WORK/novmx" "$W"
ok "Windows VM + a listing without vmx: hw-virt ok (not a nested hypervisor), cpu-features ok" \
    sh -c "[ \"\$(dverdict hw-virt)\$(dverdict cpu-features)\" = okok ]"
# 0x20001 HYPERVISOR_ERROR: Hyper-V runs in the guest (rules/dump-windows.yml), so it is nested
run diagnose -f json --stop-code 0x20001 "$W"
ok "0x20001: the VM counts as nested, hw-virt is a problem (no vhv.enable) led there by the code" \
    json "d['diagnoses'][0]['nested'] is True and [(n['verdict'], n['on_branch']) for n in d['diagnoses'][0]['nodes'] if n['id']=='hw-virt'] == [('problem', True)]"
# the command that answers the unknown nodes quotes the VM's path for sh
Q="$WORK/it's a VM"
mkdir -p "$Q" && cp "$W/win01.vmx" "$Q/"
run diagnose -f json --stop-code 0x7B "$Q"
ok "rerun: names the options of the unknown nodes and quotes the path (sh reads it back)" \
    python3 -c "
import json, shlex
d = json.load(open('$WORK/out'))
w = shlex.split(d['diagnoses'][0]['rerun'])
raise SystemExit(0 if w[-1] == '''$Q''' and '--dump' in w and '--console' in w and '--stop-code' not in w else 1)"

# ---------------------------------------------------------------- a nested CNA
cna() { # cna DIR NAME EXTRA-LINES...: a FusionCompute CNA guest (Linux) ready but for EXTRA
    d=$1 n=$2
    shift 2
    vmx "$d" "$n" "displayName = \"$n\"" 'guestOS = "other4xlinux-64"' \
        'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' 'scsi0:0.present = "TRUE"' \
        'scsi0:0.fileName = "cna.vmdk"' 'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "vmxnet3"' \
        'tools.syncTime = "FALSE"' "$@"
}
# without vhv.enable (audited as nested with --profile nested: the guest OS says Linux)
C=$WORK/cna-novhv
cna "$C" cna1 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"'
run diagnose -f json --profile nested "$C"
ok "CNA without vhv.enable: hw-virt problem by vmx-nested-vhv-off" \
    sh -c "[ \"\$(dverdict hw-virt)\" = problem ] && dnode hw-virt fix_rules | grep -q vmx-nested-vhv-off"
ok "CNA without vhv.enable: the vmx fix is the rule's ($(remediation rules/vmx-nested.yml vmx-nested-vhv-off vmx))" \
    sh -c "[ \"\$(python3 -c \"import json; d=json.load(open('$WORK/out')); print([n for n in d['diagnoses'][0]['nodes'] if n['id']=='hw-virt'][0]['fix']['vmx'])\")\" = '$(remediation rules/vmx-nested.yml vmx-nested-vhv-off vmx)' ]"
ok "CNA without vhv.enable: memory, hw-version, storage ok (16 GB reserved, HW 19, PVSCSI)" \
    sh -c "[ \"\$(dverdict memory)\$(dverdict hw-version)\$(dverdict storage)\" = okokok ]"
ok "CNA without vhv.enable: the first cause is hw-virt" json "d['diagnoses'][0]['causes'][0]['node'] == 'hw-virt'"
# the same VM without --profile: a KVM message on its console makes it a nested hypervisor
printf '%s\n' '[    0.000000] Linux version 3.10.0' '[    3.141592] kvm: no hardware support' >"$WORK/kvm.txt"
run diagnose -f json --console "$WORK/kvm.txt" "$C"
ok "CNA + 'kvm: no hardware support' console: nested by its console, hw-virt problem" \
    json "d['diagnoses'][0]['nested'] is True and [n for n in d['diagnoses'][0]['nodes'] if n['id']=='hw-virt'][0]['verdict'] == 'problem'"
ok "CNA + kvm console: the console line (2) and arch/x86/kvm/x86.c are the evidence" \
    sh -c "dnode hw-virt evidence | grep -q \"$WORK/kvm.txt:2: .*kvm: no hardware support.*arch/x86/kvm/x86.c\""

# the vhc.enable typo
C=$WORK/cna-vhc
cna "$C" cna2 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhc.enable = "TRUE"'
run diagnose -f json "$C"
ok "vhc.enable typo: nested (the key means it), hw-virt problem naming vmx-vhc-enable-typo" \
    json "d['diagnoses'][0]['nested'] is True and 'vmx-vhc-enable-typo' in [n for n in d['diagnoses'][0]['nodes'] if n['id']=='hw-virt'][0]['fix_rules']"
ok "vhc.enable typo: the answer says vhc.enable is not the key and cites its line ($(line_of "$C/cna2.vmx" vhc.enable))" \
    sh -c "dnode hw-virt answer | grep -q 'vhc.enable is set: not a VMware key (the key is vhv.enable)' && dnode hw-virt evidence | grep -q 'cna2.vmx:$(line_of "$C/cna2.vmx" vhc.enable): vhc.enable'"
ok "vhc.enable typo: the vmx fix is vhv.enable = \"TRUE\" (the rule's)" \
    sh -c "[ '$(remediation rules/vmx-nested.yml vmx-vhc-enable-typo vmx)' = 'vhv.enable = \"TRUE\"' ] && dnode hw-virt fix | grep -q \"'vmx': 'vhv.enable = \\\"TRUE\\\"'\""

# 4 GB, unreserved; virtual hardware 13
C=$WORK/cna-small
cna "$C" "cna'3" 'virtualHW.version = "13"' 'memSize = "4096"' 'vhv.enable = "TRUE"'
run diagnose -f json "$C"
ok "4 GB unreserved: memory problem by both rules (less than 8 GB, not reserved)" \
    json "set([n for n in d['diagnoses'][0]['nodes'] if n['id']=='memory'][0]['fix_rules']) == {'vmx-nested-memory-small', 'vmx-nested-memory-unreserved'}"
L=$(line_of "$C/cna'3.vmx" memSize)
ok "4 GB unreserved: the memSize line ($L) is evidence" \
    sh -c "dnode memory evidence | grep -qF \":$L: memSize = \\\"4096\\\"\""
ok "HW 13: hw-version problem by vmx-nested-hw-version (15 or later wanted)" \
    sh -c "[ \"\$(dverdict hw-version)\" = problem ] && dnode hw-version fix_rules | grep -q vmx-nested-hw-version"
ok "hw-virt ok with vhv.enable = TRUE on HW 13 (HW 9 or later, Enabling_VHV.md)" [ "$(verdict hw-virt)" = ok ]
# the VM's name holds a quote: every printed command quotes it (util_quote), so sh reads it back whole
ok "a name with a quote: the govc fix quotes it so that sh reads the name back" \
    python3 -c "
import json, shlex
d = json.load(open('$WORK/out'))
fix = [n for n in d['diagnoses'][0]['nodes'] if n['id'] == 'hw-version'][0]['fix']['govc']
w = shlex.split(fix)
raise SystemExit(0 if w[-1] == \"cna'3\" else 1)"

# ---------------------------------------------------------------- Linux: VFS: Unable to mount root fs
C=$WORK/cna-root
cna "$C" cna4 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhv.enable = "TRUE"'
sed -i 's/pvscsi/lsisas1068/' "$C/cna4.vmx"
cat >"$WORK/root.txt" <<'EOF'
[    1.000000] Linux version 3.10.0-1160.el7.x86_64
[    5.112233] VFS: Cannot open root device "mapper/cna-root" or unknown-block(0,0): error -6
[    5.112240] Please append a correct "root=" boot option; here are the available partitions:
[    5.112250] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)
EOF
run diagnose -f json --console "$WORK/root.txt" "$C"
ok "VFS root console: stop-code is a problem (a kernel panic, kernel/panic.c)" \
    sh -c "[ \"\$(dverdict stop-code)\" = problem ] && dnode stop-code answer | grep -q 'Linux kernel panic'"
ok "VFS root console: storage problem, led there by the console" \
    sh -c "[ \"\$(dverdict storage)\" = problem ] && [ \"\$(dnode storage on_branch)\" = True ]"
ok "VFS root console: the panic line ($(line_of "$WORK/root.txt" 'Unable to mount root fs')) with init/do_mounts.c is evidence" \
    sh -c "dnode storage evidence | grep -q \"root.txt:$(line_of "$WORK/root.txt" 'Unable to mount root fs'): .*init/do_mounts.c\""
ok "VFS root console: the first cause is storage, because the panic names it" \
    json "d['diagnoses'][0]['causes'][0]['node'] == 'storage' and 'the kernel panic names it' in d['diagnoses'][0]['causes'][0]['why']"

# ---------------------------------------------------------------- a clean nested VM
C=$WORK/cna-clean
cna "$C" cna5 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhv.enable = "TRUE"'
printf '%s\n' '2024-03-03T21:30:12.001Z| vmx| I125: Log for VMware ESX pid=1 version=7.0.3 build=build-19193900 option=Release' >"$C/vmware.log"
printf '%s\n' '[    0.000000] Linux version 3.10.0' '[    2.000000] EXT4-fs (sda1): mounted filesystem with ordered data mode' >"$WORK/boot.txt"
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6230\nflags\t\t: fpu vmx ept sse4_1 sse4_2 popcnt avx2 hypervisor\n' >"$WORK/cpuinfo"
# the host's esxcli hardware cpu global get (HV Support 3: enabled in the BIOS and usable, KB 1011712)
printf 'CPU Packages: 2\nCPU Cores: 16\nCPU Threads: 32\nHV Support: 3\n' >"$WORK/host-hv3.txt"
# the host's bundle: its hostd.log says nothing about the VM
CH=$WORK/cleanhost/esx-h2-2024-03-03--21.30-1
mkdir -p "$CH/commands" "$CH/var/run/log"
printf 'VMware ESXi 7.0.3 build-19193900\n' >"$CH/commands/vmware_-vl.txt"
printf '%s\n' '2024-03-03T21:30:12.001Z info hostd[2099376] [Originator@6876 sub=Hostsvc] Loaded configuration' >"$CH/var/run/log/hostd.log"
run diagnose -f json --console "$WORK/boot.txt" --cpuinfo "$WORK/cpuinfo" --cpuinfo "$WORK/host-hv3.txt" --host "$WORK/cleanhost" "$C"
ok "clean VM: exit 0, no cause" json "d['diagnoses'][0]['causes'] == []"
ok "clean VM: exit status 0" [ "$RC" -eq 0 ]
ok "clean VM: no node is a problem" json "all(n['verdict'] != 'problem' for n in d['diagnoses'][0]['nodes'])"
ok "clean VM: every node its inputs answer is ok (stop-code, storage, hw-virt, cpu-features, memory, scheduling, nic, firmware, hw-version, time-sync, devices, vm-log, host-log, console)" \
    json "all(n['verdict'] == 'ok' for n in d['diagnoses'][0]['nodes'] if n['id'] in ('stop-code','storage','hw-virt','cpu-features','memory','scheduling','nic','firmware','hw-version','time-sync','devices','vm-log','host-log','console'))"
ok "clean VM: the host's HV Support 3 answers host-hv (ok, its line)" \
    sh -c "[ \"\$(dverdict host-hv)\" = ok ] && dnode host-hv evidence | grep -q 'host-hv3.txt:4: HV Support: 3'"
ok "clean VM: only the power policy (no file holds it) and the dump (a clean VM has none) are unknown, and say what to give" \
    json "[(n['id'], n['verdict']) for n in d['diagnoses'][0]['nodes'] if n['verdict'] != 'ok'] == [('power-policy', 'unknown'), ('dump', 'unknown')] and all(any(e.startswith('not given: ') for e in n['evidence']) for n in d['diagnoses'][0]['nodes'] if n['verdict'] == 'unknown')"
ok "clean VM: the console without a panic is a note naming the file" \
    json "any(e['severity'] == 'note' and e['path'] == '$WORK/boot.txt' and 'no kernel panic' in e['message'] for e in d['errors'])"
# the same VM on a host whose BIOS leaves VT-x off (HV Support 2, KB 1011712)
printf 'CPU Packages: 2\nHV Support: 2\n' >"$WORK/host-hv2.txt"
run diagnose -f json --cpuinfo "$WORK/host-hv2.txt" "$C"
ok "HV Support 2 on the host: host-hv problem by cpu-esxi-hv-disabled, the guest nodes untouched" \
    json "[(n['verdict'], n['fix_rules']) for n in d['diagnoses'][0]['nodes'] if n['id']=='host-hv'] == [('problem', ['cpu-esxi-hv-disabled'])] and [n['verdict'] for n in d['diagnoses'][0]['nodes'] if n['id']=='cpu-features'] == ['unknown']"
run diagnose --cpuinfo "$WORK/host-hv2.txt" --cpuinfo "$WORK/host-hv3.txt" "$C"
ok "two host listings: exit 3, an error naming the second" \
    sh -c "[ $RC -eq 3 ] && grep -q 'host-hv3.txt: a second host CPU listing' '$WORK/err'"

# ---------------------------------------------------------------- the VM's vmware.log
# the line of rules/log-vm.yml's own sample (packer issue 1334)
C=$WORK/cna-log
cna "$C" cna6 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhv.enable = "TRUE"'
SAMPLE=$(python3 -c "
import yaml
for r in yaml.safe_load_all(open('$ROOT/rules/log-vm.yml')):
    if r and r.get('id') == 'log-vm-poweron-failed':
        print(r['tests']['match'][0])")
printf '%s\n' '2014-07-14T14:52:13.880Z| vmx| I120: Log for VMware ESX pid=1 version=5.5.0' "$SAMPLE" >"$C/vmware.log"
run diagnose -f json "$C"
ok "vmware.log with a failed power-on: vm-log problem by log-vm-poweron-failed, its line (2) as evidence" \
    sh -c "[ \"\$(dverdict vm-log)\" = problem ] && dnode vm-log fix_rules | grep -qx log-vm-poweron-failed && dnode vm-log evidence | grep -q '$C/vmware.log:2: '"
ok "vmware.log: the diagnosis says it was read" json "'vmware.log: 1 file in $C' in d['diagnoses'][0]['evidence']"

# a triple fault (KB 432359's 7.x form, as rules/log-vm.yml's first sample of the rule writes it)
SAMPLE=$(python3 -c "
import yaml
for r in yaml.safe_load_all(open('$ROOT/rules/log-vm.yml')):
    if r and r.get('id') == 'log-vm-triple-fault':
        print(r['tests']['match'][0])")
printf '%s\n' "$SAMPLE" >"$C/vmware.log"
run diagnose -f json "$C"
ok "vmware.log with a triple fault: vm-log problem by log-vm-triple-fault" \
    sh -c "[ \"\$(dverdict vm-log)\" = problem ] && dnode vm-log fix_rules | grep -qx log-vm-triple-fault"

# the stop code a Windows guest handed the hypervisor (log-vm-guest-bsod's second sample, 0x7b),
# in the VM's own vmware.log: the walk takes it when no stop code is given
BS=$WORK/win-bsod
cp -r "$W" "$BS"
SAMPLE=$(python3 -c "
import yaml
for r in yaml.safe_load_all(open('$ROOT/rules/log-vm.yml')):
    if r and r.get('id') == 'log-vm-guest-bsod':
        print(r['tests']['match'][1])")
CODE=$(printf '%s' "$SAMPLE" | sed 's/.*MSR\[0x40000100\] 0x//')
printf '%s\n' '2020-11-03T04:05:00.000Z| vmx| I005: Log for VMware ESX pid=1 version=7.0.3' "$SAMPLE" >"$BS/vmware.log"
run diagnose -f json "$BS"
ok "vmware.log WinBSOD 0x$CODE, no --stop-code: the stop code is the log's, its line (2) as the source" \
    sh -c "dnode stop-code answer | grep -qi '^0x0000007B ' && [ '$CODE' = 7b ] && dnode stop-code evidence | grep -qx '$BS/vmware.log:2'"
ok "vmware.log WinBSOD 0x7b: storage is on the stop code's branch, by the 0x7B rule too" \
    sh -c "[ \"\$(dnode storage on_branch)\" = True ] && dnode storage fix_rules | grep -qx dump-0x7b-boot-controller"
run diagnose -f json --stop-code 0x3B "$BS"
ok "--stop-code given: it wins over the log's" sh -c "dnode stop-code answer | grep -q '^0x0000003B '"

# ---------------------------------------------------------------- a guest dump (the shared corpus)
MD=$SHARED/corpus/minidump
if have_shared "$MD/rizintb_triage_x64.dmp" "the x64 triage dump"; then
    # its bug check (DECODED.md) and culprit (PROVENANCE.tsv: rizin's faulting driver)
    code=$(python3 -c "
import re
sec = open('$MD/DECODED.md').read().split('### rizintb_triage_x64.dmp')[1].split('\n### ')[0]
print('0x%08X' % int(re.search(r'BugCheckCode: (0x[0-9A-Fa-f]+)', sec).group(1), 16))")
want=$(grep '^rizintb_triage_x64.dmp' "$MD/PROVENANCE.tsv" | grep -o 'faulting driver [A-Za-z0-9_.]*' | awk '{print $3}')
    run diagnose -f json --dump "$MD/rizintb_triage_x64.dmp" "$W"
    ok "a dump, no --stop-code: the stop code is the dump's bug check ($code)" \
        sh -c "dnode stop-code answer | grep -q '^$code ' && dnode stop-code evidence | grep -q 'the dump .*rizintb_triage_x64.dmp'"
    ok "a dump: the dump node names its culprit $want" sh -c "dnode dump answer | grep -q 'culprit $want'"
    ok "a dump: the dump node is not unknown (it was read)" sh -c "[ \"\$(dverdict dump)\" != unknown ]"
fi

# the field report's own advice, copied into a text: "esxcli system settings kernel set -s
# vhc.enable" (no such setting: the VMX key is vhv.enable, rules/vmx-nested.yml)
printf '%s\n' 'Step 3 of the guide:' 'esxcli system settings kernel set -s vhc.enable -v TRUE' >"$WORK/guide.txt"
C=$WORK/cna-guide
cna "$C" cna10 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"'
run diagnose -f json --console "$WORK/guide.txt" "$C"
ok "a text that sets vhc.enable: the VM counts as nested, hw-virt is a problem and shows that line (2)" \
    sh -c "dnode hw-virt evidence | grep -q 'guide.txt:2: esxcli system settings kernel set -s vhc.enable.*vhc-typo' && [ \"\$(dverdict hw-virt)\" = problem ]" 
ok "a text that sets vhc.enable: the reason for nested names it" \
    json "'vhc.enable' in d['diagnoses'][0]['nested_why'] and d['diagnoses'][0]['nested']"

# on UEFI (the checklist: BIOS firmware; rules/vmx-nested.yml vmx-nested-efi)
C=$WORK/cna-efi
cna "$C" cna11 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhv.enable = "TRUE"' 'firmware = "efi"'
run diagnose -f json "$C"
ok "a nested CNA on UEFI: firmware problem by vmx-nested-efi, its firmware line ($(line_of "$C/cna11.vmx" firmware)) as evidence" \
    sh -c "[ \"\$(dverdict firmware)\" = problem ] && dnode firmware fix_rules | grep -qx vmx-nested-efi && dnode firmware evidence | grep -q 'cna11.vmx:$(line_of "$C/cna11.vmx" firmware): firmware'"
ok "a nested CNA on UEFI: the other configuration nodes are ok" \
    json "all(n['verdict'] == 'ok' for n in d['diagnoses'][0]['nodes'] if n['id'] in ('storage', 'hw-virt', 'memory', 'nic', 'hw-version', 'time-sync', 'devices'))"

# ---------------------------------------------------------------- CPUID masks in the .vmx
# a mask with '0' at bit 23 of CPUID 1 ECX (POPCNT: cpufeatures.h X86_FEATURE_POPCNT, word 4 =
# CPUID 1 ECX, bit 23; the vSphere API's HostCpuIdInfo: '0' reports the bit as disabled, the
# string is bit 31 first), and one with '0' at bit 5 (VMX)
C=$WORK/cna-mask
masked() { # masked BIT: a nested CNA whose cpuid.1.ecx mask has '0' at BIT, diagnosed
    mask=$(python3 -c "
m = ['-'] * 32; m[31 - $1] = '0'; s = ''.join(m)
print(':'.join(s[i:i + 4] for i in range(0, 32, 4)))")
    cna "$C" cna8 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhv.enable = "TRUE"' "cpuid.1.ecx = \"$mask\""
    run diagnose -f json "$C"
}
masked 23
ok "a cpuid.1.ecx mask with 0 at bit 23: cpu-features problem by vmx-cpuid-mask-hides-feature, naming popcnt" \
    sh -c "[ \"\$(dverdict cpu-features)\" = problem ] && dnode cpu-features fix_rules | grep -qx vmx-cpuid-mask-hides-feature && dnode cpu-features answer | grep -q 'hide popcnt from the guest'"
ok "the mask's .vmx line ($(line_of "$C/cna8.vmx" cpuid.1.ecx)) is the evidence" \
    sh -c "dnode cpu-features evidence | grep -q '$C/cna8.vmx:$(line_of "$C/cna8.vmx" cpuid.1.ecx): cpuid.1.ecx'"
masked 5
ok "a cpuid.1.ecx mask with 0 at bit 5 (VMX) on a nested VM with vhv.enable: hw-virt problem by vmx-cpuid-mask-hides-vtx" \
    sh -c "[ \"\$(dverdict hw-virt)\" = problem ] && dnode hw-virt fix_rules | grep -qx vmx-cpuid-mask-hides-vtx && [ \"\$(dverdict cpu-features)\" != problem ]"

# ---------------------------------------------------------------- --host: the host's bundle
# a vm-support folder written here: vmware -vl, HV Support 2 (VT-x off in the BIOS: KB 1011712),
# and a hostd.log whose lines are log-kb-hostd-iotracker-slow's first sample with the .vmx path
# of our VM, and once of another VM
H=$WORK/hostb/esx-h1-2024-05-06--07.08-1
mkdir -p "$H/commands" "$H/var/run/log"
printf 'VMware ESXi 7.0.3 build-21424296\nVMware ESXi 7.0.3 Update 3\n' >"$H/commands/vmware_-vl.txt"
printf '   CPU Packages: 2\n   HV Support: 2\n' >"$H/commands/localcli_hardware-cpu-global-get.txt"
IOT=$(python3 -c "
import yaml
for r in yaml.safe_load_all(open('$ROOT/rules/log-kb-host.yml')):
    if r and r.get('id') == 'log-kb-hostd-iotracker-slow':
        print(r['tests']['match'][0])")
C=$WORK/cna-host
cna "$C" cna7 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhv.enable = "TRUE"'
printf '%s\n' "$(printf '%s' "$IOT" | sed 's#vm-name/vm-name.vmx#cna7/cna7.vmx#')" >"$H/var/run/log/hostd.log"
printf '%s\n' "$(printf '%s' "$IOT" | sed 's#vm-name/vm-name.vmx#other/other.vmx#')" >>"$H/var/run/log/hostd.log"
run diagnose -f json --host "$WORK/hostb" "$C" "$W"
ok "--host: the host's product and build are in the evidence" \
    json "'host: $WORK/hostb (VMware ESXi 7.0.3 build 21424296)' in d['diagnoses'][0]['evidence']"
ok "--host: HV Support 2 from the bundle makes host-hv a problem (cpu-esxi-hv-disabled)" \
    sh -c "[ \"\$(dverdict host-hv)\" = problem ] && dnode host-hv fix_rules | grep -qx cpu-esxi-hv-disabled"
ok "--host: the hostd line naming cna7.vmx makes host-log a problem, that line (1) as evidence" \
    sh -c "[ \"\$(dverdict host-log)\" = problem ] && dnode host-log fix_rules | grep -qx log-kb-hostd-iotracker-slow && dnode host-log evidence | grep -q '$H/var/run/log/hostd.log:1: .*cna7/cna7.vmx'"
ok "--host: the other VM (win01) is named by no host line: host-log ok" \
    json "[n['verdict'] for n in d['diagnoses'][1]['nodes'] if n['id'] == 'host-log'] == ['ok']"
ok "--host: the host finding about the VM is reported once, the other VM's line is not" \
    json "len([f for f in d['findings'] if f['rule'] == 'log-kb-hostd-iotracker-slow']) == 1"
# the same host as a copy of its file system (no commands/: no build, no HV Support)
mkdir -p "$WORK/hostroot/var/run/log"
cp "$H/var/run/log/hostd.log" "$WORK/hostroot/var/run/log/"
run diagnose -f json --host "$WORK/hostroot" "$C"
ok "--host on a host's file system: host-log problem from its hostd.log, host-hv unknown" \
    sh -c "[ \"\$(dverdict host-log)\" = problem ] && [ \"\$(dverdict host-hv)\" = unknown ]"
# a host path that holds no bundle: an error naming it, exit 3, host-log unknown (never ok)
mkdir -p "$WORK/nohost" && echo hello >"$WORK/nohost/notes.txt"
run diagnose -f json --host "$WORK/nohost" "$C"
ok "--host on a folder that is no bundle: exit 3, an error naming it, host-log unknown" \
    sh -c "[ $RC -eq 3 ] && [ \"\$(dverdict host-log)\" = unknown ]"
ok "--host on a folder that is no bundle: the error names the folder" \
    json "any(e['path'] == '$WORK/nohost' and e['severity'] == 'error' for e in d['errors'])"
run diagnose -f json --host "$WORK/missing-host" "$C"
ok "--host on a missing path: exit 3, host-log unknown" sh -c "[ $RC -eq 3 ] && [ \"\$(dverdict host-log)\" = unknown ]"

# ---------------------------------------------------------------- bundle and the default run: unasked
# a vm-support folder whose nested VM triple-faulted (log-vm-triple-fault's first sample, the
# first trigger of data/diagnose_triggers.tsv) and whose other VM's log is quiet
TB=$WORK/tb/esx-h9-2024-01-01--00.00-1
mkdir -p "$TB/commands" "$TB/var/run/log" "$TB/vmfs/volumes/ds1/quiet"
printf 'VMware ESXi 7.0.3 build-21424296\n' >"$TB/commands/vmware_-vl.txt"
printf '   HV Support: 3\n' >"$TB/commands/localcli_hardware-cpu-global-get.txt"
cna "$TB/vmfs/volumes/ds1/cna9" cna9 'virtualHW.version = "19"' 'memSize = "4096"' 'vhv.enable = "TRUE"'
TF=$(python3 -c "
import yaml
for r in yaml.safe_load_all(open('$ROOT/rules/log-vm.yml')):
    if r and r.get('id') == 'log-vm-triple-fault':
        print(r['tests']['match'][0])")
WHY=$(awk -F '\t' '$1 == "log-vm-triple-fault" {print $3}' "$ROOT/data/diagnose_triggers.tsv")
printf '%s\n' "$TF" >"$TB/vmfs/volumes/ds1/cna9/vmware.log"
cna "$TB/vmfs/volumes/ds1/quiet" quiet 'virtualHW.version = "19"' 'memSize = "16384"' 'sched.mem.min = "16384"' 'vhv.enable = "TRUE"'
printf '%s\n' '2024-03-03T21:30:12.001Z| vmx| I125: Log for VMware ESX pid=1 version=7.0.3' >"$TB/vmfs/volumes/ds1/quiet/vmware.log"
printf '%s\n' "$(printf '%s' "$IOT" | sed 's#vm-name/vm-name.vmx#cna9/cna9.vmx#')" >"$TB/var/run/log/hostd.log"
(cd "$WORK/tb" && tar -czf "$WORK/tb.tgz" esx-h9-2024-01-01--00.00-1)
for input in "$WORK/tb" "$WORK/tb.tgz"; do
    run bundle -f json "$input"
    ok "bundle $(basename "$input"): the triple-faulted VM alone is diagnosed, started by the trigger's reason" \
        json "len(d['diagnoses']) == 1 and d['diagnoses'][0]['vm'].endswith('ds1/cna9') and 'started because $WHY' in d['diagnoses'][0]['evidence']"
    ok "bundle $(basename "$input"): its walk has every node of the tree ($NODES)" \
        json "len(d['diagnoses'][0]['nodes']) == $NODES"
    ok "bundle $(basename "$input"): the host's build and HV Support 3 answer host-hv" \
        json "any(e.endswith('(VMware ESXi 7.0.3 build 21424296)') for e in d['diagnoses'][0]['evidence']) and [n['verdict'] for n in d['diagnoses'][0]['nodes'] if n['id'] == 'host-hv'] == ['ok']"
    ok "bundle $(basename "$input"): 4 GB unreserved (vmx-nested-memory-small), the triple fault (vm-log), the hostd line (host-log)" \
        json "{n['id']: n['verdict'] for n in d['diagnoses'][0]['nodes']}.items() >= {'memory': 'problem', 'vm-log': 'problem', 'host-log': 'problem'}.items()"
    ok "bundle $(basename "$input"): the walk's own audit adds no finding to the bundle's" \
        json "not any(f['rule'].startswith('cpu-esxi-hv') for f in d['findings'])"
done
# the .vmx of a crashed VM is read again from the archive: what the first reading noted
# (a symbolic link skipped) is said once
ln -s /etc/passwd "$TB/var/run/log/link.log"
(cd "$WORK/tb" && tar -czf "$WORK/tb-link.tgz" esx-h9-2024-01-01--00.00-1)
rm -f "$TB/var/run/log/link.log"
run bundle -f json "$WORK/tb-link.tgz"
ok "bundle .tgz with a symbolic link and a crashed VM: the link's note once, the VM diagnosed" \
    json "len([e for e in d['errors'] if 'symbolic link' in e['message']]) == 1 and len(d['diagnoses']) == 1"
run bundle -f csv "$WORK/tb.tgz"
ok "bundle CSV keeps its findings' columns (the walk is in the other formats)" \
    sh -c "head -n 1 '$WORK/out' | grep -q '^vm_path,vm_name,rule,level,'"
run bundle -f html "$WORK/tb.tgz"
ok "bundle HTML draws the crashed VM's walk (one svg)" [ "$(grep -o '<svg' "$WORK/out" | wc -l)" -eq 1 ]
run bundle -f json "$WORK/hostb"
ok "bundle without a crashed VM: no diagnosis, the key is there" json "d['diagnoses'] == []"
run bundle -f nagios "$WORK/hostb"
ok "bundle without a crashed VM: the Nagios line speaks of no walk" sh -c "! head -n 1 '$WORK/out' | grep -q 'problem node'"
(VMTRIAGE_HOST_ROOT=$WORK/tb/esx-h9-2024-01-01--00.00-1 run -f json)
ok "the default run on a host's file system (VMTRIAGE_HOST_ROOT) diagnoses the triple-faulted VM" \
    json "len(d['diagnoses']) == 1 and d['diagnoses'][0]['vm'].endswith('ds1/cna9')"

# ---------------------------------------------------------------- the shared corpus
if have_shared "$SHARED/corpus/vmx" "corpus .vmx files" && have_shared "$SHARED/corpus/minidump" "corpus dumps"; then
    bad=
    for f in "$SHARED"/corpus/vmx/*.vmx; do
        "$VT" scan -f json "$f" >"$WORK/scan.json" 2>/dev/null
        "$VT" diagnose -f json --dump "$SHARED/corpus/minidump" "$f" >"$WORK/out" 2>/dev/null
        rc=$?
        python3 -c "
import json
s = json.load(open('$WORK/scan.json')); d = json.load(open('$WORK/out'))
err = lambda r: sorted((e['line'], e['message']) for e in r['errors'] if e['severity'] == 'error' and e['path'] == '$f')
g = d['diagnoses'][0]
ok = (len(d['diagnoses']) == 1 and len(g['nodes']) == $NODES and err(s) == err(d)
      and [n['verdict'] for n in g['nodes'] if n['id'] == 'dump'] != ['unknown'] and g['evidence'][0] == 'vmx: $f')
raise SystemExit(0 if ok and $rc <= 3 else 1)" || bad="$bad $(basename "$f")"
    done
    ok "corpus: every .vmx with the corpus dumps: one walk of all $NODES nodes, the dumps read, the .vmx errors scan gives and no others${bad:+ (failed:$bad)}" [ -z "$bad" ]
fi

# ---------------------------------------------------------------- text: marks
run diagnose --stop-code 0x7B "$W"
ok "text, UTF-8: a problem node is marked ✘, an ok node ✔" \
    sh -c "grep -q '^  ✘ storage (led here): ' '$WORK/out' && grep -q '^  ✔ nic: ' '$WORK/out'"
ok "text: the likely causes, storage first" sh -c "grep -A1 '^  LIKELY CAUSES' '$WORK/out' | grep -q '^    1. storage: '"
LANG=C run diagnose --stop-code 0x7B "$W"
ok "text, not UTF-8: ASCII marks [PROBLEM], [ok], [?]" \
    sh -c "grep -q '^  \[PROBLEM\] storage' '$WORK/out' && grep -q '^  \[ok\] nic' '$WORK/out' && grep -q '^  \[?\] dump' '$WORK/out' && ! grep -q '✘' '$WORK/out'"
run diagnose --no-color --stop-code 0x7B "$W"
ok "text, --no-color: ASCII marks" sh -c "grep -q '^  \[PROBLEM\] storage' '$WORK/out'"

# ---------------------------------------------------------------- bad input
echo 'just some text' >"$WORK/notes.txt"
run diagnose -f json "$WORK/notes.txt"
ok "a file that is no VM: exit 3" [ "$RC" -eq 3 ]
ok "a file that is no VM: one error naming it, the walk goes on with its .vmx nodes unknown" \
    json "any(e['severity'] == 'error' and e['path'] == '$WORK/notes.txt' and 'not a VM' in e['message'] for e in d['errors']) and [n for n in d['diagnoses'][0]['nodes'] if n['id']=='storage'][0]['verdict'] == 'unknown'"
mkdir -p "$WORK/empty"
run diagnose "$WORK/empty"
ok "a folder without .vmx: exit 3, one line naming it" \
    sh -c "[ $RC -eq 3 ] && grep -c '' '$WORK/err' | grep -qx 1 && grep -q \"^vmtriage: $WORK/empty: not a VM\" '$WORK/err'"
run diagnose -f json --stop-code 0x7Q "$W"
ok "a bad --stop-code: exit 3, an error naming --stop-code, stop-code unknown" \
    json "any(e['path'] == '--stop-code' and e['severity'] == 'error' and '0x7Q' in e['message'] for e in d['errors']) and d['diagnoses'][0]['nodes'][0]['verdict'] == 'unknown'"
ok "a bad --stop-code: exit status 3" [ "$RC" -eq 3 ]
run diagnose --stop-code NO_SUCH_BUGCHECK "$W"
ok "an unknown stop-code name: exit 3, one line on standard error" \
    sh -c "[ $RC -eq 3 ] && grep -q '^vmtriage: --stop-code: .NO_SUCH_BUGCHECK. is no stop code' '$WORK/err'"
run diagnose --console "$WORK/missing.txt" "$W"
ok "a missing console file: exit 3, error naming it" sh -c "[ $RC -eq 3 ] && grep -q \"^vmtriage: $WORK/missing.txt: \" '$WORK/err'"
printf 'abc\000def\n' >"$WORK/nul.txt"
run diagnose --console "$WORK/nul.txt" "$W"
ok "a console with a NUL byte: exit 3, error naming the offset (3)" sh -c "[ $RC -eq 3 ] && grep -q 'nul.txt: a NUL byte at offset 3' '$WORK/err'"
run diagnose --cpuinfo "$WORK/notes.txt" -f json "$W"
ok "a --cpuinfo that is no listing: exit 3, cpu-features stays unknown" \
    json "any(e['path'] == '$WORK/notes.txt' and e['severity'] == 'error' for e in d['errors']) and [n for n in d['diagnoses'][0]['nodes'] if n['id']=='cpu-features'][0]['verdict'] == 'unknown'"
printf 'Kernel panic - not syncing: \033]0;pwned\007 \342\200\256evil\n' >"$WORK/esc.txt"
run diagnose --console "$WORK/esc.txt" "$W"
ok "a console line with ESC, BEL and a bidi override: the text report carries none of them raw" \
    sh -c "grep -q 'Kernel panic' '$WORK/out' && ! grep -q \"\$(printf '\\033')\" '$WORK/out' && ! grep -q \"\$(printf '\\342\\200\\256')\" '$WORK/out'"
run diagnose -f xml "$W"
ok "an unknown format (usage error, exit 3)" [ "$RC" -eq 3 ]
run diagnose
ok "diagnose without a VM: usage error, exit 3" sh -c "[ $RC -eq 3 ] && grep -q 'diagnose needs a VM' '$WORK/err'"
printf 'Kernel panic - not syncing: Fatal exception\n' | "$VT" diagnose -f json --console - "$W" >"$WORK/out" 2>"$WORK/err"
ok "--console - reads standard input" json "d['diagnoses'][0]['nodes'][0]['answer'].endswith('a Linux kernel panic')"

done_testing
