#!/bin/sh
# t-vmx-input: hostile and damaged .vmx text. A NUL byte, UTF-16 with a BOM,
# numbers out of range, an unknown .encoding and bytes a known encoding does
# not define must each give a one-line error naming the file and line (exit
# 3), never a crash, a silent U+FFFD, a clamped or wrapped number, or a VM
# dropped as "not a VM"; names in the legacy code pages read as the code
# pages define them. Every input is written here; every expected value comes
# from the input or the code page's definition.
. "$(dirname "$0")/../cli/lib.sh"
V=$WORK/v
mkdir -p "$V"
HEAD='config.version = "8"
virtualHW.version = "14"
guestOS = "windows9-64"
'
vm() { # vm FILE: writes $HEAD then standard input to $V/FILE
    { printf '%s' "$HEAD"; cat; } >"$V/$1"
}
# err_at FILE LINE WORDS...: an error of FILE on LINE whose message holds every word
err_at() {
    f=$1 l=$2
    shift 2
    python3 - "$WORK/out" "$f" "$l" "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
f, l, words = sys.argv[2], int(sys.argv[3]), sys.argv[4:]
sys.exit(0 if any(e['severity'] == 'error' and e['path'].endswith('/' + f) and e['line'] == l
                  and all(w in e['message'] for w in words) for e in d['errors']) else 1)
EOF
}
stderr_names() { # stderr_names FILE LINE: the text run prints "vmtriage: PATH:LINE: ..." on stderr
    "$VT" scan "$V/$1" >/dev/null 2>"$WORK/err.text"
    grep -q "^vmtriage: [^ ]*/$1:$2: " "$WORK/err.text"
}

# --- NUL byte: the line is an error with its offset; the VM is still read ---
printf '%sdisplayName = "nul"\nannotation = "a\000b"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000e"\n' "$HEAD" >"$V/nul.vmx"
run scan -f json "$V/nul.vmx"
ok "NUL: exit 3 (and no crash)" [ "$RC" -eq 3 ]
ok "NUL: still a VM, not 'not a VMware configuration'" json "len(d['vms']) == 1 and d['summary']['not_vmware'] == 0"
# $HEAD is 70 bytes, line 4 20 more; line 5 is 'annotation = "a' (15 bytes) then the NUL
ok "NUL: error on line 5 with byte 16 of the line and file offset 105" err_at nul.vmx 5 NUL "byte 16 of the line" "offset 105"
ok "NUL: the error is one line on stderr naming file and line" stderr_names nul.vmx 5
ok "NUL: the rest of the file is read (the e1000e finding is there)" json "any(f['rule'] == 'vmx-e1000e-nic' for f in d['findings'])"
# A binary named .vmx: still "not a VM", and the note says why
printf '\177ELF\002\001\001\000\000\000\000\000\n\000\003\000>\000\001\000\n' >"$V/binary.vmx"
run scan -f json "$V/binary.vmx"
ok "binary .vmx: not a VM, exit below 3" sh -c "[ $RC -lt 3 ] && python3 -c 'import json,sys; d=json.load(open(\"$WORK/out\")); sys.exit(0 if d[\"summary\"][\"not_vmware\"] == 1 else 1)'"
ok "binary .vmx: the note gives the reason (NUL bytes, no name = value line)" json "any(e['severity'] == 'note' and 'NUL bytes' in e['message'] and 'no config.version' not in e['message'] for e in d['errors'])"

# --- UTF-16 with a byte-order mark, both byte orders ---
python3 - "$V" <<'EOF'
import sys
text = ('config.version = "8"\r\nvirtualHW.version = "14"\r\nguestOS = "windows9-64"\r\n'
        'displayName = "Caf\u00e9 \U0001F600"\r\nmemSize = "2048"\r\n')
open(sys.argv[1] + '/utf16le.vmx', 'wb').write(b'\xff\xfe' + text.encode('utf-16-le'))
open(sys.argv[1] + '/utf16be.vmx', 'wb').write(b'\xfe\xff' + text.encode('utf-16-be'))
bad = 'config.version = "8"\nvirtualHW.version = "14"\ndisplayName = "x'.encode('utf-16-le') + b'\x00\xd8' + '"\n'.encode('utf-16-le')
open(sys.argv[1] + '/utf16bad.vmx', 'wb').write(b'\xff\xfe' + bad)
EOF
for bo in le be; do
    run scan -f json "$V/utf16$bo.vmx"
    ok "UTF-16${bo}: read as a VM, exit below 3" sh -c "[ $RC -lt 3 ]"
    ok "UTF-16${bo}: name and memory as written" json "d['vms'][0]['name'] == 'Caf\u00e9 \U0001F600' and d['vms'][0]['memory_mb'] == 2048 and not d['errors']"
done
run scan -f json "$V/utf16bad.vmx"
ok "UTF-16 unpaired surrogate: exit 3, error on line 3" sh -c "[ $RC -eq 3 ] && python3 -c 'import json,sys; d=json.load(open(\"$WORK/out\")); sys.exit(0 if any(e[\"line\"] == 3 and \"UTF-16LE\" in e[\"message\"] for e in d[\"errors\"]) else 1)'"

# --- Out-of-range numbers: an error naming file and line, never clamped ---
i=0
while IFS='|' read -r line what; do
    i=$((i + 1))
    printf '%s\n' "$line" | vm "num$i.vmx"
    run scan -f json "$V/num$i.vmx"
    key=${line%% =*}
    ok "$what: exit 3" [ "$RC" -eq 3 ]
    ok "$what: error on line 4 naming '$key'" err_at "num$i.vmx" 4 "$key"
    ok "$what: on stderr as FILE:4" stderr_names "num$i.vmx" 4
done <<'EOF'
memSize = "-4"|negative memSize
memSize = "99999999999999999999999"|memSize past 64 bits
numvcpus = "4294967297"|numvcpus past int (would wrap to 1)
numvcpus = "0"|numvcpus 0
cpuid.coresPerSocket = "-2147483649"|coresPerSocket past int
cpuid.coresPerSocket = "2x"|coresPerSocket not a number
sched.mem.min = "-1"|negative sched.mem.min
ethernet4294967296.present = "TRUE"|ethernet4294967296 (wraps to 0 in 32 bits)
ethernet100.virtualDev = "e1000"|ethernet100 past the NIC indexes
scsi99999999999.present = "TRUE"|scsi index overflow
scsi0:4294967296.present = "TRUE"|disk unit overflow
EOF
# virtualHW.version is in $HEAD: replace it
printf 'config.version = "8"\nvirtualHW.version = "2147483648"\nguestOS = "windows9-64"\n' >"$V/hw.vmx"
run scan -f json "$V/hw.vmx"
ok "virtualHW.version past int: exit 3, error on line 2" sh -c "[ $RC -eq 3 ]"
ok "virtualHW.version past int: error names it" err_at hw.vmx 2 virtualHW.version
ok "virtualHW.version past int: read as missing (null), not wrapped" json "d['vms'][0]['hw_version'] is None"
printf '%s\n' 'numvcpus = "4294967297"' | vm wrap.vmx
run scan -f json "$V/wrap.vmx"
ok "numvcpus 4294967297: not read as 1 by wrapping, but as not set (the default 1) with the error" json "d['vms'][0]['vcpus'] == 1 and any(e['severity'] == 'error' for e in d['errors'])"
printf '%s\n' 'ethernet4294967296.present = "TRUE"' 'ethernet4294967296.virtualDev = "e1000"' | vm nic.vmx
run scan -f json "$V/nic.vmx"
ok "ethernet4294967296: no NIC 0 made up by wrapping" json "d['vms'][0]['nics'] == []"
ok "ethernet4294967296: two errors (lines 4 and 5)" json "sorted(e['line'] for e in d['errors'] if e['severity'] == 'error') == [4, 5]"
# In-range values are read as written (the checks above are not just "always error")
printf '%s\n' 'memSize = "2147483647"' 'numvcpus = "768"' 'ethernet99.present = "TRUE"' 'sched.mem.min = "0"' | vm fine.vmx
run scan -f json "$V/fine.vmx"
ok "in range: no error" json "not [e for e in d['errors'] if e['severity'] == 'error']"
ok "in range: the values as written" json "d['vms'][0]['memory_mb'] == 2147483647 and d['vms'][0]['vcpus'] == 768 and d['vms'][0]['nics'][0]['index'] == 99 and d['vms'][0]['mem_reservation_mb'] == 0"

# --- .encoding ---
printf '.encoding = "x-mac-klingon"\n%sdisplayName = "Caf\351"\n' "$HEAD" >"$V/unknown.vmx"
run scan -f json "$V/unknown.vmx"
ok "unknown .encoding: exit 3" [ "$RC" -eq 3 ]
ok "unknown .encoding: error on line 1 naming it" err_at unknown.vmx 1 x-mac-klingon
printf '.encoding = "windows-1252"\n%sdisplayName = "a\201b"\n' "$HEAD" >"$V/undef.vmx"
run scan -f json "$V/undef.vmx"
ok "cp1252 byte 0x81 (undefined): exit 3" [ "$RC" -eq 3 ]
ok "cp1252 byte 0x81: error on line 5 naming key, encoding and byte" err_at undef.vmx 5 displayName windows-1252 0x81
printf '.encoding = "Shift_JIS"\n%sdisplayName = "\202"\n' "$HEAD" >"$V/cut.vmx"
run scan -f json "$V/cut.vmx"
ok "Shift_JIS lead byte without trail byte: error on line 5" err_at cut.vmx 5 Shift_JIS 0x82
printf '%sdisplayName = "Caf\351"\n' "$HEAD" >"$V/noenc.vmx"
run scan -f json "$V/noenc.vmx"
ok "no .encoding and a non-UTF-8 byte: error on line 4" err_at noenc.vmx 4 UTF-8 0xE9

# Names in the legacy code pages, converted as each code page defines them:
# cp1252 E9 = U+00E9, 80 = U+20AC; windows-932 82 A0 = U+3042, 93 FA = U+65E5;
# GBK C4 E3 BA C3 = U+4F60 U+597D; Big5 A4 A4 A4 E5 = U+4E2D U+6587;
# EUC-KR / windows-949 C7 D1 B1 DB = U+D55C U+AE00 (and 81 41 = U+AC02 in
# windows-949's extension); KOI8-R C1 E1 = U+0430 U+0410; EUC-JP A4 A2 = U+3042.
while IFS='|' read -r enc bytes want; do
    f=name-$(printf '%s' "$enc" | tr -c 'A-Za-z0-9' '_').vmx
    printf '.encoding = "%s"\n%sdisplayName = "%b"\n' "$enc" "$HEAD" "$bytes" >"$V/$f"
    run scan -f json "$V/$f"
    ok "$enc: name converted, no error" json "d['vms'][0]['name'] == '$want' and not d['errors']"
done <<'EOF'
windows-1252|Caf\0351 \0200|Caf\u00e9 \u20ac
Shift_JIS|\0202\0240\0223\0372|\u3042\u65e5
GBK|\0304\0343\0272\0303|\u4f60\u597d
Big5|\0244\0244\0244\0345|\u4e2d\u6587
EUC-KR|\0307\0321\0261\0333|\ud55c\uae00
windows-949-2000|\0307\0321\0201\0101|\ud55c\uac02
KOI8-R|\0301\0341|\u0430\u0410
EUC-JP|\0244\0242|\u3042
EOF
# An encrypted VM configuration (the form RF3/VMwareVMX documents: the devices are inside
# encryption.data): a note naming the line, never an empty VM that passes every rule.
mkdir -p "$WORK/enc/vm"
printf '.encoding = "UTF-8"\ndisplayName = "Encrypted"\nencryption.keySafe = "vmware:key/list/(pair/(phrase/abc%%3d/pass2key%%3dPBKDF2%%2dHMAC%%2dSHA%%2d1,HMAC%%2dSHA%%2d1,xyz))"\nencryption.data = "AAAAAQAAAA"\n' >"$WORK/enc/vm/vm.vmx"
run scan -f json "$WORK/enc"
ok "encrypted .vmx: exit 0, nothing audited ($RC)" [ "$RC" -eq 0 ]
ok "encrypted .vmx: counted as encrypted, not as a VM" json "d['summary']['encrypted'] == 1 and d['summary']['vms'] == 0 and d['findings'] == []"
ok "encrypted .vmx: a note naming the keySafe line (3)" \
    json "any(e['line'] == 3 and e['severity'] == 'note' and 'encrypted VM configuration' in e['message'] for e in d['errors'])"
run scan "$WORK/enc"
ok "encrypted .vmx: the summary says so" grep -q "1 encrypted VM config not audited" "$WORK/out"

done_testing
