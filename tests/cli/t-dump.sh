#!/bin/sh
# t-dump: `vmtriage dump` end to end on the shared corpus of Windows dumps.
#
# Expected values come from corpus/minidump/DECODED.md (an independent decode,
# cross-checked against rizin's tests) and PROVENANCE.tsv, read here from
# their text; never from vmtriage's own output. Cut and patched copies check
# that a damaged dump is an error naming the byte offset (exit 3), and a
# sparse 10 GB complete-memory dump that only the header is read.
. "$(dirname "$0")/lib.sh"
MD=$SHARED/corpus/minidump
X64=$MD/rizintb_triage_x64.dmp
ARM=$MD/rizintb_triage_arm64.dmp
CALC=$MD/rizintb_calc.dmp

# decoded FILE KEY: a value of FILE's section in DECODED.md (python, so the
# test reads the markdown the way a person does: section, then "- Key: value")
decoded() {
    python3 - "$MD/DECODED.md" "$1" "$2" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
sec = text.split('### ' + sys.argv[2])[1].split('\n### ')[0]
key = sys.argv[3]
if key == 'code':
    m = re.search(r'BugCheckCode: (0x[0-9A-Fa-f]+) \((\w+)\)', sec); print(m.group(1).lower(), m.group(2))
elif key.startswith('Parameter'):
    print(re.search(key + r': (0x[0-9a-f]+)', sec).group(1))
elif key == 'build':
    print(int(re.search(r'MinorVersion \(build\): 0x[0-9a-f]+ = (\d+)', sec).group(1)))
elif key == 'cpus':
    print(re.search(r'NumberProcessors: (\d+)', sec).group(1))
elif key == 'time':  # to the millisecond, as vmtriage writes times
    t = re.search(r'SystemTime: 0x[0-9a-f]+ \((\S+)\.(\d{3})\d*Z\)', sec); print(t.group(1) + '.' + t.group(2) + 'Z')
elif key == 'drivers':
    print(re.search(r'Driver list \((\d+) entries', sec).group(1))
elif key == 'unloaded':
    print(re.search(r'Unloaded drivers \(count dword=(\d+)\)', sec).group(1))
elif key in ('Rip', 'Rsp', 'Pc', 'Sp'):
    print(re.search(r'\b' + key + r'=(0x[0-9a-f]+)', sec).group(1))
elif key == 'machine':
    print(re.search(r'MachineImageType: (0x[0-9a-f]+)', sec).group(1))
EOF
}

if ! have_shared "$X64" "corpus/minidump: every dump check"; then
    done_testing
    exit $?
fi

# ---------------------------------------------------------------- the x64 triage dump
run dump --format json "$X64"
set -- $(decoded rizintb_triage_x64.dmp code)
code=$1 name=$2
ok "x64: exit 1 (a medium finding)" [ "$RC" -eq 1 ]
ok "x64: bug check $code $name (DECODED.md)" json "int(d['dumps'][0]['bugcheck']['code'], 16) == $code and d['dumps'][0]['bugcheck']['name'] == '$name'"
for k in 1 2 3 4; do
    p=$(decoded rizintb_triage_x64.dmp Parameter$k)
    ok "x64: parameter $k = $p" json "int(d['dumps'][0]['bugcheck']['parameters'][$((k - 1))], 16) == $p"
done
ok "x64: parameter 2's meaning from data/bugcheck_params.tsv" json "d['dumps'][0]['bugcheck']['meanings'][1] == 'address where the exception occurred'"
ok "x64: build $(decoded rizintb_triage_x64.dmp build), $(decoded rizintb_triage_x64.dmp cpus) processors, x64, small dump" \
    json "d['dumps'][0]['os_build'] == $(decoded rizintb_triage_x64.dmp build) and d['dumps'][0]['processors'] == $(decoded rizintb_triage_x64.dmp cpus) and d['dumps'][0]['arch'] == 'x64' and d['dumps'][0]['dump_type'] == 'small' and d['dumps'][0]['format'] == 'PAGEDU64'"
ok "x64: time $(decoded rizintb_triage_x64.dmp time)" json "d['dumps'][0]['time'] == '$(decoded rizintb_triage_x64.dmp time)'"
ok "x64: RIP/RSP of the header CONTEXT" json "int(d['dumps'][0]['context']['pc'], 16) == $(decoded rizintb_triage_x64.dmp Rip) and int(d['dumps'][0]['context']['sp'], 16) == $(decoded rizintb_triage_x64.dmp Rsp)"
ok "x64: $(decoded rizintb_triage_x64.dmp drivers) drivers, $(decoded rizintb_triage_x64.dmp unloaded) unloaded" \
    json "len(d['dumps'][0]['drivers']) == $(decoded rizintb_triage_x64.dmp drivers) and len(d['dumps'][0]['unloaded_drivers']) == $(decoded rizintb_triage_x64.dmp unloaded)"
ok "x64: driver 0 is ntoskrnl.exe at 0xfffff8047ba00000, size 0x1046000 (DECODED.md table)" \
    json "d['dumps'][0]['drivers'][0] == dict(d['dumps'][0]['drivers'][0], name='ntoskrnl.exe', base='0xfffff8047ba00000', size=0x1046000)"
# PROVENANCE.tsv: "rizin backtrace frame 8 = amdppm.WriteIoMemRawEx+112 (faulting driver amdppm.sys)"
want=$(grep '^rizintb_triage_x64.dmp' "$MD/PROVENANCE.tsv" | grep -o 'faulting driver [A-Za-z0-9_.]*' | awk '{print $3}')
ok "x64: culprit $want (PROVENANCE.tsv) from parameter 2" json "d['dumps'][0]['culprit']['driver'] == '$want' and d['dumps'][0]['culprit']['rule'] == 'parameter' and d['dumps'][0]['culprit']['address'] == hex($(decoded rizintb_triage_x64.dmp Parameter2))"
ok "x64: the finding names the dump and cites Microsoft" json "any(f['subject'].endswith('rizintb_triage_x64.dmp') and any('microsoft.com' in r for r in f['references']) for f in d['findings'])"
ok "x64: PAGE fill never printed as a value" sh -c "! grep -qi -e 4547415045474150 -e 0x45474150 '$WORK/out'"

# ---------------------------------------------------------------- the ARM64 triage dump
run dump --format json "$ARM"
set -- $(decoded rizintb_triage_arm64.dmp code)
ok "arm64: bug check $1 $2" json "int(d['dumps'][0]['bugcheck']['code'], 16) == $1 and d['dumps'][0]['bugcheck']['name'] == '$2'"
ok "arm64: arch arm64 (machine $(decoded rizintb_triage_arm64.dmp machine)), build $(decoded rizintb_triage_arm64.dmp build), $(decoded rizintb_triage_arm64.dmp cpus) processors" \
    json "d['dumps'][0]['arch'] == 'arm64' and d['dumps'][0]['os_build'] == $(decoded rizintb_triage_arm64.dmp build) and d['dumps'][0]['processors'] == $(decoded rizintb_triage_arm64.dmp cpus)"
ok "arm64: PC/SP of the header CONTEXT" json "int(d['dumps'][0]['context']['pc'], 16) == $(decoded rizintb_triage_arm64.dmp Pc) and int(d['dumps'][0]['context']['sp'], 16) == $(decoded rizintb_triage_arm64.dmp Sp)"
ok "arm64: $(decoded rizintb_triage_arm64.dmp drivers) drivers, $(decoded rizintb_triage_arm64.dmp unloaded) unloaded" \
    json "len(d['dumps'][0]['drivers']) == $(decoded rizintb_triage_arm64.dmp drivers) and len(d['dumps'][0]['unloaded_drivers']) == $(decoded rizintb_triage_arm64.dmp unloaded)"
# PROVENANCE.tsv: "no third-party culprit"; DECODED.md: both addresses lie in ntoskrnl.exe
ok "arm64: no third-party culprit: the kernel" json "d['dumps'][0]['culprit']['driver'] == 'ntoskrnl.exe' and d['dumps'][0]['culprit']['rule'] == 'kernel'"
ok "arm64: a requested crash (power button held), informational" json "any(f['rule'] == 'dump-manual-crash' for f in d['findings']) and not any(f['rule'] == 'dump-generic' for f in d['findings'])"
ok "arm64: exit 0 (nothing at medium or above)" [ "$RC" -eq 0 ]

# ---------------------------------------------------------------- the user-mode dump
run dump --format json "$CALC"
ok "MDMP: user format, no bug check" json "d['dumps'][0]['format'] == 'MDMP' and d['dumps'][0]['bugcheck'] is None and d['dumps'][0]['dump_type'] == 'user'"
ok "MDMP: exception 0x80000003 at 0x7776ae10, thread 1628 (DECODED.md)" json "d['dumps'][0]['exception'] == {'code': '0x80000003', 'address': '0x7776ae10', 'thread': 1628}"
ok "MDMP: Windows 6.1 build 7601, 2 processors, x64 (DECODED.md SystemInfo)" json "d['dumps'][0]['os_version'] == '6.1' and d['dumps'][0]['os_build'] == 7601 and d['dumps'][0]['processors'] == 2 and d['dumps'][0]['arch'] == 'x64'"
ok "MDMP: the process is calc.exe (PROVENANCE.tsv)" json "d['dumps'][0]['process'] == 'calc.exe'"
ok "MDMP: time from TimeDateStamp 1477745027 (2016-10-29T12:43:47Z)" json "d['dumps'][0]['time'] == '2016-10-29T12:43:47.000Z'"
ok "MDMP: said to be a user-mode dump" json "[f['rule'] for f in d['findings']] == ['dump-user-mode']"

# ---------------------------------------------------------------- a Minidump folder
mkdir -p "$WORK/Minidump"
cp "$X64" "$WORK/Minidump/022121-01.dmp"
cp "$ARM" "$WORK/Minidump/091421-01.DMP"
echo "not a dump" >"$WORK/Minidump/notes.txt"
printf 'hello, not a dump either\n' >"$WORK/Minidump/old.dmp"
run dump --format json "$WORK/Minidump"
ok "folder: the two dumps, sorted by crash time" json "[p['path'].split('/')[-1] for p in d['dumps']] == ['022121-01.dmp', '091421-01.DMP']"
ok "folder: a .dmp that is no dump is a note, not an error" json "any(e['severity'] == 'note' and e['path'].endswith('old.dmp') for e in d['errors']) and not any(e['severity'] == 'error' for e in d['errors'])"
ok "folder: exit 1" [ "$RC" -eq 1 ]
run dump "$WORK/Minidump"
ok "folder text: a table row per dump with its culprit" sh -c "grep -q '022121-01.dmp.*0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M.*amdppm.sys' '$WORK/out' && grep -q '091421-01.DMP.*0x000001C8' '$WORK/out'"
run dump --format csv "$WORK/Minidump"
ok "csv: a header and one row per dump" sh -c "[ \$(wc -l < '$WORK/out') -eq 3 ] && head -n 1 '$WORK/out' | grep -q '^path,time,bugcheck,bugcheck_name,p1'"
ok "csv: the x64 row holds its code and culprit" sh -c "grep '022121-01.dmp' '$WORK/out' | grep -q '0x1000007E,SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M,.*,amdppm.sys,'"

# ---------------------------------------------------------------- damaged dumps
run dump "$WORK/Minidump/old.dmp"
ok "a named file that is no dump: exit 3, says so" sh -c "[ $RC -eq 3 ] && grep -q 'not a Windows crash dump' '$WORK/err'"
# cut inside the header (0x2000 bytes), inside TRIAGE_DUMP64 (0x2000..0x2080), inside the
# driver list (DriverListOffset 0x10828 per DECODED.md) and the string pool (0x15d18)
for cut in 4 100 4096 8200 68000 90000; do
    head -c $cut "$X64" >"$WORK/cut.dmp"
    run dump --format json "$WORK/cut.dmp"
    ok "cut at $cut bytes: exit 3" [ "$RC" -eq 3 ]
    ok "cut at $cut bytes: an error naming an offset" json "any(e['severity'] == 'error' and 'offset' in e['message'] for e in d['errors'])"
done
# DriverCount (TRIAGE_DUMP64 +0x34 = 0x2034) set to 0x7fffffff
cp "$X64" "$WORK/count.dmp"
printf '\377\377\377\177' | dd of="$WORK/count.dmp" bs=1 seek=$((0x2034)) conv=notrunc 2>/dev/null
run dump --format json "$WORK/count.dmp"
ok "a driver count past the file: exit 3" [ "$RC" -eq 3 ]
ok "a driver count past the file: the header still reported, marked incomplete" json "d['dumps'][0]['bugcheck']['code'] == '0x1000007E' and d['dumps'][0]['complete'] is False"

# ---------------------------------------------------------------- a 10 GB complete dump
# The x64 header with DumpType (0xF98) = 1 (complete memory dump), then 10 GiB of
# hole: only the header may be read.
head -c 8192 "$X64" >"$WORK/MEMORY.DMP"
printf '\001\000\000\000' | dd of="$WORK/MEMORY.DMP" bs=1 seek=$((0xF98)) conv=notrunc 2>/dev/null
truncate -s 10G "$WORK/MEMORY.DMP"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$WORK/rss" "$VT" dump --format json "$WORK/MEMORY.DMP" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    rss=$(tail -n 1 "$WORK/rss")
    ok "10 GB MEMORY.DMP: peak RSS under 64 MB ($rss KB)" [ "$rss" -lt 65536 ]
else
    run dump --format json "$WORK/MEMORY.DMP"
fi
ok "10 GB MEMORY.DMP: a complete dump, its bug check, no driver list" json "d['dumps'][0]['dump_type'] == 'full' and d['dumps'][0]['bugcheck']['code'] == '0x1000007E' and d['dumps'][0]['drivers'] is None"

# ---------------------------------------------------------------- usage
run dump
ok "no operand: exit 3 with usage" sh -c "[ $RC -eq 3 ] && grep -q 'dump needs a file' '$WORK/err'"

done_testing
