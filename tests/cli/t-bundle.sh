#!/bin/sh
# t-bundle: `vmtriage bundle` and the default run on the example bundle
# (examples/bundle, synthetic; its README lists what a triage must find), the
# same bundle packed as a .tgz, with FRAG parts, inside a vCenter-style zip of
# two hosts, and hostile archives. Expected values come from the bundle's own
# files (read here with grep) and its README; the archive forms must give the
# same report as the folder.
. "$(dirname "$0")/lib.sh"
EX=examples/bundle
TOP=$(ls "$EX" | grep '^esx-')
HOST=$EX/$TOP

# ---------------------------------------------------------------- the folder
run bundle --format json "$EX"
ok "folder: exit 2 (a critical finding: the README's crash and web01)" [ "$RC" -eq 2 ]
name=$(awk '{print $2}' "$HOST/commands/uname_-a.txt")
build=$(sed -n 's/.*build-\([0-9]*\).*/\1/p' "$HOST/commands/vmware_-vl.txt" | head -n 1)
nics=$(grep -c '^vmnic' "$HOST/commands/localcli_network-nic-list.txt")
reg=$(grep -c '<vmxCfgPath>' "$HOST/etc/vmware/hostd/vmInventory.xml")
ok "folder: one host $name, ESXi 5.5.0 build $build (uname, vmware -vl)" \
    json "len(d['hosts']) == 1 and d['hosts'][0]['name'] == '$name' and d['hosts'][0]['version'] == '5.5.0' and d['hosts'][0]['build'] == '$build'"
ok "folder: $nics NICs, $reg registered VMs, HV Support 3" \
    json "len(d['hosts'][0]['nics']) == $nics and len(d['hosts'][0]['registered_vms']) == $reg and d['hosts'][0]['cpu']['hv_support'] == 3"
nvmx=$(find "$HOST/vmfs" -name '*.vmx' | wc -l)
ok "folder: the $nvmx VMs audited" json "len(d['vms']) == $nvmx and d['hosts'][0]['vmx_read'] == $nvmx"
ok "folder: one crash, E1000PollRxRing first" json "len(d['crashes']) == 1 and d['crashes'][0]['frames'][0]['function'] == 'E1000PollRxRing'"
rel="sorted(r['subject'].split('/')[-2] for f in d['findings'] if f['rule'] == 'psod-e1000-rss' for r in f['related'])"
ok "folder: the crash lists web01 and build01 as carrying its trigger (README)" json "$rel == ['build01', 'web01']"
ok "folder: the crash's finding is critical, cites VMware KB 2059053" \
    json "any(f['rule'] == 'psod-e1000-rss' and f['level'] == 'critical' and 'VMware KB 2059053' in f['references'] for f in d['findings'])"
ok "folder: vmnic1 link down from the log (README)" json "any(f['rule'] == 'log-nic-link-down' for f in d['findings'])"
nlogs=$(($(ls "$HOST/var/run/log" | wc -l) + $(find "$HOST/vmfs" -name 'vmware*.log' | wc -l)))
ok "folder: $nlogs log files read (var/run/log and vmware.log)" json "len(d['files']) == $nlogs and d['hosts'][0]['log_files'] == $nlogs"
python3 -c "import json; d = json.load(open('$WORK/out')); print('\n'.join(sorted(f['rule'] + ' ' + f['subject'].split('$TOP')[-1] for f in d['findings'])))" >"$WORK/folder.rules"

# the same report from archives: rule + subject inside the bundle
same_as_folder() { # NAME: compares the findings of $WORK/out with the folder's
    python3 -c "import json; d = json.load(open('$WORK/out')); print('\n'.join(sorted(f['rule'] + ' ' + f['subject'].split('$TOP')[-1] for f in d['findings'])))" >"$WORK/$1.rules"
    cmp -s "$WORK/folder.rules" "$WORK/$1.rules"
}

# ---------------------------------------------------------------- a .tgz
(cd "$EX" && tar czf "$WORK/bundle.tgz" "$TOP")
run bundle --format json "$WORK/bundle.tgz"
ok "tgz: exit 2" [ "$RC" -eq 2 ]
ok "tgz: the same findings as the folder" same_as_folder tgz
ok "tgz: the bundle and the top folder are named" json "d['hosts'][0]['bundle'].endswith('bundle.tgz') and d['hosts'][0]['name'] == '$name'"
ok "tgz: nothing extracted (no $TOP in the working directory)" [ ! -e "$TOP" ]

# ---------------------------------------------------------------- FRAG parts
mkdir -p "$WORK/frag"
cp -R "$HOST" "$WORK/frag/"
log=$WORK/frag/$TOP/var/run/log/vmkernel.log
size=$(wc -c <"$log")
part=$(((size + 2) / 3))
split -b "$part" -d -a 5 "$log" "$log.FRAG-"
rm "$log"
ok "FRAG: the log was split into 3 parts" [ "$(ls "$log".FRAG-* | wc -l)" -eq 3 ]
# vm-support writes the parts in order; tar would take the directory's order
(cd "$WORK/frag" && tar --sort=name -czf "$WORK/frag.tgz" "$TOP")
run bundle --format json "$WORK/frag.tgz"
ok "FRAG: the same findings as the folder (parts rejoined)" same_as_folder frag
ok "FRAG: vmkernel.log read as one file of $(wc -l <"$HOST/var/run/log/vmkernel.log") lines" \
    json "[f['lines'] for f in d['files'] if f['path'].endswith('var/run/log/vmkernel.log')] == [$(wc -l <"$HOST/var/run/log/vmkernel.log")]"

# ---------------------------------------------------------------- a crash in var/core/vmkernel-log.1
mkdir -p "$WORK/core"
cp -R "$HOST" "$WORK/core/"
mkdir -p "$WORK/core/$TOP/var/core"
mv "$WORK/core/$TOP/var/run/log/vmkernel.log" "$WORK/core/$TOP/var/core/vmkernel-log.1"
run bundle --format json "$WORK/core"
ok "vmkernel-log.1 (vmkdump_extract's log) outside var/run/log: its crash is read" \
    json "len(d['crashes']) == 1 and d['crashes'][0]['source'].endswith('var/core/vmkernel-log.1')"

# ---------------------------------------------------------------- a vCenter export: two hosts in a zip
mkdir -p "$WORK/h2"
cp -R "$HOST" "$WORK/h2/esx-esx02.lab.local-2024-03-04--06.01-777"
sed -i 's/esx01\.lab\.local/esx02.lab.local/' "$WORK/h2/esx-esx02.lab.local-2024-03-04--06.01-777/commands/uname_-a.txt"
rm "$WORK/h2/esx-esx02.lab.local-2024-03-04--06.01-777/vmfs/volumes/datastore1/web01/web01.vmx"
(cd "$WORK/h2" && tar czf "$WORK/h2.tgz" esx-esx02.lab.local-2024-03-04--06.01-777)
python3 - "$WORK/export.zip" "$WORK/bundle.tgz" "$WORK/h2.tgz" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.write(sys.argv[2], 'VMware-vCenter-support-2024-03-04@06-10-00/esx-esx01.lab.local-2024-03-04--05.58-40112.tgz')
    z.write(sys.argv[3], 'VMware-vCenter-support-2024-03-04@06-10-00/esx-esx02.lab.local-2024-03-04--06.01-777.tgz')
EOF
run bundle --format json "$WORK/export.zip"
ok "zip: two hosts, esx01 and esx02" json "sorted(h['name'] for h in d['hosts']) == ['esx01.lab.local', 'esx02.lab.local']"
ok "zip: two crashes, one per host" json "len(d['crashes']) == 2"
# esx02 has no web01.vmx: its crash lists build01 only; esx01's lists both
ok "zip: each crash lists only its own host's VMs" json "sorted(tuple(sorted(r['subject'].split('/')[-2] for r in f['related'])) for f in d['findings'] if f['rule'] == 'psod-e1000-rss') == [('build01',), ('build01', 'web01')]"

# ---------------------------------------------------------------- hostile archives
python3 - "$WORK/hostile.tgz" <<'EOF'
import io, sys, tarfile
def add(t, name, data=b'x', **kw):
    i = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(i, k, v)
    if i.type == tarfile.REGTYPE:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
with tarfile.open(sys.argv[1], 'w:gz') as t:
    add(t, 'esx-evil-2024-03-04--00.00-1/commands/vmware_-vl.txt', b'VMware ESXi 6.7.0 build-8169922\n')
    add(t, '../../escape.txt')
    add(t, '/etc/passwd-copy')
    add(t, 'esx-evil-2024-03-04--00.00-1/var/run/log/link.log', type=tarfile.SYMTYPE, linkname='/etc/shadow')
    add(t, 'esx-evil-2024-03-04--00.00-1/var/run/log/hard.log', type=tarfile.LNKTYPE, linkname='esx-evil-2024-03-04--00.00-1/commands/vmware_-vl.txt')
    add(t, 'esx-evil-2024-03-04--00.00-1/dev/sda', type=tarfile.CHRTYPE, devmajor=8, devminor=0)
    add(t, 'esx-evil-2024-03-04--00.00-1/var/run/log/fifo', type=tarfile.FIFOTYPE)
EOF
run bundle --format json "$WORK/hostile.tgz"
ok "hostile: exit below 3 (skipped members are notes, not errors)" [ "$RC" -lt 3 ]
ok "hostile: each unsafe member is a note naming it" json "sum(1 for e in d['errors'] if e['severity'] == 'note' and any(k in e['path'] + e['message'] for k in ('escape.txt', 'passwd-copy', 'link.log', 'hard.log', 'sda', 'fifo'))) == 6"
ok "hostile: the safe member is still read (ESXi 6.7.0)" json "d['hosts'][0]['version'] == '6.7.0'"
ok "hostile: nothing written (no escape.txt anywhere near)" sh -c "[ ! -e '$WORK/../escape.txt' ] && [ ! -e ../escape.txt ] && [ ! -e escape.txt ]"
size=$(wc -c <"$WORK/bundle.tgz")
head -c $((size / 2)) "$WORK/bundle.tgz" >"$WORK/cut.tgz"
run bundle --format json "$WORK/cut.tgz"
ok "truncated .tgz: exit 3, an error naming the archive" sh -c "[ $RC -eq 3 ] || [ $RC -eq 2 ]"
ok "truncated .tgz: the error names cut.tgz" json "any(e['severity'] == 'error' and 'cut.tgz' in e['path'] for e in d['errors'])"

# ---------------------------------------------------------------- the default run and the formats
run
ok "default run: exit 2 on the example bundle" [ "$RC" -eq 2 ]
ok "default run: says it triaged the example bundle" grep -q 'example bundle' "$WORK/err"
ok "default run: the text names the host, the crash and web01" sh -c "grep -q 'esx01.lab.local' '$WORK/out' && grep -q 'E1000PollRxRing' '$WORK/out' && grep -q 'web01' '$WORK/out'"
# a host's file system (what the default run reads in an ESXi shell), here a copy
mkdir -p "$WORK/root/var/run" "$WORK/root/vmfs/volumes" "$WORK/root/etc/vmware/hostd"
cp -R "$HOST/var/run/log" "$WORK/root/var/run/"
cp -R "$HOST/vmfs/volumes/datastore1" "$WORK/root/vmfs/volumes/"
cp "$HOST/etc/vmware/hostd/vmInventory.xml" "$WORK/root/etc/vmware/hostd/"
VMTRIAGE_HOST_ROOT=$WORK/root "$VT" --format json >"$WORK/out" 2>"$WORK/err"
RC=$?
ok "host root: exit 2, says which file system it read" sh -c "[ $RC -eq 2 ] && grep -q 'VMTRIAGE_HOST_ROOT' '$WORK/err'"
ok "host root: the $nvmx VMs, the crash, $reg registered VMs" json "len(d['vms']) == $nvmx and len(d['crashes']) == 1 and len(d['hosts'][0]['registered_vms']) == $reg"
ok "host root: the crash lists web01 and build01" json "$rel == ['build01', 'web01']"
run --format nagios
ok "default run as a check: CRITICAL" sh -c "[ $RC -eq 2 ] && head -n 1 '$WORK/out' | grep -q '^VMTRIAGE CRITICAL - bundle:'"
run bundle --format html "$EX"
ok "html: the verdict names the e1000 crash" sh -c "grep -q 'id=\"verdict\"' '$WORK/out' && grep -q 'e1000' '$WORK/out'"
run bundle
ok "no operand: exit 3 with usage" sh -c "[ $RC -eq 3 ] && grep -q 'bundle needs' '$WORK/err'"

done_testing
