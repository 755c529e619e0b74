#!/bin/sh
# t-options: every command's --help tells the truth (issue 12 §4). Each option
# a command's --help lists is accepted by that command with a value of the
# documented kind, each format listed is written; every option another
# command lists is refused with a usage error (exit 3). The option lists are
# read from the --help texts, so a listed option that does not work, or a
# working one left out, fails here. Also: a missing value names the option,
# `vmtriage help CMD`, --until before --since, -o naming an input, psod on a
# terminal, and `rules list -f json`.
. "$(dirname "$0")/lib.sh"

EX=examples
mkdir "$WORK/rules"
printf 'config.version = "8"\nguestOS = "rhel8-64"\n' >"$WORK/a.vmx"
printf '2024-03-04T05:00:01.000Z cpu0:1)hello\n' >"$WORK/vmkernel.log"
# operands per command: what it reads (dump: no dump here, so an input error,
# which is not a usage error)
operands() {
    case $1 in
    merge) "$VT" -f json -o "$WORK/host.json" 2>/dev/null; echo "$WORK/host.json" ;;
    scan) echo "$WORK/a.vmx" ;;
    psod) echo "$EX/psod/esxi55-e1000-vmkernel-log.1" ;;
    logs) echo "$WORK/vmkernel.log" ;;
    dump) echo "$WORK/a.vmx" ;;
    cpu) echo "$EX/cpu/guest-no-vmx.cpuinfo" ;;
    bundle) echo "$EX/bundle" ;;
    fix) echo "$WORK/a.vmx" ;;
    rules) echo list ;;
    vcenter) echo "http://127.0.0.1:$FPORT/sdk" ;; # tests/vcsim/fake_vsphere.py, below
    esac
}
# vcenter reads a server: the fake vSphere endpoint of t-vcenter, with credentials
FPORT=0
python3 tests/vcsim/fake_vsphere.py paging "$WORK/fake.port" "$WORK/fake.log" &
FPID=$!
trap 'kill $FPID 2>/dev/null; rm -rf "$WORK"' EXIT
i=0
while [ ! -s "$WORK/fake.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
FPORT=$(cat "$WORK/fake.port")
export VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p
printf 'user=u\npassword=p\n' >"$WORK/cred"
chmod 600 "$WORK/cred"

# options CMD: "name ARG" per option in CMD's --help (ARG "-" when none)
options() {
    "$VT" "$1" --help | sed -n 's/^  \(-[a-z], \)\{0,1\} *--\([a-z-]*\)\( \([A-Za-z]*\)\)\{0,1\}  .*/\2 \4/p' |
        awk '{print $1, ($2 == "" ? "-" : $2)}' | grep -v '^help '
}
value() { # value OPTION ARG: a valid value of that kind
    case $1/$2 in
    format/*) echo text ;;
    output/*) echo "$WORK/report.out" ;;
    rules/*) echo "$WORK/rules" ;;
    min-severity/*) echo high ;;
    profile/*) echo nested ;;
    jobs/*) echo 2 ;;
    since/*) echo 2024-03-01 ;;
    until/*) echo 2024-03-31 ;;
    examples/*) echo 3 ;;
    vms/*) echo "$EX/datastore" ;;
    vcenter/*) echo "http://127.0.0.1:$FPORT/sdk" ;;
    cred-file/*) echo "$WORK/cred" ;;
    ca-file/*) echo /dev/null ;;
    thumbprint/*) echo 0000000000000000000000000000000000000000000000000000000000000000 ;;
    timeout/* | page-size/*) echo 10 ;;
    *) echo "?" ;;
    esac
}
usage_error() { grep -qE "see 'vmtriage [a-z]+ --help'|has no --|needs a value|does not write|unknown format" "$WORK/err"; }

cmds=$("$VT" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
ok "the general help lists the ten commands" [ "$(echo $cmds)" = "bundle scan psod logs dump cpu vcenter fix merge rules" ]
: >"$WORK/all"
for c in $cmds; do options "$c" >>"$WORK/all"; done
sort -u "$WORK/all" -o "$WORK/all"
ok "every option is read from some --help ($(wc -l <"$WORK/all") options)" [ "$(wc -l <"$WORK/all")" -ge 11 ]

for c in $cmds; do
    options "$c" >"$WORK/$c.opts"
    ok "$c: --help lists options" [ -s "$WORK/$c.opts" ]
    while read -r name arg; do
        rm -f "$WORK/report.out"
        if [ "$arg" = - ]; then
            run "$c" "--$name" $(operands "$c")
        else
            run "$c" "--$name" "$(value "$name" "$arg")" $(operands "$c")
        fi
        ok "$c --$name (listed) is accepted (exit $RC)" sh -c "! { [ $RC -eq 3 ] && grep -qE \"see 'vmtriage [a-z]+ --help'|has no --|needs a value|does not write|unknown\" '$WORK/err'; }"
    done <"$WORK/$c.opts"
    while read -r name arg; do
        grep -q "^$name " "$WORK/$c.opts" && continue
        run "$c" "--$name" "$(value "$name" "$arg")" $(operands "$c")
        ok "$c --$name (not listed) is refused: exit 3, says so" \
            sh -c "[ $RC -eq 3 ] && grep -q \"'vmtriage $c' has no --$name option\" '$WORK/err'"
    done <"$WORK/all"
    # the formats the --format line lists, and only those
    fmts=$("$VT" "$c" --help | sed -n 's/^  -f, --format FMT *\(.*\) (default: text)$/\1/p' | sed 's/,//g; s/ or / /')
    ok "$c: --help lists its formats ($fmts)" [ -n "$fmts" ]
    for f in text json csv html nagios; do
        run "$c" --format "$f" $(operands "$c")
        case " $fmts " in
        *" $f "*)
            ok "$c --format $f (listed) writes something (exit $RC)" sh -c "[ -s '$WORK/out' ] && ! grep -q 'format' '$WORK/err'"
            [ "$f" = json ] && ok "$c --format json is JSON" json "True" ;;
        *) ok "$c --format $f (not listed) is refused" sh -c "[ $RC -eq 3 ] && grep -q \"does not write $f\" '$WORK/err'" ;;
        esac
    done
    "$VT" help "$c" >"$WORK/help1"
    "$VT" "$c" --help >"$WORK/help2"
    ok "'vmtriage help $c' is '$c --help'" cmp -s "$WORK/help1" "$WORK/help2"
done
# what issue 12 named
ok "psod does not list csv" sh -c "! '$VT' psod --help | grep -q csv"
ok "logs does not list --profile" sh -c "! '$VT' logs --help | grep -q -- --profile"
run logs --profile nested "$WORK/vmkernel.log"
ok "logs --profile: exit 3" [ "$RC" -eq 3 ]
run help
ok "'vmtriage help': the general help" sh -c "[ $RC -eq 0 ] && grep -q '^commands:' '$WORK/out'"
run help frobnicate
ok "'vmtriage help frobnicate': exit 3" [ "$RC" -eq 3 ]

# a missing value names the option
for o in --format --output --rules --min-severity --jobs; do
    run scan "$o"
    ok "scan $o without a value: exit 3, names it" sh -c "[ $RC -eq 3 ] && grep -qx \"vmtriage: option '$o' needs a value; see 'vmtriage scan --help'\" '$WORK/err'"
done
run logs "$WORK/vmkernel.log" --since
ok "logs ... --since at the end: names it" grep -q "option '--since' needs a value" "$WORK/err"
run scan -f
ok "scan -f: names it" grep -q "option '-f' needs a value" "$WORK/err"

# options after the operands (rules list -f json)
run rules list -f json
ok "rules list -f json: exit 0" [ "$RC" -eq 0 ]
ok "rules list -f json: an array of rules with id, title, level, kind, references, file" \
    json "isinstance(d, list) and len(d) > 0 and all(set(['id','title','level','kind','references','file']) <= set(r) and r['references'] for r in d)"
"$VT" rules list | awk '{print $2}' | sort >"$WORK/ids.text"
python3 -c "import json; [print(r['id']) for r in json.load(open('$WORK/out'))]" | sort >"$WORK/ids.json"
ok "rules list -f json: the ids of the text list" cmp -s "$WORK/ids.text" "$WORK/ids.json"
ok "rules list -f json: each file is a rules/ file that holds that id" \
    json "all(open(r['file']).read().splitlines().count('id: ' + r['id']) == 1 for r in d)"
run rules show vmx-e1000-nic -f json
ok "rules show -f json: the rule with its remediation" json "d['id'] == 'vmx-e1000-nic' and d['remediation'] and d['kind'] == 'nic'"
run rules show psod-hpe-ilo-worldgroup-heap -f json
ok "rules show -f json: the culprit its source names (KB 316522: the iLO driver)" json "d['culprit'] == 'ilo'"
run rules show psod-hpe-ilo-worldgroup-heap
ok "rules show: the culprit in text" grep -q "^culprit named by the source: ilo$" "$WORK/out"
run rules check -f json
ok "rules check -f json: refused (text only)" sh -c "[ $RC -eq 3 ] && grep -q 'writes text only' '$WORK/err'"

# --until before --since
run logs --since 2024-03-05 --until 2024-03-04 "$WORK/vmkernel.log"
ok "--until before --since: exit 3" [ "$RC" -eq 3 ]
ok "--until before --since: says so" grep -q "until must be later than --since" "$WORK/err"
run logs --since 2024-03-04 --until 2024-03-05 "$WORK/vmkernel.log"
ok "--until after --since: runs" [ "$RC" -ne 3 ]

# -o naming an input: refused before anything is written, the input intact
cp "$WORK/a.vmx" "$WORK/keep.vmx"
run scan -o "$WORK/a.vmx" "$WORK/a.vmx"
ok "-o the input (same path): exit 3" sh -c "[ $RC -eq 3 ] && grep -q 'is one of the inputs' '$WORK/err'"
ok "-o the input (same path): input unchanged" cmp -s "$WORK/a.vmx" "$WORK/keep.vmx"
ln "$WORK/a.vmx" "$WORK/hard.vmx"
run scan -o "$WORK/hard.vmx" "$WORK/a.vmx"
ok "-o a hard link to the input (same inode): exit 3" [ "$RC" -eq 3 ]
ok "-o a hard link: input unchanged" cmp -s "$WORK/a.vmx" "$WORK/keep.vmx"
mkdir -p "$WORK/ds/vm1"
cp "$WORK/a.vmx" "$WORK/ds/vm1/vm1.vmx"
run scan -o "$WORK/ds/vm1/vm1.vmx" "$WORK/ds"
ok "-o a file inside an input folder: exit 3" [ "$RC" -eq 3 ]
ok "-o a file inside an input folder: intact" cmp -s "$WORK/ds/vm1/vm1.vmx" "$WORK/keep.vmx"
run psod --vms "$WORK/ds" -o "$WORK/ds/vm1/vm1.vmx" "$EX/psod/esxi55-e1000-vmkernel-log.1"
ok "-o a file under a --vms folder: exit 3" [ "$RC" -eq 3 ]
run scan -o "$WORK/elsewhere.txt" "$WORK/a.vmx"
ok "-o elsewhere: written" sh -c "[ $RC -ne 3 ] && [ -s '$WORK/elsewhere.txt' ]"

# psod reading a terminal says so on stderr; from a pipe it does not
python3 - "$VT" >"$WORK/tty.out" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen([sys.argv[1], "psod"], stdin=slave, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
os.close(slave)
os.write(master, b"\x04")  # Ctrl-D: end of input
out, err = p.communicate(timeout=20)
print(err.decode())
PY
ok "psod on a terminal: says it reads standard input and how to end it" \
    grep -q "reading the purple screen from standard input: paste it, then press Ctrl-D" "$WORK/tty.out"
"$VT" psod <"$EX/psod/esxi55-e1000-vmkernel-log.1" >/dev/null 2>"$WORK/err"
ok "psod from a file: no such note" sh -c "! grep -q 'reading the purple screen' '$WORK/err'"

# rules show: the known-issue facts as the rule file states them
mkdir -p "$WORK/ki"
cat >"$WORK/ki/ki.yml" <<'EOF2'
title: known issue
id: t-known-issue
description: x
references:
  - https://example.org/
logsource:
  category: vm
detection:
  sel:
    vm.name: ki
  condition: sel
level: high
affects: [ESXi 7.0 Update 2]
fixed_in:
  - {version: ESXi 7.0 Update 3c, build: 19193900}
  - {version: ESXi 6.7 P07}
workaround: Turn it off.
remediation:
  vsphere_client: x
tests:
  match:
    - "config.version = \"8\"\ndisplayName = \"ki\""
  no_match:
    - "config.version = \"8\""
EOF2
run rules --rules "$WORK/ki" show t-known-issue -f json
ok "rules show -f json: fixed_in as written" \
    json "d['fixed_in'] == [{'version': 'ESXi 7.0 Update 3c', 'build': 19193900}, {'version': 'ESXi 6.7 P07', 'build': None}] and d['affects'] == ['ESXi 7.0 Update 2']"
run rules --rules "$WORK/ki" show t-known-issue
ok "rules show: fixed builds listed" grep -q "ESXi 7.0 Update 3c (build 19193900)" "$WORK/out"
ok "rules show: a build the source does not state is said so" grep -q "ESXi 6.7 P07 (build not stated" "$WORK/out"

# rules list --kind: one kind, and its count read off the rule files themselves
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
counts=$(python3 - "$ROOT/rules" <<'PY'
import glob, sys
crash = fallback = 0
for p in glob.glob(sys.argv[1] + "/*.yml"):
    for doc in open(p).read().split("\n---\n"):
        if "\n  category: crash" in doc:
            crash += 1
            fallback += "\nfallback: true" in doc
print(crash, crash - fallback, fallback)
PY
)
set -- $counts
run rules list --kind crash
ok "rules list --kind crash: one line per crash rule ($1)" [ "$(grep -c ' crash  ' "$WORK/out")" -eq "$1" ]
ok "rules list --kind crash: the count ($1 rules, $2 signatures, $3 fallbacks)" \
    grep -q "^$1 crash rules: $2 signatures, $3 fallbacks" "$WORK/out"
run rules list --kind crash -f json
ok "rules list --kind crash -f json: $1 rules, all crash" json "len(d) == $1 and all(r['kind'] == 'crash' for r in d)"
run rules list --kind disk
ok "rules list --kind disk: usage error" [ "$RC" -eq 3 ]

done_testing
