#!/bin/sh
# t-inventory: scan and diagnose read the inventories admins already have:
# RVTools exports (.xlsx and the per-sheet CSV files, read by header name with
# custom-attribute columns inserted), govc JSON (vm.info in both key forms,
# object.collect, device.info) and saved vmtriage reports (a scan's report
# scanned again gives the same findings per VM as the .vmx files). Every
# input is written here; expected values come from what it says. What an
# export cannot give (vhv.enable) is unknown, never read as the .vmx default.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PYTHONPATH="$ROOT/tests/cli/inventory"

# --- RVTools: the vInfo and vNetwork columns of kb/vsphere-api-and-peers.md §1.1,
# custom attributes ("Owner", "Cost Center") between Annotation and Datacenter.
python3 - "$WORK" <<'PY'
import csv, sys, os
from mkxlsx import write
w = sys.argv[1]
info_hdr = ["VM", "Powerstate", "Template", "SRM Placeholder", "Config status", "DNS Name",
            "Connection state", "Guest state", "Heartbeat", "CPUs", "Memory", "NICs", "Disks",
            "Firmware", "HW version", "Path", "Annotation", "Owner", "Cost Center", "Datacenter",
            "Cluster", "Host", "OS according to the configuration file",
            "OS according to the VMware Tools", "VM ID", "SMBIOS UUID", "VM UUID"]
def info(vm, power, cpus, mem, fw, hw, path, os_, uuid, host="esx01.lab", tmpl="False"):
    return [vm, power, tmpl, "False", "green", vm + ".lab", "connected", "running", "green",
            cpus, mem, 1, 1, fw, hw, path, "note", "alice", "CC-7", "DC1", "Cluster1", host, os_,
            "", "vm-1", "4203", uuid]
vms = [
    info("win2019", "poweredOn", 4, 8192, "efi", "vmx-19", "[ds1] win2019/win2019.vmx",
         "Microsoft Windows Server 2019 (64-bit)", "u-1"),
    info("linux1", "poweredOff", 2, 4096, "bios", "vmx-14", "[ds1] linux1/linux1.vmx",
         "CentOS 7 (64-bit)", "u-2"),
    info("nested", "poweredOn", 8, 16384, "efi", "vmx-13", "[ds2] nested/nested.vmx",
         "VMware ESXi 7.0 or later", "u-3"),
    # the same name twice: joined by VM UUID
    info("dup", "poweredOn", 1, 2048, "bios", "vmx-11", "[ds1] dup/dup.vmx",
         "Microsoft Windows 10 (64-bit)", "u-4"),
    info("dup", "poweredOn", 1, 2048, "bios", "vmx-11", "[ds2] dup/dup.vmx",
         "Microsoft Windows 10 (64-bit)", "u-5"),
]
net_hdr = ["VM", "Powerstate", "Template", "SRM Placeholder", "NIC label", "Adapter", "Network",
           "Switch", "Connected", "Starts Connected", "Mac Address", "Type", "IPv4 Address",
           "IPv6 Address", "Direct Path IO", "Internal Sort Column", "Annotation", "Owner",
           "Cost Center", "Datacenter", "Cluster", "Host", "Folder",
           "OS according to the configuration file", "OS according to the VMware Tools",
           "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID"]
def nic(vm, label, adapter, mac, uuid):
    return [vm, "poweredOn", "False", "False", label, adapter, "VM Network", "vSwitch0", "True",
            "True", mac, "assigned", "", "", "False", "1", "", "alice", "CC-7", "DC1",
            "Cluster1", "esx01.lab", "vm", "", "", "vm-1", uuid, "vc1", "x"]
nets = [
    nic("win2019", "Network adapter 1", "E1000", "00:50:56:00:00:01", "u-1"),
    nic("win2019", "Network adapter 2", "Vmxnet3", "00:50:56:00:00:02", "u-1"),
    nic("linux1", "Network adapter 1", "E1000E", "00:50:56:00:00:03", "u-2"),
    nic("nested", "Network adapter 1", "Vmxnet3", "00:50:56:00:00:04", "u-3"),
    nic("dup", "Network adapter 1", "Vmxnet3", "00:50:56:00:00:05", "u-4"),
    nic("dup", "Network adapter 1", "E1000", "00:50:56:00:00:06", "u-5"),
]
mem_hdr = ["VM", "Powerstate", "Template", "Size MiB", "Overhead", "Max", "Consumed",
           "Reservation", "Limit", "VM UUID"]
mems = [["nested", "poweredOn", "False", 16384, 0, 16384, 0, 16384, -1, "u-3"],
        ["win2019", "poweredOn", "False", 8192, 0, 8192, 0, 0, -1, "u-1"]]
os.makedirs(w + "/csv")
for name, hdr, rows in (("vInfo", info_hdr, vms), ("vNetwork", net_hdr, nets),
                        ("vMemory", mem_hdr, mems)):
    with open("%s/csv/RVTools_tab%s.csv" % (w, name), "w", newline="") as f:
        c = csv.writer(f)
        c.writerow(hdr)
        c.writerows(rows)
write(w + "/rv.xlsx", {"vSource": [["Name", "Version"], ["vc1", "8.0"]], "vInfo": [info_hdr] + vms,
                       "vNetwork": [net_hdr] + nets, "vMemory": [mem_hdr] + mems})
write(w + "/rv-inline.xlsx", {"vInfo": [info_hdr] + vms, "vNetwork": [net_hdr] + nets,
                              "vMemory": [mem_hdr] + mems}, inline=True)
PY

# expected, from the rows above: win2019 (Windows, NT >= 6.0) has an e1000: the RSS rule;
# linux1 has an e1000e; nested (an ESXi guest) has HW 13 (< 15), 16 GB fully reserved;
# dup#1 vmxnet3 (no e1000 finding), dup#2 e1000 in Windows 10 (the RSS rule).
check_rvtools() { # FORM-DESC ARGS...
    desc=$1
    shift
    run scan -f json "$@"
    ok "$desc: read (exit $RC: findings, no error)" [ "$RC" -le 2 ]
    ok "$desc: 5 VMs" json 'len(d["vms"]) == 5'
    ok "$desc: names in row order" json '[v["name"] for v in d["vms"]] == ["win2019","linux1","nested","dup","dup"]'
    ok "$desc: adapter types from vNetwork" \
        json '[[n["type"] for n in v["nics"]] for v in d["vms"]] == [["e1000","vmxnet3"],["e1000e"],["vmxnet3"],["vmxnet3"],["e1000"]]'
    ok "$desc: MAC and network from vNetwork" \
        json 'd["vms"][0]["nics"][0]["mac"] == "00:50:56:00:00:01" and d["vms"][0]["nics"][0]["network"] == "VM Network"'
    ok "$desc: guest OS from the display name (family, NT version)" \
        json '[(v["guest_family"], v.get("windows_nt")) for v in d["vms"]] == [("windows",1000),("linux",None),("vmkernel",None),("windows",1000),("windows",1000)]'
    ok "$desc: HW version, firmware, memory, CPUs" \
        json '[(v["hw_version"], v["firmware"], v["memory_mb"], v["vcpus"]) for v in d["vms"]][:3] == [(19,"efi",8192,4),(14,"bios",4096,2),(13,"efi",16384,8)]'
    ok "$desc: memory reservation from vMemory" \
        json '[v["mem_reservation_mb"] for v in d["vms"]] == [0, None, 16384, None, None] and d["vms"][2]["mem_fully_reserved"]'
    ok "$desc: power state and host" \
        json 'd["vms"][1]["power_state"] == "poweredOff" and d["vms"][0]["host"] == "esx01.lab" and d["vms"][0]["cluster"] == "Cluster1"'
    ok "$desc: the datastore path gives the host file" \
        json 'd["vms"][0]["host_file"] == "/vmfs/volumes/ds1/win2019/win2019.vmx"'
    ok "$desc: vhv.enable unknown (null), not the .vmx default" json 'all(v["vhv_enable"] is None for v in d["vms"])'
    f='sorted((x.get("name"), x["rule"]) for x in d["findings"])'
    ok "$desc: e1000 + RSS guest found for win2019 and the second dup" \
        json "[k for k in $f if k[1] == 'vmx-e1000-rss-guest'] == [('dup','vmx-e1000-rss-guest'),('win2019','vmx-e1000-rss-guest')]"
    ok "$desc: the nested ESXi guest on HW 13" json "('nested','vmx-nested-hw-version') in $f"
    ok "$desc: no memory finding for the fully reserved 16 GB" \
        json "not [k for k in $f if k[0] == 'nested' and k[1].startswith('vmx-nested-memory')]"
    ok "$desc: no vhv.enable finding: the export cannot say (unknown)" \
        json "not [k for k in $f if k[1] in ('vmx-nested-vhv-off', 'vmx-nested-timesync')]"
    ok "$desc: subjects FILE:ROW" json 'd["vms"][0]["path"].endswith(":2") and d["vms"][4]["path"].endswith(":6")'
    ok "$desc: one note of what the export cannot give" \
        json 'len([e for e in d["errors"] if "cannot give" in e["message"] and "vhv.enable" in e["message"]]) == 1'
    ok "$desc: the rules left unknown are named" \
        json 'any("vmx-nested-vhv-off" in e["message"] for e in d["errors"] if e["message"].startswith("rules unknown"))'
}
check_rvtools "RVTools CSV folder" "$WORK/csv"
check_rvtools "RVTools .xlsx (shared strings)" "$WORK/rv.xlsx"
check_rvtools "RVTools .xlsx (inline strings)" "$WORK/rv-inline.xlsx"

# A single vInfo CSV: VMs, and NICs unknown (no vNetwork): no e1000 verdict either way
run scan -f json "$WORK/csv/RVTools_tabvInfo.csv"
ok "vInfo CSV alone: 5 VMs" json 'len(d["vms"]) == 5'
ok "vInfo CSV alone: no NIC finding (NICs unknown)" json 'not [x for x in d["findings"] if x["rule"].startswith("vmx-e1000")]'
ok "vInfo CSV alone: the note says NICs are not given" json 'any("NICs" in e["message"] for e in d["errors"])'
run scan "$WORK/csv/RVTools_tabvNetwork.csv"
ok "vNetwork CSV alone: exit 0, says to give the folder" sh -c "[ $RC -eq 0 ] && grep -q 'give the folder' '$WORK/err'"

# text output names the VM by file and row
run scan "$WORK/csv"
ok "text: the subject is FILE:ROW (name)" grep -q "RVTools_tabvInfo.csv:2 (win2019)" "$WORK/out"

# --- govc JSON
cat >"$WORK/vminfo-old.json" <<'J'
{"VirtualMachines":[{"Self":{"Type":"VirtualMachine","Value":"vm-57"},"Name":"g-old","Config":{"Name":"g-old","GuestId":"windows9Server64Guest","Version":"vmx-13","Firmware":"bios","Template":false,"NestedHVEnabled":true,"Hardware":{"NumCPU":2,"NumCoresPerSocket":1,"MemoryMB":2048,"Device":[{"Key":202,"BusNumber":0},{"Key":4000,"MacAddress":"00:0c:29:00:00:01","AddressType":"generated","Backing":{"DeviceName":"VM Network"}}]},"MemoryAllocation":{"Reservation":0},"Tools":{"SyncTimeWithHost":true}},"Runtime":{"PowerState":"poweredOn","Host":{"Type":"HostSystem","Value":"host-21"}},"Summary":{"Config":{"VmPathName":"[LocalDS_0] g-old/g-old.vmx"}}}]}
J
run scan -f json "$WORK/vminfo-old.json"
ok "vm.info PascalCase: 1 VM, name, guest" json 'len(d["vms"]) == 1 and d["vms"][0]["name"] == "g-old" and d["vms"][0]["guest_os"] == "windows9srv-64"'
ok "vm.info PascalCase: vhv.enable and time sync from the config" json 'd["vms"][0]["vhv_enable"] == True and d["vms"][0]["tools_sync_time"] == True'
ok "vm.info PascalCase: a NIC whose class the JSON does not name has no type (unknown)" \
    json 'd["vms"][0]["nics"][0]["type"] is None and d["vms"][0]["nics"][0]["mac"] == "00:0c:29:00:00:01"'
ok "vm.info PascalCase: no e1000 verdict on an unnamed class" json 'not [x for x in d["findings"] if x["rule"].startswith("vmx-e1000")]'
ok "vm.info PascalCase: the note says adapter types are not given" json 'any("NIC adapter types" in e["message"] for e in d["errors"])'
ok "vm.info PascalCase: the vhv.enable rule ran (HW 13 < 15 with vhv on)" json '[x for x in d["findings"] if x["rule"] == "vmx-nested-hw-version"]'
cat >"$WORK/vminfo-new.json" <<'J'
{"virtualMachines":[{"self":{"type":"VirtualMachine","value":"vm-60"},"name":"g-new","config":{"guestId":"windows9Server64Guest","version":"vmx-19","firmware":"efi","hardware":{"numCPU":4,"memoryMB":8192,"device":[{"_typeName":"ParaVirtualSCSIController","key":1000,"busNumber":0},{"_typeName":"VirtualDisk","key":2000,"controllerKey":1000,"unitNumber":0,"backing":{"_typeName":"VirtualDiskFlatVer2BackingInfo","fileName":"[ds] g-new/g-new.vmdk"}},{"_typeName":"VirtualE1000","key":4000,"macAddress":"00:0c:29:00:00:02","addressType":"generated","backing":{"deviceName":"VM Network"},"connectable":{"startConnected":true}},{"_typeName":"VirtualHdAudioCard","key":5000}]},"memoryAllocation":{"reservation":0},"tools":{}},"runtime":{"powerState":"poweredOff"}}]}
J
run scan -f json "$WORK/vminfo-new.json"
ok "vm.info camelCase: e1000 by class, pvscsi boot controller" \
    json 'd["vms"][0]["nics"][0]["type"] == "e1000" and d["vms"][0]["controllers"][0]["type"] == "pvscsi" and d["vms"][0]["controllers"][0]["boot"]'
ok "vm.info camelCase: vhv.enable known and unset (the config holds no NestedHVEnabled)" json 'd["vms"][0]["vhv_enable"] is None and d["vms"][0]["sound"] == True'
ok "vm.info camelCase: e1000 + RSS and Windows on PVSCSI boot found" \
    json 'sorted(x["rule"] for x in d["findings"] if x["rule"] in ("vmx-e1000-rss-guest","vmx-windows-pvscsi-boot")) == ["vmx-e1000-rss-guest","vmx-windows-pvscsi-boot"]'
ok "vm.info camelCase: subject FILE:N" json 'd["vms"][0]["path"].endswith("vminfo-new.json:1")'
cat >"$WORK/collect.json" <<'J'
{"Obj":{"Type":"HostSystem","Value":"host-21"},"ChangeSet":[{"Name":"name","Op":"assign","Val":"DC0_H0"}],"MissingSet":null}
{"Obj":{"Type":"VirtualMachine","Value":"vm-57"},"ChangeSet":[{"Name":"name","Op":"assign","Val":"c-old"},{"Name":"config.guestId","Op":"assign","Val":"windows9_64Guest"},{"Name":"config.hardware.device","Op":"assign","Val":{"VirtualDevice":[{"Key":4000,"MacAddress":"00:0c:29:00:00:03"}]}}],"MissingSet":null}
{"obj":{"type":"VirtualMachine","value":"vm-60"},"changeSet":[{"name":"name","op":"assign","val":{"_typeName":"string","_value":"c-new"}},{"name":"config.guestId","op":"assign","val":{"_typeName":"string","_value":"windows9_64Guest"}},{"name":"config.hardware.device","op":"assign","val":{"_typeName":"ArrayOfVirtualDevice","_value":[{"_typeName":"VirtualE1000","key":4000,"macAddress":"00:0c:29:00:00:04"}]}}]}
J
run scan -f json "$WORK/collect.json"
ok "object.collect: the 2 VMs of the stream (the host is no VM)" json '[v["name"] for v in d["vms"]] == ["c-old","c-new"]'
ok "object.collect: both key forms; e1000 found only where the class is named" \
    json '[(x["name"], x["rule"]) for x in d["findings"] if x["rule"] == "vmx-e1000-rss-guest"] == [("c-new","vmx-e1000-rss-guest")]'
ok "object.collect: vhv.enable not collected: unknown" json 'any("vhv.enable" in e["message"] for e in d["errors"] if "cannot give" in e["message"])'
printf '{"Devices":[{"Name":"ethernet-0","Type":"VirtualE1000","Key":4000,"MacAddress":"00:0c:29:00:00:05"},{"Name":"pvscsi-1000","Type":"ParaVirtualSCSIController","Key":1000,"BusNumber":0}]}' >"$WORK/dev.json"
run scan -f json "$WORK/dev.json"
ok "device.info: one VM named by the file, its devices" \
    json 'len(d["vms"]) == 1 and d["vms"][0]["path"].endswith("dev.json") and d["vms"][0]["nics"][0]["type"] == "e1000" and d["vms"][0]["controllers"][0]["type"] == "pvscsi"'
ok "device.info: the guest is not given: no e1000 + RSS verdict" json 'not d["findings"]'
ok "device.info: the note says the guest OS is not given" json 'any("guest OS" in e["message"] for e in d["errors"])'

# --- a saved report: scanning it gives the findings of scanning the .vmx files
run scan -f json "$ROOT/examples/datastore"
cp "$WORK/out" "$WORK/report.json"
ok "report: the example datastore has findings to compare" json 'len(d["findings"]) > 3'
run scan -f json "$WORK/report.json"
ok "report: exit as for the .vmx files" [ "$RC" -le 2 ]
python3 - "$WORK/report.json" "$WORK/out" >"$WORK/cmp" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda r: sorted((f.get("name") or f["subject"], f["rule"], f["subject"]) for f in r["findings"])
print("same" if key(a) == key(b) else "differ: %s / %s" % (key(a), key(b)))
print("vms %d %d" % (len(a["vms"]), len(b["vms"])))
fields = ["name", "guest_os", "hw_version", "firmware", "vhv_enable", "memory_mb", "mem_reservation_mb",
          "vcpus", "sound", "usb", "tools_sync_time", "nics", "controllers", "boot_basis"]
strip = lambda v: {k: ([{kk: vv for kk, vv in n.items() if kk != "line"} for n in v[k]] if k == "nics" else v[k]) for k in fields}
print("records same" if [strip(v) for v in a["vms"]] == [strip(v) for v in b["vms"]] else "records differ")
PY
ok "report: the same findings (rule, VM, subject) as the .vmx scan" grep -qx same "$WORK/cmp"
ok "report: the same number of VMs" sh -c "grep -q '^vms' '$WORK/cmp' && awk '/^vms/ { exit !(\$2 == \$3) }' '$WORK/cmp'"
ok "report: each record rebuilt field by field" grep -qx "records same" "$WORK/cmp"
cp "$WORK/out" "$WORK/report2.json"
run scan -f json "$WORK/report2.json"
ok "report of a report: still the same findings" json "len(d['findings']) == len(json.load(open('$WORK/report.json'))['findings'])"
printf '{"schema":1,"command":"psod","vmtriage":"0.1.0","crashes":[]}' >"$WORK/psod.json"
run scan "$WORK/psod.json"
ok "report without VM records: read, 0 VMs, a note says so" sh -c "[ $RC -eq 0 ] && grep -q 'holds no VM records' '$WORK/err'"

# a report of an inventory keeps what the inventory could not give
run scan -f json "$WORK/csv"
cp "$WORK/out" "$WORK/rv-report.json"
ok "report of an RVTools scan: each record lists what the export could not give" \
    json 'all("vhv_enable" in v["unknown"] and "nic_types" not in v["unknown"] for v in d["vms"])'
run scan -f json "$WORK/rv-report.json"
ok "report of an RVTools scan, scanned: the same findings" \
    json "sorted((f['name'], f['rule']) for f in d['findings']) == sorted((f['name'], f['rule']) for f in json.load(open('$WORK/rv-report.json'))['findings'])"
ok "report of an RVTools scan, scanned: vhv.enable still unknown (not read as unset)" \
    json 'any("vmx-nested-vhv-off" in e["message"] for e in d["errors"] if e["message"].startswith("rules unknown"))'
ok "a .vmx scan's records list nothing unknown" json "all('unknown' not in v for v in json.load(open('$WORK/report.json'))['vms'])"

# --- diagnose takes them too
run diagnose -f json "$WORK/rv.xlsx"
ok "diagnose: one diagnosis per VM of the workbook" json 'len(d["diagnoses"]) == 5'
ok "diagnose: the e1000 VM's nic node is a problem" json '[n["verdict"] for n in d["diagnoses"][0]["nodes"] if n["id"] == "nic"] == ["problem"]'
ok "diagnose: time sync is unknown (not in the export), not ok" \
    json '[n["verdict"] for n in d["diagnoses"][2]["nodes"] if n["id"] == "time-sync"] == ["unknown"]'

# --- by content, not by name: a .json named .csv, a workbook named .dat
cp "$WORK/vminfo-new.json" "$WORK/inventory.csv"
cp "$WORK/rv.xlsx" "$WORK/export.dat"
run scan -f json "$WORK/inventory.csv" "$WORK/export.dat"
ok "recognised by content: 1 + 5 VMs" json 'len(d["vms"]) == 6'

done_testing
