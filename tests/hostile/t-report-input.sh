#!/bin/sh
# t-report-input: what `vmtriage merge` does with reports it cannot read
# whole: one line naming the file and the byte offset, exit 3, and no
# report at all (a fleet report lacking a host would be an all-clear for a
# host nobody looked at).
. "$(dirname "$0")/../cli/lib.sh"

cd "$(dirname "$0")/../.." || exit 1
"$VT" -f json -o "$WORK/good.json" 2>/dev/null
size=$(wc -c <"$WORK/good.json")

refused() { # refused FILE PATTERN: exit 3, one line naming FILE and matching PATTERN, nothing on stdout
    [ "$RC" -eq 3 ] && [ ! -s "$WORK/out" ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] &&
        grep -q "^vmtriage: $1: byte [0-9][0-9]*: $2" "$WORK/err"
}

# truncated: the error is at the end of what was read
head -c $((size / 2)) "$WORK/good.json" >"$WORK/cut.json"
run merge "$WORK/good.json" "$WORK/cut.json"
ok "truncated report: exit 3, named, 'truncated'" refused "$WORK/cut.json" "truncated"
ok "truncated report: the offset is its size ($((size / 2)))" grep -q "byte $((size / 2)):" "$WORK/err"

# not JSON: the offset points at the bad byte (P = the length of the good prefix)
printf '{"schema": 1, "command": "scan", @' >"$WORK/bad.json"
run merge "$WORK/bad.json"
ok "not JSON: exit 3, named, 'not valid JSON'" refused "$WORK/bad.json" "not valid JSON"
p=$(printf '{"schema": 1, "command": "scan", ' | wc -c)
ok "not JSON: the offset is that of the bad byte ($p or just past it)" \
    sh -c "grep -q 'byte $p:' '$WORK/err' || grep -q 'byte $((p + 1)):' '$WORK/err'"

# the same error at the same offset whatever the reader's chunking: a bad byte after 70,000 bytes
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
d = json.load(open(w + '/good.json'))
d['findings'][0]['description'] = 'x' * 70000  # a string across the 64 KiB chunk boundary
s = json.dumps(d)
open(w + '/long.json', 'w').write(s)
i = s.index('"errors"')
open(w + '/longbad.json', 'w').write(s[:i] + '@' + s[i:])
open(w + '/longbad.at', 'w').write(str(i))
PY
run merge -f json "$WORK/long.json"
ok "a 70,000-byte string across the read chunks: read" sh -c "[ $RC -eq 2 ] && grep -q '\"findings\"' '$WORK/out'"
run merge "$WORK/longbad.json"
at=$(cat "$WORK/longbad.at")
ok "a bad byte at $at past a chunk boundary: named at $at or just past it" \
    sh -c "grep -q 'byte $at:' '$WORK/err' || grep -q 'byte $((at + 1)):' '$WORK/err'"

# schema: missing, newer, not a number
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
d = json.load(open(w + '/good.json'))
json.dump({k: v for k, v in d.items() if k != 'schema'}, open(w + '/noschema.json', 'w'))
d2 = dict(d); d2['schema'] = 2
json.dump(d2, open(w + '/schema2.json', 'w'))
d3 = dict(d); d3['schema'] = "1"
json.dump(d3, open(w + '/schemastr.json', 'w'))
d4 = dict(d); d4['command'] = 'merge'
json.dump(d4, open(w + '/merged.json', 'w'))
d5 = dict(d); d5['findings'] = [{'rule': 'x', 'level': 'dire', 'subject': 's'}]
json.dump(d5, open(w + '/level.json', 'w'))
d6 = dict(d); d6['findings'] = [{'level': 'low', 'subject': 's'}]
json.dump(d6, open(w + '/norule.json', 'w'))
d7 = dict(d); del d7['findings']
json.dump(d7, open(w + '/nofindings.json', 'w'))
d8 = dict(d); d8['hosts'] = {'name': 'x'}
json.dump(d8, open(w + '/hostsobj.json', 'w'))
PY
run merge "$WORK/noschema.json"
ok "no schema: exit 3, named" refused "$WORK/noschema.json" 'no "schema" version'
run merge "$WORK/schema2.json"
ok "schema 2: exit 3, 'newer than this vmtriage reads (1)'" refused "$WORK/schema2.json" "report schema 2 is newer than this vmtriage reads (1)"
run merge "$WORK/schemastr.json"
ok "schema \"1\" (a string): refused as no schema" refused "$WORK/schemastr.json" 'no "schema" version'
run merge "$WORK/merged.json"
ok "a merged report: refused" refused "$WORK/merged.json" "a merged report"
run merge "$WORK/level.json"
ok "an unknown level: refused" refused "$WORK/level.json" "a finding with an unknown level 'dire'"
run merge "$WORK/norule.json"
ok "a finding without a rule: refused" refused "$WORK/norule.json" "a finding without 'rule'"
run merge "$WORK/nofindings.json"
ok "no findings array: refused" refused "$WORK/nofindings.json" "no 'findings' array"
run merge "$WORK/hostsobj.json"
ok "hosts not an array: refused" refused "$WORK/hostsobj.json" "'hosts' is not an array"

# shapes that are no report
: >"$WORK/empty.json"
run merge "$WORK/empty.json"
ok "an empty file: refused" refused "$WORK/empty.json" "empty"
echo '[1, 2]' >"$WORK/array.json"
run merge "$WORK/array.json"
ok "a JSON array: refused" refused "$WORK/array.json" "not a vmtriage report"
python3 -c "print('{\"schema\": 1, \"x\": ' + '[' * 100 + ']' * 100 + ', \"findings\": []}')" >"$WORK/deep.json"
run merge "$WORK/deep.json"
ok "nesting 100 deep: refused" refused "$WORK/deep.json" "nested deeper than 64 levels"
printf '{"schema":1,"command":"scan","findings":[]} {}' >"$WORK/two.json"
run merge "$WORK/two.json"
ok "two JSON values: refused" refused "$WORK/two.json" "not valid JSON"
printf '{"schema":1,"command":"scan","findings":[{"rule":"r","level":"low","subject":"\377"}]}' >"$WORK/utf8.json"
run merge "$WORK/utf8.json"
ok "a string that is not UTF-8: refused" refused "$WORK/utf8.json" "not valid JSON"

# files and folders
mkdir "$WORK/none"
run merge "$WORK/none"
ok "a folder without *.json: exit 3, says so" sh -c "[ $RC -eq 3 ] && grep -q 'no report (\*.json) in this folder' '$WORK/err'"
mkfifo "$WORK/fifo.json" 2>/dev/null && {
    run merge "$WORK/fifo.json"
    ok "a FIFO: refused at once" sh -c "[ $RC -eq 3 ] && grep -q 'fifo.json' '$WORK/err'"
}
run merge "$WORK/missing.json"
ok "a missing file: exit 3, named" sh -c "[ $RC -eq 3 ] && grep -q 'missing.json' '$WORK/err'"
cp "$WORK/good.json" "$WORK/good.bak"
run merge -o "$WORK/good.json" "$WORK/good.json"
ok "-o naming an input: refused" [ "$RC" -eq 3 ]
ok "... and the input is intact" cmp -s "$WORK/good.bak" "$WORK/good.json"

done_testing
