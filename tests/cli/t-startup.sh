#!/bin/sh
# t-startup: start-up work does not grow with the knowledge base (issue 20).
# Counts work, not time: VMTRIAGE_WORK makes vmtriage print how many YAML
# documents it parsed, rule regexes it compiled and log prefilter databases
# it compiled. The built-in rules are compiled into the program at build
# time (tools/gen_kb.c, tools/gen_prefilter.c), so with them alone the first
# and the last are 0 whatever the rule count; a regex is compiled only when
# a record reaches it. A rule folder (--rules DIR) is read at run time, which
# the same counters show, so the counts are shown to move when work is done.
. "$(dirname "$0")/lib.sh"

work() { # work ARGS...: runs vmtriage with the counters; their line -> $WORK/work
    VMTRIAGE_WORK=1 "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    grep '^vmtriage: work: ' "$WORK/err" >"$WORK/work"
}
count() { # count WHAT: the number before WHAT in the last work line
    sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p" "$WORK/work"
}

vmx=$(find examples/datastore -name web01.vmx | head -1)
screen=examples/psod/esxi55-e1000-vmkernel-log.1
nrules=$("$VT" rules list | grep -c .)
ok "the built-in knowledge base has rules ($nrules)" [ "$nrules" -gt 100 ]

for cmd in "rules list" "scan $vmx" "psod $screen" "logs examples/logs" "bundle examples/bundle"; do
    # shellcheck disable=SC2086
    work $cmd
    ok "$cmd: one work line" [ "$(wc -l <"$WORK/work")" -eq 1 ]
    ok "$cmd: no YAML parsed at start-up ($(count 'YAML'))" [ "$(count 'YAML')" = 0 ]
    ok "$cmd: no prefilter compiled at start-up ($(count 'prefilter'))" [ "$(count 'prefilter')" = 0 ]
done
work rules list
ok "rules list: no regex compiled (none is used)" [ "$(count 'regexes')" = 0 ]
work scan "$vmx"
ok "scan of one .vmx: the regexes compiled are fewer than the rules ($(count 'regexes') < $nrules)" \
    [ "$(count 'regexes')" -lt "$nrules" ]

# A rule folder is read at run time: the counters see it (they can fail).
mkdir "$WORK/more"
i=0
while [ $i -lt 3 ]; do
    cat >"$WORK/more/r$i.yml" <<YML
title: extra log rule $i
id: t-extra-$i
status: stable
level: low
logsource: {product: vmware, category: log}
description: a rule of this test
references: [https://example.org/]
remediation: {vsphere_client: nothing}
detection:
  s:
    log.text|re: 'zzextra$i[0-9]+'
  condition: s
tests:
  match: ['zzextra${i}42']
  no_match: ['zzextra']
YML
    i=$((i + 1))
done
work logs --rules "$WORK/more" examples/logs
ok "--rules DIR: its 3 documents parsed ($(count 'YAML'))" [ "$(count 'YAML')" = 3 ]
ok "--rules DIR: its regexes checked at load (at least 3: $(count 'regexes'))" [ "$(count 'regexes')" -ge 3 ]
ok "--rules DIR with log rules: the prefilter is compiled once ($(count 'prefilter'))" [ "$(count 'prefilter')" = 1 ]
# The extra rules match nothing there: the report with the database built in
# and the one compiled at run time are the same, byte for byte.
work logs -f json examples/logs
cp "$WORK/out" "$WORK/builtin.json"
work logs -f json --rules "$WORK/more" examples/logs
ok "the built-in prefilter finds what a compiled one finds" cmp -s "$WORK/builtin.json" "$WORK/out"

done_testing
