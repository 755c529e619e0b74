#!/bin/sh
# t-inventory (hostile): inventories that are broken or hostile give one
# error line naming the file and the line, row or byte offset, exit 3, never
# a crash, a hang or an all-clear; odd but valid CSV (BOM, CRLF, quoted
# newlines and quotes, ';' separators) is read right.
. "$(dirname "$0")/../cli/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PYTHONPATH="$ROOT/tests/cli/inventory"

HDR='VM,Powerstate,CPUs,Memory,Annotation,Site code,Datacenter,OS according to the configuration file'

# bad DESC EXPECTED-TEXT FILE: exit 3, one error line naming the file and the text
bad() {
    run scan "$3"
    ok "$1: exit 3 (got $RC)" [ "$RC" -eq 3 ]
    ok "$1: the error names the file and says why" grep -qF "$(basename "$3")" "$WORK/err"
    ok "$1: ... '$2'" grep -qF -- "$2" "$WORK/err"
    ok "$1: no all-clear" sh -c "! grep -q 'no findings' '$WORK/out'"
}

# --- CSV: valid oddities
printf '\357\273\277%s\r\n"two\r\nlines",poweredOn,2,2048,"say ""hi""",x,DC,Microsoft Windows 10 (64-bit)\r\nplain,poweredOff,1,1024,,y,DC,CentOS 7 (64-bit)\r\n' "$HDR" >"$WORK/odd.csv"
run scan -f json "$WORK/odd.csv"
ok "BOM + CRLF + quoted newline: read (exit $RC)" [ "$RC" -le 2 ]
ok "BOM + CRLF + quoted newline: 2 VMs, names as written" json '[v["name"] for v in d["vms"]] == ["two\r\nlines", "plain"]'
ok "BOM + CRLF + quoted newline: the second row is named by its line (3: the first spans 2-3)" \
    json 'd["vms"][1]["path"].endswith("odd.csv:4")'
ok "BOM: the first header is 'VM', not a BOM-prefixed name" json 'd["vms"][0]["vcpus"] == 2 and d["vms"][0]["memory_mb"] == 2048'
printf 'VM;Powerstate;CPUs;OS according to the configuration file\nsemi;poweredOn;3;Microsoft Windows Server 2016 (64-bit)\n' >"$WORK/semi.csv"
run scan -f json "$WORK/semi.csv"
ok "';' separated: read" json 'd["vms"][0]["name"] == "semi" and d["vms"][0]["vcpus"] == 3'

# --- CSV: broken
printf '%s\n"never closed,poweredOn,1,1,,,DC,x\n' "$HDR" >"$WORK/unclosed.csv"
bad "CSV quote never closed" "unclosed.csv:2: a quoted cell is not closed" "$WORK/unclosed.csv"
python3 -c "import sys; print(sys.argv[1]); print('big,poweredOn,1,1,' + 'x' * (2 << 20) + ',,DC,x')" "$HDR" >"$WORK/huge.csv"
bad "CSV huge cell" "huge.csv:2: a cell of more than 1 MiB" "$WORK/huge.csv"
python3 -c "print('VM,Powerstate,CPUs,OS according to the configuration file'); print('x,poweredOn,1,x\nwide,' + ','.join(['c'] * 5000))" >"$WORK/wide.csv"
bad "CSV too many columns" "wide.csv:3: a row of more than 4096 cells" "$WORK/wide.csv"
printf 'VM,Powerstate,Notes\nx,on,1\n' >"$WORK/wronghdr.csv"
bad "CSV with a VM column but no known sheet" "wronghdr.csv:1: a table with a VM column" "$WORK/wronghdr.csv"
printf '%s\n,poweredOn,1,1,,,DC,x\n' "$HDR" >"$WORK/noname.csv"
bad "CSV row without a VM name" "noname.csv:2: RVTools vInfo row without a VM name" "$WORK/noname.csv"
mkdir "$WORK/netonly"
printf 'VM,Adapter,Network\nx,E1000,VM Network\n' >"$WORK/netonly/RVTools_tabvNetwork.csv"
bad "CSV folder without vInfo" "without the vInfo sheet" "$WORK/netonly"

# --- xlsx
python3 - "$WORK" <<'PY'
import sys, zipfile
from mkxlsx import write
w = sys.argv[1]
hdr = ["VM", "Powerstate", "CPUs", "OS according to the configuration file"]
write(w + "/ok.xlsx", {"vInfo": [hdr, ["a", "poweredOn", 1, "Microsoft Windows 10 (64-bit)"]]})
data = open(w + "/ok.xlsx", "rb").read()
open(w + "/trunc.xlsx", "wb").write(data[: len(data) // 2])
write(w + "/nosheet.xlsx", {"vNetwork": [["VM", "Adapter"], ["a", "E1000"]]})
write(w + "/hugecell.xlsx", {"vInfo": [hdr, ["a" * (2 << 20), "poweredOn", 1, "x"]]}, inline=True)
write(w + "/badhdr.xlsx", {"vInfo": [["Name", "Power"], ["a", "on"]]})
write(w + "/nosst.xlsx", {"vInfo": [hdr, ["a", "poweredOn", 1, "x"]]}, drop=("sst",))
# a sheet that is not XML, and one with an entity expansion ("billion laughs")
write(w + "/badxml.xlsx", {"vInfo": [hdr]})
z = zipfile.ZipFile(w + "/badxml.xlsx", "a")
zin = zipfile.ZipFile(w + "/ok.xlsx")
lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    '<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i else "&lol;") * 10) for i in range(1, 10)) + \
    ']><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
z.close()
def rewrite(src, dst, member, body):
    zi = zipfile.ZipFile(src)
    zo = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    for it in zi.infolist():
        zo.writestr(it.filename, body if it.filename == member else zi.read(it.filename))
    zo.close()
rewrite(w + "/ok.xlsx", w + "/badxml.xlsx", "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>")
rewrite(w + "/ok.xlsx", w + "/lol.xlsx", "xl/worksheets/sheet1.xml", lol)
zipfile.ZipFile(w + "/other.zip", "w").writestr("readme.txt", "hello")
PY
run scan -f json "$WORK/ok.xlsx"
ok "xlsx: the well-formed workbook reads (the base of the broken ones)" json 'len(d["vms"]) == 1'
bad "xlsx truncated" "truncated or corrupt" "$WORK/trunc.xlsx"
bad "xlsx without a vInfo sheet" "without a vInfo sheet" "$WORK/nosheet.xlsx"
bad "xlsx huge cell" "hugecell.xlsx:2: sheet vInfo, row 2: a cell or string of more than 1 MiB" "$WORK/hugecell.xlsx"
bad "xlsx wrong header" "badhdr.xlsx:1: RVTools vInfo sheet without a 'VM' column" "$WORK/badhdr.xlsx"
bad "xlsx shared string missing" "a cell naming a shared string" "$WORK/nosst.xlsx"
bad "xlsx sheet not XML" "sheet vInfo" "$WORK/badxml.xlsx"
run scan "$WORK/lol.xlsx"
ok "xlsx with nested entities: ends, exit 3 (got $RC)" [ "$RC" -eq 3 ]
bad "a zip that is no workbook" "without a vInfo sheet" "$WORK/other.zip"

# --- JSON
printf '{"schema":7,"command":"scan","vms":[]}' >"$WORK/schema7.json"
bad "report of an unknown schema" "byte 11: a vmtriage report: report schema 7 is not known" "$WORK/schema7.json"
printf '{"command":"scan","schema":1,"vms":[]}' >"$WORK/late.json"
bad "report without schema first (an older vmtriage's)" 'byte 10: a vmtriage report: no "schema" first' "$WORK/late.json"
printf '{"VirtualMachines":[{"Name":"x","Config":{"GuestId":' >"$WORK/trunc.json"
bad "JSON truncated: the offset is the file's end" "byte $(wc -c <"$WORK/trunc.json" | tr -d ' '): not valid JSON" "$WORK/trunc.json"
python3 -c "print('{\"VirtualMachines\":[{\"Config\":' + '[' * 100000 + ']' * 100000 + '}]}')" >"$WORK/deep.json"
bad "JSON nested 100,000 deep" "nested more than 64 levels" "$WORK/deep.json"
python3 -c "
import json; print(json.dumps({'VirtualMachines': [{'Name': 'x', 'Config': {'ExtraConfig': [{'Key': 'k%d' % i, 'Value': 'v'} for i in range(5000)]}}]}))" >"$WORK/many.json"
bad "JSON VM object too large" "more than 8192 values" "$WORK/many.json"
printf '{"VirtualMachines":[{"Name":"noconf"}]}' >"$WORK/noconf.json"
bad "vm.info VM without a configuration" "no configuration in the JSON" "$WORK/noconf.json"
printf '{"Devices":[]} {"Devices":[]}' >"$WORK/two.json"
bad "device.info twice in one file" "a second JSON document" "$WORK/two.json"
printf '{"hello":"world"}' >"$WORK/other.json"
run scan "$WORK/other.json"
ok "JSON of another kind: not taken as an inventory (read as a .vmx: not a VMware config)" grep -q "not a VMware configuration" "$WORK/err"

done_testing
