#!/bin/sh
# t-rules-input: hostile rule files given with --rules DIR. Each must end in a
# one-line error naming the file and line (exit 3), quickly, without a leak
# (the asan suite runs this under LeakSanitizer): YAML nested 100,000 deep
# (libyaml's loader is quadratic in the depth), an alias bomb, a condition
# past the 256-token bound; and a regex that backtracks catastrophically must
# be an error for the record it gave up on, never a silent "no match".
. "$(dirname "$0")/../cli/lib.sh"

# A valid VM rule whose detection is DETECTION (two-space indented lines);
# its match sample is MATCH (a YAML double-quoted text), by default a bare .vmx.
rule() { # rule ID DETECTION [MATCH]
    printf 'title: hostile %s\nid: %s\ndescription: x\nreferences:\n  - https://example.org/\nlogsource:\n  category: vm\ndetection:\n%slevel: high\nremediation:\n  vsphere_client: x\ntests:\n  match:\n    - "%s"\n  no_match:\n    - "config.version = \\"8\\""\n' "$1" "$1" "$2" "${3:-config.version = \\\"8\\\"}"
}
# timed SECONDS ARGS...: runs vmtriage, killed after SECONDS (then RC=124)
timed() {
    t=$1
    shift
    timeout "$t" "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
}
one_line() { [ "$(wc -l <"$WORK/err")" -eq 1 ]; }

printf 'config.version = "8"\nguestOS = "rhel8-64"\n' >"$WORK/vm.vmx"

# ---- 100,000 nested flow sequences on line 3
mkdir "$WORK/deep"
python3 - "$WORK/deep/deep.yml" <<'PY'
import sys
n = 100000
open(sys.argv[1], "w").write("title: deep\nid: deep\ndetection: " + "[" * n + "]" * n + "\n")
PY
timed 20 scan --rules "$WORK/deep" "$WORK/vm.vmx"
ok "100k-deep flow sequence: exit 3 (not killed after 20 s: $RC)" [ "$RC" -eq 3 ]
ok "100k-deep flow sequence: names file and line 3" grep -q "deep/deep.yml:3: YAML nests deeper than 64 levels" "$WORK/err"
ok "100k-deep flow sequence: one line" one_line

# ---- deep block mappings (indentation), line of the 65th level
mkdir "$WORK/block"
python3 - "$WORK/block/block.yml" <<'PY'
import sys
lines = ["title: block", "id: block"] + ["  " * i + "k%d:" % i for i in range(200)] + ["  " * 200 + "v"]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
# the document is level 1; the map under k<i> starts on line 4+i, level i+2
timed 20 scan --rules "$WORK/block" "$WORK/vm.vmx"
ok "deep block mappings: exit 3" [ "$RC" -eq 3 ]
ok "deep block mappings: the line where level 65 opens" grep -q "block/block.yml:67: YAML nests deeper than 64" "$WORK/err"

# ---- 64 levels still load (the bound is not off by one): a valid rule with
# a title that is 61 flow lists deep is refused by the schema, not the depth
mkdir "$WORK/d64"
python3 - "$WORK/d64/d64.yml" <<'PY'
import sys
n = 63  # document map (1) + 63 lists = 64 levels
open(sys.argv[1], "w").write("title: " + "[" * n + "]" * n + "\nid: d64\n")
PY
run scan --rules "$WORK/d64" "$WORK/vm.vmx"
ok "64 levels: exit 3 from the schema" [ "$RC" -eq 3 ]
ok "64 levels: no depth error" sh -c "! grep -q 'nests deeper' '$WORK/err'"

# ---- an alias bomb: 9 levels of 10 aliases each
mkdir "$WORK/alias"
python3 - "$WORK/alias/bomb.yml" <<'PY'
import sys
out = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
for i in range(1, 10):
    out.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
timed 20 scan --rules "$WORK/alias" "$WORK/vm.vmx"
ok "alias bomb: exit 3" [ "$RC" -eq 3 ]
ok "alias bomb: the first alias named with its line" grep -q "alias/bomb.yml:2: YAML alias '\*a0'" "$WORK/err"

# ---- a condition of 300 tokens (the bound is 256): an error, and no leak
mkdir "$WORK/cond"
cond=$(python3 -c "print(' or '.join(['sel'] * 150))")
rule t-long-cond "  sel:
    vm.name: x
  condition: $cond
" >"$WORK/cond/c.yml"
run scan --rules "$WORK/cond" "$WORK/vm.vmx"
ok "300-token condition: exit 3" [ "$RC" -eq 3 ]
ok "300-token condition: 'condition is too long' on line 11" grep -q "cond/c.yml:11: condition is too long" "$WORK/err"
ok "300-token condition: one line (no leak report)" one_line

# ---- catastrophic backtracking: (a+)+$ against 40 a's and a b
mkdir "$WORK/re"
rule t-backtrack "  sel:
    vmx.annotation|re: '^(a+)+\$'
  condition: sel
" >"$WORK/re/re.yml"
a40=$(python3 -c "print('a' * 40 + 'b')")
printf 'config.version = "8"\nannotation = "%s"\n' "$a40" >"$WORK/slow.vmx"
printf 'config.version = "8"\nannotation = "aaaa"\n' >"$WORK/fast.vmx"
timed 60 scan --rules "$WORK/re" "$WORK/fast.vmx"
ok "regex that can match: the rule fires (exit 1)" [ "$RC" -eq 1 ]
ok "regex that can match: finding named" grep -q "t-backtrack" "$WORK/out"
timed 60 scan --rules "$WORK/re" "$WORK/slow.vmx"
ok "regex gives up: exit 3, not 0 (was $RC)" [ "$RC" -eq 3 ]
ok "regex gives up: the record (file) and the pattern named" \
    grep -q "slow.vmx: the rule regex '^(a+)+\$' gave up (.*limit" "$WORK/err"
timed 60 scan --format json --rules "$WORK/re" "$WORK/slow.vmx"
ok "regex gives up: in JSON errors" json "any(e['path'].endswith('slow.vmx') and 'gave up' in e['message'] and e['severity'] == 'error' for e in d['errors'])"

# the same on log lines: the first line named, the count of the rest (the
# literal lets the lines through the block prefilter to the regex)
mkdir "$WORK/relog"
rule t-backtrack "  sel:
    log.text|contains: aaaa
    log.text|re: '^(a+)+\$'
  condition: sel
" | sed -e 's/category: vm/category: log/' -e 's/config.version = \\"8\\"/aaaa/' >"$WORK/relog/re.yml"
printf 'ok line\n%s\n%s\n' "$a40" "$a40" >"$WORK/v.log"
timed 60 logs --rules "$WORK/relog" "$WORK/v.log"
ok "log regex gives up: exit 3 (was $RC)" [ "$RC" -eq 3 ]
ok "log regex gives up: file and line 2 named" grep -q "v.log:2: the rule regex '^(a+)+\$' gave up" "$WORK/err"
ok "log regex gives up: the other times counted" grep -q "v.log: rule regexes gave up 2 times in this file" "$WORK/err"

# rules check: a sample on which the regex gives up is not a pass
mkdir "$WORK/recheck"
rule t-backtrack "  sel:
    vmx.annotation|re: '^(a+)+\$'
  condition: sel
" "config.version = \\\"8\\\"\\nannotation = \\\"$a40\\\"" >"$WORK/recheck/re.yml"
run rules --rules "$WORK/recheck" check
ok "rules check: a sample on which the regex gave up fails (exit 3)" [ "$RC" -eq 3 ]
ok "rules check: says so" grep -q "t-backtrack: sample is not valid: the rule regex" "$WORK/out"

# A pattern hyperscan refuses (a PCRE callout) puts only its rule on every
# line: the other rules keep the one compiled prefilter, and the refused
# rule still matches (read in full).
mkdir "$WORK/callout"
rule t-callout "  sel:
    log.text|re: '(?C1)abc'
  condition: sel
" | sed -e 's/category: vm/category: log/' -e 's/config.version = \\"8\\"/abc/' >"$WORK/callout/a.yml"
rule t-plain "  sel:
    log.text|contains: zzqq
  condition: sel
" | sed -e 's/category: vm/category: log/' -e 's/config.version = \\"8\\"/zzqq/' >"$WORK/callout/b.yml"
run rules --rules "$WORK/callout" prefilter
ok "callout: its rule is read on every line" grep -qx "# every line: t-callout" "$WORK/out"
ok "callout: the other rule stays prefiltered" grep -q "zzqq.*t-plain" "$WORK/out"
ok "callout: the built-in rules stay prefiltered" grep -q "log-nic-link-down" "$WORK/out"
printf 'abc here\nzzqq there\nnothing\n' >"$WORK/callout.log"
run logs --rules "$WORK/callout" -f json "$WORK/callout.log"
ok "callout: a note names the rule and hyperscan's reason" json "any(e['severity'] == 'note' and \"'t-callout' is checked on every line\" in e['message'] and 'allout' in e['message'] for e in d['errors'])"
ok "callout: its rule still finds its line" json "any(f['rule'] == 't-callout' and f['count'] == 1 for f in d['findings'])"
ok "callout: the prefiltered rule finds its line" json "any(f['rule'] == 't-plain' and f['count'] == 1 for f in d['findings'])"

# A FIFO named *.yml in the rules folder is refused at once, never waited on.
mkdir "$WORK/fifo"
mkfifo "$WORK/fifo/x.yml"
timed 10 scan --rules "$WORK/fifo" "$WORK/vm.vmx"
ok "FIFO rule file: exit 3, not a hang (was $RC)" [ "$RC" -eq 3 ]
ok "FIFO rule file: named as a FIFO" grep -q "x.yml: a FIFO" "$WORK/err"

done_testing
