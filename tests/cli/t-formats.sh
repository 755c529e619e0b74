#!/bin/sh
# t-formats: the three reporters agree, CSV opens in a spreadsheet safely,
# colour only on a terminal.
. "$(dirname "$0")/lib.sh"

printf 'config.version = "8"\ndisplayName = "=HYPERLINK(|22x|22)"\nguestOS = "windows7-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\nethernet1.present = "TRUE"\nethernet1.virtualDev = "e1000"\n' >"$WORK/v.vmx"

run scan --format json "$WORK/v.vmx"
ok "two e1000 NICs give one finding listing both" json "[f['devices'] for f in d['findings']] == [['ethernet0','ethernet1']]"
ok "JSON keeps the contract's names" json "set(d) >= {'vms','findings','errors'} and set(d['findings'][0]) >= {'rule','level','subject','title','description','references','remediation','related'}"
ok "nic type and type_explicit" json "d['vms'][0]['nics'][0]['type']=='e1000' and d['vms'][0]['nics'][0]['type_explicit'] is True"
ok "remediation is rendered with the VM name, quoted for PowerShell" json "\"Stop-VMGuest -VM '=HYPERLINK(\\\"x\\\")'\" in d['findings'][0]['remediation']['powercli']"

run scan --format csv "$WORK/v.vmx"
ok "CSV parses, header + one row per finding" python3 -c "import csv; r=list(csv.reader(open('$WORK/out', newline=''))); assert r[0][:4]==['vm_path','vm_name','rule','level'] and len(r)==2"
ok "CSV neutralises a formula in a cell" python3 -c "import csv; r=list(csv.reader(open('$WORK/out', newline=''))); assert r[1][1].startswith(\"'=\")"

run scan --format text "$WORK/v.vmx"
ok "text has no colour when not a terminal" sh -c "! grep -q \"$(printf '\033')\" '$WORK/out'"
ok "text has the table header" grep -q '^LEVEL *RULE *VM *DETAIL' "$WORK/out"
run scan -o "$WORK/report.json" --format json "$WORK/v.vmx"
ok "-o writes the file" python3 -c "import json; json.load(open('$WORK/report.json'))"

done_testing
