#!/bin/sh
# t-example: the bundled example datastore gives exactly the findings its
# README table (examples/datastore/vmfs/volumes/README.md) says it shows.
. "$(dirname "$0")/lib.sh"
run scan --format json examples/datastore
ok "exit 2: web01 is critical" [ "$RC" -eq 2 ]
has() { json "sorted(f['rule'] for f in d['findings'] if '/$1/' in f['subject']) == sorted($2)"; }
ok "web01: e1000 on Windows Server 2019" has web01 "['vmx-e1000-rss-guest']"
ok "build01: e1000 on Ubuntu only (comment and annotation ignored)" has build01 "['vmx-e1000-nic']"
ok "app02: nothing (its e1000 is not present)" has app02 "[]"
ok "fileserver: Windows on PVSCSI" has fileserver "['vmx-windows-pvscsi-boot']"
ok "legacy-rhel5: implicit adapter type" has legacy-rhel5 "['vmx-nic-type-implicit']"
ok "tmpl-win10: e1000e in a template" has tmpl-win10 "['vmx-e1000e-nic']"
ok "nested-esxi01: vhc.enable typo and the checklist" has nested-esxi01 "['vmx-vhc-enable-typo','vmx-nested-vhv-off','vmx-nested-hw-version','vmx-nested-memory-small','vmx-nested-memory-unreserved','vmx-nested-scsi-controller','vmx-nested-timesync','vmx-nested-unneeded-devices']"
ok "maps/level.vmx is not a VM" json "d['summary']['not_vmware'] == 1 and not any('maps' in v['path'] for v in d['vms'])"
ok "seven VMs once each despite the datastore1 symlink" json "len(d['vms']) == 7 and d['summary']['aliases_skipped'] == 1"
done_testing
