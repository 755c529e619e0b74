#!/bin/sh
# t-datastore: the walk and the e1000 audit over a datastore laid out as ESXi
# lays it out (uuid folder + name symlink), with each trap of the seed's
# `grep -i e1000 /vmfs/volumes/*/*/*.vmx` (kb/vmx.md §5): commented lines,
# present = "FALSE", annotation text, e1000e, CRLF + upper-case keys, a .vmtx
# template, a non-VMware .vmx, a symlink loop and a broken link.
. "$(dirname "$0")/lib.sh"

V=$WORK/vmfs/volumes
U=$V/5f00aa11-22bb33cc-44dd-0050569a0001
mkdir -p "$U/a" "$U/b" "$U/c" "$U/d" "$U/e" "$U/f" "$U/g" "$U/h"
ln -s 5f00aa11-22bb33cc-44dd-0050569a0001 "$V/datastore1"
ln -s .. "$U/h/loop"
ln -s nowhere.vmx "$U/h/broken.vmx"
printf 'config.version = "8"\nguestOS = "windows9-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n' >"$U/a/a.vmx"
printf 'config.version = "8"\nguestOS = "windows9-64"\n#ethernet0.virtualDev = "e1000"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "vmxnet3"\n' >"$U/b/b.vmx"
printf 'config.version = "8"\nguestOS = "windows9-64"\nethernet0.present = "FALSE"\nethernet0.virtualDev = "e1000"\nethernet1.present = "TRUE"\nethernet1.virtualDev = "vmxnet3"\n' >"$U/c/c.vmx"
printf 'config.version = "8"\nguestOS = "rhel8-64"\nannotation = "migrated from e1000 to vmxnet3|0Asee ticket"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "vmxnet3"\n' >"$U/d/d.vmx"
printf 'CONFIG.VERSION = "8"\r\nGUESTOS = "ubuntu-64"\r\nETHERNET0.PRESENT = "TRUE"\r\nETHERNET0.VIRTUALDEV = "E1000"\r\n' >"$U/e/e.vmx"
printf 'config.version = "8"\nguestOS = "winxppro"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n' >"$U/f/f.vmtx"
printf 'config.version = "8"\nguestOS = "windows9-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000e"\n' >"$U/g/g.vmx"
printf 'versioninfo\n{\n\t"editorversion" "400"\n}\n' >"$U/h/map.vmx"

run scan --format json "$V"
ok "exit status 2 (a critical finding)" [ "$RC" -eq 2 ]
ok "seven VMs, each once" json "len(d['vms']) == 7 and len({v['path'] for v in d['vms']}) == 7"
ok "paths name the uuid folder, not the symlink" json "all('/5f00aa11-' in v['path'] and 'datastore1' not in v['path'] for v in d['vms'])"
ok "the name symlink is counted as an alias" json "d['summary']['aliases_skipped'] >= 1"
ok "the template is a VM" json "any(v['path'].endswith('f.vmtx') and v['template'] for v in d['vms'])"
e1000() { json "sorted(f['subject'].split('/')[-1] for f in d['findings'] if f['rule'] in ('vmx-e1000-rss-guest','vmx-e1000-nic')) == $1"; }
ok "e1000 found exactly in a, e (CRLF, upper case) and f (template)" e1000 "['a.vmx', 'e.vmx', 'f.vmtx']"
ok "Windows 10 on e1000 is critical" json "any(f['rule']=='vmx-e1000-rss-guest' and f['level']=='critical' and f['subject'].endswith('/a.vmx') for f in d['findings'])"
ok "Ubuntu and Windows XP on e1000 are high" json "sorted(f['subject'][-6:] for f in d['findings'] if f['rule']=='vmx-e1000-nic') == ['/e.vmx', 'f.vmtx']"
ok "e1000e is reported apart" json "[f['subject'][-5:] for f in d['findings'] if f['rule']=='vmx-e1000e-nic'] == ['g.vmx']"
ok "the finding cites KB 2059053" json "all('VMware KB 2059053' in f['references'] for f in d['findings'] if f['rule']=='vmx-e1000-rss-guest')"
ok "evidence names the virtualDev line" json "any(e['line']==4 and 'e1000' in e['text'] for f in d['findings'] if f['subject'].endswith('/a.vmx') for e in f['evidence'])"
ok "the disabled NIC is present=false" json "[n['present'] for v in d['vms'] if v['path'].endswith('/c.vmx') for n in v['nics']] == [False, True]"
ok "CRLF upper-case type reads as e1000" json "[n['type'] for v in d['vms'] if v['path'].endswith('/e.vmx') for n in v['nics']] == ['e1000']"
ok "the non-VMware .vmx is a note, not a VM" json "any(x['path'].endswith('map.vmx') and x['severity']=='note' for x in d['errors']) and d['summary']['not_vmware'] == 1"
ok "the symlink loop is reported" json "any('loop' in x['path'] and 'loop' in x['message'] for x in d['errors'])"
ok "the broken link is reported" json "any(x['path'].endswith('broken.vmx') and 'broken' in x['message'] for x in d['errors'])"

run scan --format json "$V/datastore1"
ok "a name symlink given as the root is walked" json "len(d['vms']) == 7"

run scan --format json -j 2 "$V" "$V/datastore1" "$U/a/a.vmx"
ok "overlapping roots still give each VM once" json "len(d['vms']) == 7"

done_testing
