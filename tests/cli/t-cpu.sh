#!/bin/sh
# t-cpu: `vmtriage cpu` end to end on examples/cpu (synthetic listings, see
# their README), standard input, and bad input.
#
# Expected values are read from the example files' own text here (the flags
# line, vendor_id, HV Support ...), never from vmtriage's output: a listing
# whose flags line holds every checked flag must be nested-ready, one whose
# flags line lacks vmx must not be.
. "$(dirname "$0")/lib.sh"
EX=examples/cpu

# field FILE KEY: the value of the first "KEY : value" / "KEY: value" line of FILE
field() {
    sed -n "s/^[[:space:]]*$2[[:space:]]*:[[:space:]]*//p" "$1" | head -n 1
}
# has_flag FILE LINE-KEY FLAG: whether the first LINE-KEY line of FILE lists FLAG
has_flag() {
    field "$1" "$2" | tr ' ' '\n' | grep -qx "$3"
}

# ---------------------------------------------------------------- a nested-ready guest
F=$EX/guest-nested-ready.cpuinfo
ok "ready guest: its flags line holds vmx, hypervisor, popcnt, sse4_1, sse4_2, avx2" \
    sh -c "for f in vmx hypervisor popcnt sse4_1 sse4_2 avx2; do sed -n 's/^flags[[:space:]]*: //p' '$F' | head -n 1 | tr ' ' '\n' | grep -qx \$f || exit 1; done"
ok "ready guest: its vmx flags line holds ept" has_flag "$F" "vmx flags" ept
run cpu --format json "$F"
ok "ready guest: exit 0" [ "$RC" -eq 0 ]
ok "ready guest: verdict nested-ready" json "d['cpus'][0]['verdict'] == 'nested-ready' and d['cpus'][0]['ready'] is True"
ok "ready guest: vendor and model from the file" \
    json "d['cpus'][0]['vendor'] == '$(field "$F" vendor_id)' and d['cpus'][0]['model'] == '$(field "$F" 'model name')'"
ok "ready guest: processors = its $(grep -c '^processor' "$F") processor lines" \
    json "d['cpus'][0]['processors'] == $(grep -c '^processor' "$F")"
ok "ready guest: flags_checked vmx, ept, hypervisor true; svm, npt null (Intel)" \
    json "d['cpus'][0]['flags_checked'] == dict(d['cpus'][0]['flags_checked'], vmx=True, ept=True, hypervisor=True, svm=None, npt=None) and d['cpus'][0]['missing'] == []"
ok "ready guest: the flags line's number" json "d['cpus'][0]['flags_line'] == $(grep -n '^flags' "$F" | head -n 1 | cut -d: -f1)"
ok "ready guest: one informational finding, cpu-nested-ready" \
    json "[(f['rule'], f['level']) for f in d['findings']] == [('cpu-nested-ready', 'informational')]"
ok "ready guest: format cpuinfo, summary counts one listing" \
    json "d['cpus'][0]['format'] == 'cpuinfo' and d['summary']['cpus'] == 1 and d['errors'] == []"
run cpu "$F"
ok "ready guest text: the verdict on the first line" sh -c "head -n 1 '$WORK/out' | grep -q '^vmtriage cpu: nested-ready; 1 listing'"
ok "ready guest text: the capability table" sh -c "grep -q '^  CAPABILITY' '$WORK/out' && grep -Eq '^  hardware virtualization \(Intel VT-x\) +vmx +present' '$WORK/out'"

# ---------------------------------------------------------------- a guest without vmx
F=$EX/guest-no-vmx.cpuinfo
ok "no-vmx guest: its flags line has hypervisor but no vmx" sh -c "! sed -n 's/^flags[[:space:]]*: //p' '$F' | head -n 1 | tr ' ' '\n' | grep -qx vmx"
ok "no-vmx guest: (hypervisor)" has_flag "$F" flags hypervisor
run cpu --format json "$F"
ok "no-vmx guest: exit 1 (a high finding)" [ "$RC" -eq 1 ]
ok "no-vmx guest: verdict names vmx and ept" \
    json "d['cpus'][0]['verdict'] == 'not ready: missing vmx (hardware virtualization not exposed), ept' and d['cpus'][0]['ready'] is False"
ok "no-vmx guest: cpu-guest-no-hw-virt with the vhv.enable fix" \
    json "any(f['rule'] == 'cpu-guest-no-hw-virt' and f['remediation']['vmx'] == 'vhv.enable = \"TRUE\"' for f in d['findings'])"
ok "no-vmx guest: the finding cites the nested FusionCompute checklist (ask.csdn.net)" \
    json "any('ask.csdn.net/questions/8904055' in r for f in d['findings'] for r in f['references'])"
ok "no-vmx guest: missing lists vmx and ept" json "d['cpus'][0]['missing'] == ['vmx', 'ept']"
ok "no-vmx guest: processors = $(grep -c '^processor' "$F")" json "d['cpus'][0]['processors'] == $(grep -c '^processor' "$F")"
run cpu "$F"
ok "no-vmx guest text: first line" sh -c "head -n 1 '$WORK/out' | grep -q '^vmtriage cpu: not ready: missing vmx (hardware virtualization not exposed), ept;'"
ok "no-vmx guest text: vmx missing in the table" sh -c "grep -Eq '^  hardware virtualization \(Intel VT-x\) +vmx +missing' '$WORK/out'"

# ---------------------------------------------------------------- ARM64
F=$EX/guest-arm64.cpuinfo
ok "arm64: a Features line and CPU architecture 8, no flags line" \
    sh -c "grep -q '^Features' '$F' && [ '$(field "$F" 'CPU architecture')' = 8 ] && ! grep -q '^flags' '$F'"
run cpu --format json "$F"
ok "arm64: exit 0" [ "$RC" -eq 0 ]
ok "arm64: not applicable, arch arm64" \
    json "d['cpus'][0]['verdict'].startswith('not applicable: arm64 CPU') and d['cpus'][0]['arch'] == 'arm64' and d['cpus'][0]['ready'] is None"
ok "arm64: every checked flag null" json "set(d['cpus'][0]['flags_checked'].values()) == {None}"
ok "arm64: cpu-not-x86 only" json "[f['rule'] for f in d['findings']] == ['cpu-not-x86']"

# ---------------------------------------------------------------- an ESXi host
F=$EX/esxi-host.esxcli
hv=$(field "$F" 'HV Support')
threads=$(field "$F" 'CPU Threads')
ok "esxi: the file says HV Support $hv and $threads threads" sh -c "[ -n '$hv' ] && [ -n '$threads' ]"
run cpu --format json "$F"
ok "esxi: exit 0" [ "$RC" -eq 0 ]
ok "esxi: format esxcli, hv_support $hv, processors $threads" \
    json "d['cpus'][0]['format'] == 'esxcli' and d['cpus'][0]['hv_support'] == $hv and d['cpus'][0]['processors'] == $threads"
ok "esxi: packages and cores" \
    json "d['cpus'][0]['packages'] == $(field "$F" 'CPU Packages') and d['cpus'][0]['cores'] == $(field "$F" 'CPU Cores')"
ok "esxi: vendor from Brand" json "d['cpus'][0]['vendor'] == '$(field "$F" Brand)'"
ok "esxi: HV Support 3 is nested-ready" \
    json "d['cpus'][0]['verdict'].startswith('nested-ready: HV Support 3') and [f['rule'] for f in d['findings']] == ['cpu-esxi-hv-ready']"
ok "esxi: the evidence is the HV Support line" \
    json "d['findings'][0]['evidence'][0]['line'] == $(grep -n 'HV Support' "$F" | cut -d: -f1)"
sed 's/HV Support: 3/HV Support: 2/' "$F" >"$WORK/hv2.txt"
run cpu --format json "$WORK/hv2.txt"
ok "esxi HV Support 2: exit 1, BIOS finding" \
    json "d['cpus'][0]['verdict'] == 'not ready: HV Support 2 (VT-x/AMD-V not enabled in the BIOS)' and [f['rule'] for f in d['findings']] == ['cpu-esxi-hv-disabled']"
ok "esxi HV Support 2: exit 1" [ "$RC" -eq 1 ]

# ---------------------------------------------------------------- lscpu behind an EVC baseline
F=$EX/guest-evc-lscpu.txt
ok "evc lscpu: its Flags line lacks avx2, holds vmx and ept" \
    sh -c "! sed -n 's/^Flags:[[:space:]]*//p' '$F' | tr ' ' '\n' | grep -qx avx2 && sed -n 's/^Flags:[[:space:]]*//p' '$F' | tr ' ' '\n' | grep -qx ept"
run cpu --format json "$F"
ok "evc lscpu: exit 1 (medium)" [ "$RC" -eq 1 ]
ok "evc lscpu: not ready, missing avx2" \
    json "d['cpus'][0]['verdict'] == 'not ready: missing avx2' and [f['rule'] for f in d['findings']] == ['cpu-no-avx2']"
ok "evc lscpu: hypervisor vendor, virtualization, CPU(s) from the file" \
    json "d['cpus'][0]['hypervisor_vendor'] == '$(field "$F" 'Hypervisor vendor')' and d['cpus'][0]['virtualization'] == '$(field "$F" Virtualization)' and d['cpus'][0]['processors'] == $(field "$F" 'CPU(s)')"

# ---------------------------------------------------------------- standard input, several files
run cpu --format json - <"$EX/guest-no-vmx.cpuinfo"
ok "stdin '-': path -, same verdict" json "d['cpus'][0]['path'] == '-' and d['cpus'][0]['verdict'].startswith('not ready: missing vmx')"
"$VT" cpu --format json <"$EX/guest-nested-ready.cpuinfo" >"$WORK/out" 2>"$WORK/err"
ok "no operand, piped: reads standard input" json "d['cpus'][0]['path'] == '-' and d['cpus'][0]['ready'] is True"
cat "$EX/guest-no-vmx.cpuinfo" | "$VT" cpu - >"$WORK/out" 2>&1
ok "a pipe into '-': exit 1" [ $? -eq 1 ]
run cpu --format json "$EX/guest-nested-ready.cpuinfo" "$EX/guest-arm64.cpuinfo"
ok "two files: two listings in order" \
    json "[c['path'].split('/')[-1] for c in d['cpus']] == ['guest-nested-ready.cpuinfo', 'guest-arm64.cpuinfo'] and d['summary']['cpus'] == 2"
run cpu "$EX/guest-nested-ready.cpuinfo" "$EX/guest-arm64.cpuinfo"
ok "two files text: a count on the first line, a verdict per file" \
    sh -c "head -n 1 '$WORK/out' | grep -q '^vmtriage cpu: 2 listings' && [ \$(grep -c '^  verdict' '$WORK/out') -eq 2 ]"
if [ -r /proc/cpuinfo ]; then
    run cpu --format json /proc/cpuinfo
    ok "this machine's /proc/cpuinfo reads without an error" json "d['errors'] == [] and len(d['cpus']) == 1"
fi

# ---------------------------------------------------------------- bad input: exit 3, one line naming file and line/offset
one_error() { # one_error FILE PATTERN: exit 3, stderr is one line with FILE and PATTERN
    [ "$RC" -eq 3 ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q "^vmtriage: $1" "$WORK/err" &&
        grep -Eq "$2" "$WORK/err"
}
printf 'processor\t: 0\nflags\t\t: fpu vmx\000\001\002\n' >"$WORK/binary.bin"
run cpu "$WORK/binary.bin"
ok "binary: exit 3, one line naming the file, line 2 and offset 30" one_error "$WORK/binary.bin:2: " 'NUL byte at offset 30'
head -c 3000 /bin/sh >"$WORK/elf.bin"
run cpu "$WORK/elf.bin"
ok "an ELF file: exit 3 naming an offset" one_error "$WORK/elf.bin" 'offset [0-9]+'
printf 'Hello,\nthis is a letter.\n' >"$WORK/letter.txt"
run cpu "$WORK/letter.txt"
ok "unknown format: exit 3 naming line 1" one_error "$WORK/letter.txt:1: " 'not /proc/cpuinfo, lscpu or esxcli'
: >"$WORK/empty.txt"
run cpu "$WORK/empty.txt"
ok "empty: exit 3 naming offset 0" one_error "$WORK/empty.txt: " 'offset 0'
{ cat "$EX/guest-no-vmx.cpuinfo"; cat "$EX/guest-evc-lscpu.txt"; } >"$WORK/mixed.txt"
line=$(($(wc -l <"$EX/guest-no-vmx.cpuinfo") + 1))
run cpu "$WORK/mixed.txt"
ok "cpuinfo then lscpu: exit 3 naming line $line" one_error "$WORK/mixed.txt:$line: " 'belongs to lscpu output'
run cpu --format json "$WORK/letter.txt"
ok "unknown format, json: errors[] names the file and line" \
    json "d['cpus'] == [] and d['errors'][0]['path'] == '$WORK/letter.txt' and d['errors'][0]['line'] == 1 and d['errors'][0]['severity'] == 'error'"
head -c 5000000 /dev/zero | tr '\0' 'a' >"$WORK/big.txt"
run cpu "$WORK/big.txt"
ok "over 4 MiB: exit 3" one_error "$WORK/big.txt" 'more than 4194304 bytes'
run cpu "$WORK"
ok "a folder: exit 3" one_error "$WORK" 'is a folder'
run cpu "$WORK/nonexistent"
ok "a missing file: exit 3" one_error "$WORK/nonexistent" 'cannot open'
run cpu --format csv "$EX/guest-arm64.cpuinfo"
ok "csv: exit 3, cpu says what it writes" sh -c "[ $RC -eq 3 ] && grep -q \"'vmtriage cpu' does not write csv; it writes text, json, html or nagios\" '$WORK/err'"

done_testing
