#!/bin/sh
# t-exit: exit status per the monitoring-plugin convention (DESIGN.md): 0 nothing
# at medium or above, 1 medium/high, 2 critical, 3 could not run.
. "$(dirname "$0")/lib.sh"

printf 'config.version = "8"\nguestOS = "rhel8-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "vmxnet3"\n' >"$WORK/clean.vmx"
printf 'config.version = "8"\nguestOS = "ubuntu-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n' >"$WORK/high.vmx"
printf 'config.version = "8"\nguestOS = "windows7-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n' >"$WORK/crit.vmx"
printf 'config.version = "8"\nguestOS = "rhel8-64"\ndisplayName = "broken\nmemsize = "1024"\n' >"$WORK/bad.vmx"
printf 'config.version = "8"\nguestOS = "rhel8-64"\nmemsize = "1024"\nmemSize = "2048"\n' >"$WORK/dup.vmx"

run scan "$WORK/clean.vmx"; ok "clean VM: 0" [ "$RC" -eq 0 ]
run scan "$WORK/high.vmx"; ok "high finding: 1" [ "$RC" -eq 1 ]
run scan "$WORK/crit.vmx"; ok "critical finding: 2" [ "$RC" -eq 2 ]
run scan --min-severity critical "$WORK/high.vmx"; ok "--min-severity critical hides high: 0" [ "$RC" -eq 0 ]
run scan "$WORK/bad.vmx"; ok "unbalanced quote: 3" [ "$RC" -eq 3 ]
ok "the error names file and line" grep -q "bad.vmx:3: not a 'name = value' line (unbalanced quote)" "$WORK/err"
ok "the error is one line" [ "$(wc -l <"$WORK/err")" -eq 1 ]
run scan "$WORK/dup.vmx"; ok "duplicate key: 3" [ "$RC" -eq 3 ]
ok "duplicate names both lines" grep -q "dup.vmx:4: duplicate key 'memSize' (first at line 3)" "$WORK/err"
run scan "$WORK/nonexistent.vmx"; ok "missing file: 3" [ "$RC" -eq 3 ]
ok "missing file named" grep -q "nonexistent.vmx: cannot read" "$WORK/err"
run scan; ok "no operand: 3" [ "$RC" -eq 3 ]
run scan --bogus "$WORK/clean.vmx"; ok "unknown option: 3" [ "$RC" -eq 3 ]
run scan --format xml "$WORK/clean.vmx"; ok "unknown format: 3" [ "$RC" -eq 3 ]
run frobnicate; ok "unknown command: 3" [ "$RC" -eq 3 ]
run --version; ok "--version: 0" [ "$RC" -eq 0 ]
ok "--version prints the VERSION file" grep -qx "vmtriage $(cat VERSION)" "$WORK/out"
run scan --help; ok "scan --help: 0" [ "$RC" -eq 0 ]
ok "scan --help shows usage" grep -q '^usage: vmtriage scan' "$WORK/out"
run rules show vmx-e1000-rss-guest; ok "rules show: 0" [ "$RC" -eq 0 ]
ok "rules show cites the KB" grep -q 'VMware KB 2059053' "$WORK/out"
run rules show no-such-rule; ok "rules show unknown: 3" [ "$RC" -eq 3 ]
mkdir "$WORK/rules"
printf 'title: t\nid: x\nlevel: high\nlogsource: {category: vm}\ndescription: d\nreferences: [r]\nremediation: {vsphere_client: x}\ndetection:\n  s:\n    vm.no_such_field: 1\n  condition: s\ntests: {match: [a], no_match: [b]}\n' >"$WORK/rules/bad.yml"
run scan --rules "$WORK/rules" "$WORK/clean.vmx"; ok "a broken --rules file: 3" [ "$RC" -eq 3 ]
ok "the rule error names file and line" grep -q "bad.yml:10: unknown field 'vm.no_such_field'" "$WORK/err"

done_testing
