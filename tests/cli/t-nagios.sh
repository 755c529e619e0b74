#!/bin/sh
# t-nagios: `--format nagios` follows the monitoring plugin API
# (kb/vsphere-api-and-peers.md §4): exit 0-3 named OK/WARNING/CRITICAL/UNKNOWN
# on the first line `VMTRIAGE <STATE> - text | perfdata`, perfdata as
# 'label'=value;warn;crit;min;max, one long-output line per finding, and
# nothing on standard error. Every command is checked on its example input;
# the expected states come from the README's statement of each example's exit
# status and from the findings the JSON format lists for the same input.
. "$(dirname "$0")/lib.sh"

state_of() { case $1 in 0) echo OK ;; 1) echo WARNING ;; 2) echo CRITICAL ;; *) echo UNKNOWN ;; esac; }

# check NAME EXPECTED-RC ARGS...: runs `vmtriage CMD --format nagios ARGS` and the JSON twin
check() {
    name=$1 want=$2 cmd=$3
    shift 3
    run "$cmd" --format nagios "$@"
    ok "$name: exit $want" [ "$RC" -eq "$want" ]
    ok "$name: first line VMTRIAGE $(state_of "$want") - ... | perfdata" \
        sh -c "head -n 1 '$WORK/out' | grep -Eq '^VMTRIAGE $(state_of "$want") - [^|]+ \\| '"
    # every perfdata item: label=value;[warn];[crit];[min];[max] (plugin guidelines)
    ok "$name: perfdata items are label=value;warn;crit;min;max" \
        sh -c "head -n 1 '$WORK/out' | sed 's/.*| //' | tr ' ' '\n' | grep -v '^\$' | grep -Evq '^[a-z_]{1,18}=[0-9]+;[0-9:~@]*;[0-9:~@]*;[0-9]*;[0-9]*\$' && exit 1 || exit 0"
    ok "$name: nothing on standard error" [ ! -s "$WORK/err" ]
    cp "$WORK/out" "$WORK/nagios"
    run "$cmd" --format json "$@"
    n=$(python3 -c "import json; print(len(json.load(open('$WORK/out'))['findings']))")
    e=$(python3 -c "import json; print(sum(1 for x in json.load(open('$WORK/out'))['errors'] if x['severity'] == 'error'))")
    ok "$name: one long-output line per finding and error ($n + $e)" [ "$(($(wc -l <"$WORK/nagios") - 1))" -eq $((n + e)) ]
    ok "$name: findings=$n in perfdata" sh -c "head -n 1 '$WORK/nagios' | grep -q ' findings=$n;'"
}

# README: the example datastore has a critical finding (exit 2)
check "scan example" 2 scan examples/datastore
# the example logs: high findings, no critical (README's logs section)
check "logs example" 1 logs examples/logs/var/run/log
if have_shared "$SHARED/corpus/minidump/rizintb_triage_arm64.dmp" "corpus dump as a nagios check"; then
    # the ARM64 dump is a requested crash (informational): OK
    check "dump arm64" 0 dump "$SHARED/corpus/minidump/rizintb_triage_arm64.dmp"
fi
check "missing file" 3 dump "$WORK/nonexistent.dmp"
# a VM named "web|01" (written "web|7C01": .vmx files escape '|' as |7C): the first line
# names the worst finding's VM, and a '|' there would start perfdata
mkdir -p "$WORK/ds/web01"
sed 's/^displayName = .*/displayName = "web|7C01"/' "$(ls examples/datastore/vmfs/volumes/*/web01/web01.vmx | head -n 1)" >"$WORK/ds/web01/web01.vmx"
run scan --format nagios "$WORK/ds"
ok "a '|' in a VM name: shown as '/', one '|' on the first line" sh -c "head -n 1 '$WORK/out' | grep -q 'web/01' && [ \$(head -n 1 '$WORK/out' | tr -cd '|' | wc -c) -eq 1 ]"

done_testing
