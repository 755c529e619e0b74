#!/bin/sh
# t-bundle-input: `bundle` on what is not a support bundle, and the default
# run's VMTRIAGE_HOST_ROOT that is no host's file system. Nothing read is never
# an all-clear: exit 3 and one error naming the input, what it held and what
# a bundle holds. Every input is made here (python3 zipfile/tarfile).
. "$(dirname "$0")/../cli/lib.sh"

trun() {
    timeout 10 "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
}
# one_error PATH TEXT: exit 3, and an error line (not a note) for PATH holding TEXT
one_error() {
    [ "$RC" -eq 3 ] && grep -F -- "vmtriage: $1: " "$WORK/err" | grep -v ': note: ' | grep -qF -- "$2"
}
vmx() {
    mkdir -p "$(dirname "$1")"
    printf 'config.version = "8"\nvirtualHW.version = "10"\nguestOS = "windows8srv-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n' >"$1"
}
EXPECTED='expected a vm-support bundle: esx-<host>-<date>/ holding commands/'

# ---------------------------------------------------------------- a plain folder of .vmx
vmx "$WORK/vms/web/web.vmx"
vmx "$WORK/vms/db/db.vmx"
trun bundle "$WORK/vms"
ok "folder of .vmx: exit 3, not a support bundle, nothing read" one_error "$WORK/vms" 'not a support bundle, nothing read'
ok "folder of .vmx: says what it found (2 files, the first)" grep -qF "none of its 2 files is where vm-support puts them (found $WORK/vms/db/db.vmx and 1 more)" "$WORK/err"
ok "folder of .vmx: says what was expected" grep -qF "$EXPECTED" "$WORK/err"
ok "folder of .vmx: points at scan" grep -qF "2 VM configurations: 'vmtriage scan PATH' audits them" "$WORK/err"
trun bundle -f json "$WORK/vms"
ok "json: the error is in errors, no VM claimed" json "d['summary']['vms'] == 0 and any(e['severity'] == 'error' and 'not a support bundle' in e['message'] for e in d['errors'])"
trun bundle -f nagios "$WORK/vms"
ok "nagios: UNKNOWN (3), not OK" sh -c "[ $RC -eq 3 ] && grep -q '^VMTRIAGE UNKNOWN' '$WORK/out'"

# ---------------------------------------------------------------- archives that are no bundle
printf 'just some text\n' >"$WORK/junk.txt"
python3 - "$WORK" <<'PY'
import sys, zipfile, tarfile, io
w = sys.argv[1]
with zipfile.ZipFile(f"{w}/junk.zip", "w") as z:
    z.write(f"{w}/junk.txt", "junk.txt")
with zipfile.ZipFile(f"{w}/outer.zip", "w") as z:
    z.write(f"{w}/junk.zip", "inner.zip")
with tarfile.open(f"{w}/notvm.tgz", "w:gz") as t:
    data = b"hello\n"
    ti = tarfile.TarInfo("foo/bar.txt"); ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
with tarfile.open(f"{w}/empty.tgz", "w:gz") as t:
    pass
with tarfile.open(f"{w}/unread.tgz", "w:gz") as t:  # the layout, nothing vmtriage reads
    data = b"nothing of interest\n"
    ti = tarfile.TarInfo("esx-h1-2024-03-04--05.06-123/commands/unknown-command.txt"); ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
PY
trun bundle "$WORK/junk.zip"
ok "zip with a junk member: exit 3, names the member found" one_error "$WORK/junk.zip" "found $WORK/junk.zip:junk.txt"
ok "zip with a junk member: says what was expected" grep -qF "$EXPECTED" "$WORK/err"
trun bundle "$WORK/outer.zip"
ok "zip inside a zip: exit 3, names the inner zip's member" one_error "$WORK/outer.zip" "found $WORK/outer.zip/inner.zip:junk.txt"
trun bundle "$WORK/notvm.tgz"
ok ".tgz without the vm-support layout: exit 3, names its file" one_error "$WORK/notvm.tgz" "found $WORK/notvm.tgz:foo/bar.txt"
trun bundle "$WORK/empty.tgz"
ok "empty .tgz: exit 3, nothing read" one_error "$WORK/empty.tgz" 'nothing read: no regular file in it'
trun bundle "$WORK/unread.tgz"
ok "bundle layout with nothing vmtriage reads: exit 3, says so" one_error "$WORK/unread.tgz" 'nothing read: none of its 1 file is one vmtriage reads'
mkdir -p "$WORK/tgzs"
cp "$WORK/notvm.tgz" "$WORK/tgzs/a.tgz"
trun bundle "$WORK/tgzs"
ok "folder of archives: exit 3, says to give each bundle" sh -c "[ $RC -eq 3 ] && grep -qF '1 archive inside: give each bundle as an argument' '$WORK/err'"

# ---------------------------------------------------------------- an empty folder
mkdir "$WORK/empty"
trun bundle "$WORK/empty"
ok "empty folder: exit 3, nothing read" one_error "$WORK/empty" 'nothing read: no regular file in it'
ok "empty folder: the summary line is whole (crashes and files counted)" grep -q '^vmtriage bundle: 0 crashes, 0 non-fatal backtraces, 0 files, 0 dumps, 0 VMs' "$WORK/out"

# ---------------------------------------------------------------- loose files read anyway: a note
# A user-mode minidump header with no streams (minidumpapiset.h MINIDUMP_HEADER, 32 bytes).
mkdir "$WORK/loose"
python3 -c "import struct,sys; open(sys.argv[1],'wb').write(b'MDMP' + struct.pack('<IIIIIQ', 0xA793, 0, 32, 0, 0, 0))" "$WORK/loose/app.dmp"
trun bundle "$WORK/loose"
ok "a folder with a .dmp: read, not exit 3" sh -c "[ $RC -ne 3 ] && [ $RC -ne 124 ] && grep -q '1 dump' '$WORK/out'"
ok "... with a note that it is not a support bundle" grep -qF "$WORK/loose: note: not a support bundle: none of its 1 file is where vm-support puts them (found $WORK/loose/app.dmp); 1 read as loose files" "$WORK/err"

# ---------------------------------------------------------------- a real bundle says none of this
EX=$(cd "$(dirname "$0")/../.." && pwd)/examples/bundle
trun bundle "$EX"
ok "the example bundle: no 'not a support bundle', no 'nothing read'" sh -c "[ $RC -eq 2 ] && ! grep -q 'not a support bundle\|nothing read' '$WORK/err'"
trun bundle -f json "$EX" "$WORK/empty"
ok "a bundle and an empty folder: the empty one still has its error" json "any(e['severity'] == 'error' and e['path'] == '$WORK/empty' for e in d['errors']) and d['summary']['vms'] > 0"

# ---------------------------------------------------------------- VMTRIAGE_HOST_ROOT
hrun() { # hrun ROOT: the default run on ROOT
    VMTRIAGE_HOST_ROOT=$1 timeout 10 "$VT" >"$WORK/out" 2>"$WORK/err"
    RC=$?
}
hrun "$WORK/no-such-root"
ok "HOST_ROOT missing: exit 3, the reason" one_error "$WORK/no-such-root" 'VMTRIAGE_HOST_ROOT: cannot open: No such file or directory'
hrun "$WORK/junk.txt"
ok "HOST_ROOT a file: exit 3, not a folder" one_error "$WORK/junk.txt" 'VMTRIAGE_HOST_ROOT: not a folder'
hrun "$WORK/empty"
ok "HOST_ROOT empty: exit 3, an empty folder" one_error "$WORK/empty" 'VMTRIAGE_HOST_ROOT: an empty folder'
mkfifo "$WORK/fifo"
hrun "$WORK/fifo"
ok "HOST_ROOT a FIFO: exit 3, refused" one_error "$WORK/fifo" 'VMTRIAGE_HOST_ROOT: a FIFO (named pipe), not a file or folder: refused'
hrun "$WORK/vms"
ok "HOST_ROOT without a host's folders: exit 3, says which it looked for" one_error "$WORK/vms" 'nothing read: none of etc/vmware/hostd/vmInventory.xml, var/run/log, vmfs/volumes is there'
mkdir -p "$WORK/h1/var/run/log"
hrun "$WORK/h1"
ok "HOST_ROOT with an empty var/run/log: exit 3, nothing read" one_error "$WORK/h1" 'nothing read: no log, VM configuration or inventory found under it'
# a copy whose var/run/log is an absolute link: it would read this machine's logs
mkdir -p "$WORK/h2/var/run" "$WORK/elsewhere"
printf '2024-03-04T05:06:07.000Z cpu1:100)WARNING: NetPort: 1\n' >"$WORK/elsewhere/vmkernel.log"
ln -s "$WORK/elsewhere" "$WORK/h2/var/run/log"
hrun "$WORK/h2"
ok "HOST_ROOT var/run/log linked out of the copy: noted, not followed" grep -qF "$WORK/h2/var/run/log: note: symbolic link to $WORK/elsewhere leads out of $WORK/h2" "$WORK/err"
ok "... and nothing read: exit 3" one_error "$WORK/h2" 'nothing read'
# a link inside the copy is followed
mkdir -p "$WORK/h3/scratch/log" "$WORK/h3/var/run"
cp "$WORK/elsewhere/vmkernel.log" "$WORK/h3/scratch/log/"
ln -s ../../scratch/log "$WORK/h3/var/run/log"
VMTRIAGE_HOST_ROOT="$WORK/h3" timeout 10 "$VT" -f json >"$WORK/out" 2>"$WORK/err"
RC=$?
ok "HOST_ROOT var/run/log linked inside the copy: read (1 file), no error" json "len(d['files']) == 1 and not any(e['severity'] == 'error' for e in d['errors'])"
done_testing
