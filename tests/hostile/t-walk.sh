#!/bin/sh
# t-walk: what a walk meets besides files and folders. A FIFO, a socket or a
# device node inside a tree is noted and skipped; named as an input it is
# refused at once by every command (each run under `timeout 10`, so a command
# that blocks on a FIFO fails here instead of hanging the suite). A symbolic
# link that leads out of the tree given (to /, to ../outside) is noted and not
# followed; a datastore name link to its uuid folder beside it, a link inside
# the tree, and a root that is itself a link are followed; loops are noted.
# Every input is made here.
. "$(dirname "$0")/../cli/lib.sh"

# A VM config with a critical trigger (e1000 + RSS guest): finding it proves a walk went there.
vmx() { # vmx FILE NAME
    mkdir -p "$(dirname "$1")"
    printf 'config.version = "8"\nvirtualHW.version = "10"\ndisplayName = "%s"\nguestOS = "windows8srv-64"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n' "$2" >"$1"
}
mksock() { python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$1"; }

# runs with a timeout; 124 (timed out) is never an accepted status
trun() {
    timeout 10 "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
}

# ---------------------------------------------------------------- special files named as inputs
mkfifo "$WORK/fifo"
mksock "$WORK/sock"
printf 'processor\t: 0\nflags\t\t: fpu vmx ept popcnt sse4_1 sse4_2 avx2\n' >"$WORK/cpuinfo"
for kind in fifo sock; do
    what=$([ $kind = fifo ] && echo 'a FIFO (named pipe)' || echo 'a socket')
    for cmd in scan psod logs dump bundle cpu; do
        trun $cmd "$WORK/$kind"
        ok "$cmd $kind: refused at once, exit 3, the error names it ($what)" \
            sh -c "[ $RC -eq 3 ] && grep -qF -- '$WORK/$kind: $what, not a file' '$WORK/err'"
    done
    trun psod --vms "$WORK/$kind" "$(dirname "$0")/../../examples/psod/esxi55-e1000-vmkernel-log.1"
    ok "psod --vms $kind: not a hang; the error names it" sh -c "[ $RC -ne 124 ] && grep -qF -- '$WORK/$kind: $what, not a file' '$WORK/err'"
done
# `-` (standard input) stays allowed for cpu, logs and psod
trun cpu - <"$WORK/cpuinfo"
ok "cpu -: standard input still read" sh -c "[ $RC -ne 3 ] && [ $RC -ne 124 ] && ! grep -q refused '$WORK/err'"
printf '2024-03-04T05:06:07.000Z cpu1:100)WARNING: hello\n' | timeout 10 "$VT" logs - >"$WORK/out" 2>"$WORK/err"
RC=$?
ok "logs -: standard input still read" sh -c "[ $RC -ne 3 ] && [ $RC -ne 124 ] && grep -q '1 file' '$WORK/out'"
# a writer on the FIFO changes nothing: it is still refused, never read
( sleep 1; echo 'flags : vmx' >"$WORK/fifo" ) 2>/dev/null &
writer=$!
trun cpu "$WORK/fifo"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
ok "cpu FIFO with a writer waiting: refused, exit 3" sh -c "[ $RC -eq 3 ] && grep -q refused '$WORK/err'"

# device node: mknod needs root
if [ "$(id -u)" -eq 0 ] && mknod "$WORK/null" c 1 3 2>/dev/null; then
    for cmd in scan psod logs dump bundle cpu; do
        trun $cmd "$WORK/null"
        ok "$cmd device node: refused, exit 3, named a character device" \
            sh -c "[ $RC -eq 3 ] && grep -qF -- '$WORK/null: a character device, not a file' '$WORK/err'"
    done
    mkdir -p "$WORK/devtree"
    mknod "$WORK/devtree/zero.vmx" c 1 5
    trun scan "$WORK/devtree"
    ok "scan: a device node in a tree is a note, not read" \
        sh -c "[ $RC -ne 124 ] && grep -qF -- '$WORK/devtree/zero.vmx: note: a character device, not a file: skipped' '$WORK/err'"
else
    skip "device nodes: mknod needs root; running as uid $(id -u)"
fi

# ---------------------------------------------------------------- special files met in a walk
T="$WORK/tree"
vmx "$T/vm1/vm1.vmx" vm1
mkfifo "$T/vm1/pipe.vmx"
mksock "$T/vm1/vm1.sock"
mkfifo "$T/vm1/vmware.log"
for cmd in scan logs dump; do
    trun $cmd "$T"
    ok "$cmd: a FIFO in the tree is a note naming it" sh -c "[ $RC -ne 124 ] && grep -qF -- '$T/vm1/pipe.vmx: note: a FIFO (named pipe), not a file: skipped' '$WORK/err'"
    ok "$cmd: a socket in the tree is a note naming it" grep -qF -- "$T/vm1/vm1.sock: note: a socket, not a file: skipped" "$WORK/err"
done
trun scan -f json "$T"
ok "scan: the real VM beside them is still audited" json "len(d['vms']) == 1 and any(f['rule'] == 'vmx-e1000-rss-guest' for f in d['findings'])"
ok "scan: notes do not make it an error (exit 2: the critical finding)" [ "$RC" -eq 2 ]
trun bundle "$T"
ok "bundle folder: FIFO and socket noted as members skipped" sh -c "[ $RC -ne 124 ] && grep -q 'FIFO skipped: vm1/pipe.vmx' '$WORK/err' && grep -q 'socket skipped: vm1/vm1.sock' '$WORK/err'"

# ---------------------------------------------------------------- symbolic links leaving the tree
E="$WORK/esc"
vmx "$E/ds/vm2/vm2.vmx" vm2
vmx "$WORK/outside/vm3/vm3.vmx" vm3
ln -s / "$E/root"
ln -s ../outside "$E/out"
ln -s "$WORK/outside/vm3/vm3.vmx" "$E/ds/linked.vmx"
trun scan "$E"
ok "scan: a link to / is a note naming it and its target" grep -qF -- "$E/root: note: symbolic link to / leads out of $E" "$WORK/err"
ok "scan: a link to ../outside is a note naming it" grep -qF -- "$E/out: note: symbolic link to ../outside leads out of $E" "$WORK/err"
ok "scan: a link to a .vmx outside is a note too" grep -qF -- "$E/ds/linked.vmx: note: symbolic link to $WORK/outside/vm3/vm3.vmx leads out" "$WORK/err"
ok "scan: exit 2 (vm2's critical finding), the notes change nothing" [ "$RC" -eq 2 ]
trun scan -f json "$E"
ok "scan json: the notes are in errors, at level note" json "sum(1 for e in d['errors'] if 'leads out' in e['message']) == 3"
ok "scan: nothing outside was read (only vm2)" json "[v['name'] for v in d['vms']] == ['vm2']"
ok "scan: /proc was not walked (no path under it)" sh -c "! grep -q '/proc/' '$WORK/err' '$WORK/out'"
trun logs "$E"
ok "logs: the link to / is noted, not followed" sh -c "[ $RC -ne 124 ] && grep -qF -- '$E/root: note: symbolic link to / leads out' '$WORK/err'"
trun dump "$E"
ok "dump: the link to / is noted, not followed" sh -c "[ $RC -ne 124 ] && grep -qF -- '$E/root: note: symbolic link to / leads out' '$WORK/err'"
trun psod --vms "$E" "$(dirname "$0")/../../examples/psod/esxi55-e1000-vmkernel-log.1"
ok "psod --vms: the link to / is noted, not followed" sh -c "[ $RC -ne 124 ] && grep -qF -- '$E/root: note: symbolic link to / leads out' '$WORK/err'"

# kept: a datastore name link to its uuid folder beside it, a link inside the tree, a root link
D="$WORK/dstore"
vmx "$D/vmfs/volumes/5f1a2b3c-8d4e6f70/web/web.vmx" web
ln -s 5f1a2b3c-8d4e6f70 "$D/vmfs/volumes/datastore1"
ln -s ../5f1a2b3c-8d4e6f70/web "$D/vmfs/volumes/5f1a2b3c-8d4e6f70/alias"
trun scan -f json "$D/vmfs/volumes/datastore1"
ok "a root that is a link (datastore1) is followed" json "len(d['vms']) == 1"
ok "... and says nothing of leaving a tree" sh -c "! grep -q 'leads out' '$WORK/err'"
trun scan -f json "$D"
ok "datastore name link kept: one VM, named by its uuid path, no note of leaving" \
    sh -c "python3 -c \"import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if len(d['vms']) == 1 and '5f1a2b3c-8d4e6f70/web/web.vmx' in d['vms'][0]['path'] else 1)\" && ! grep -q 'leads out' '$WORK/err'"
ok "the uuid folder's path, not the name link's, and the aliases counted" json "d['summary']['aliases_skipped'] >= 1"
vmx "$WORK/inner/a/b.vmx" b
ln -s a "$WORK/inner/c"
mkdir -p "$WORK/runner"
ln -s ../inner "$WORK/runner/in"
trun scan -f json "$WORK/runner/in"
ok "a link inside a root that is a link: followed (one VM, no note)" sh -c "python3 -c \"import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if len(d['vms']) == 1 else 1)\" && ! grep -q 'leads out' '$WORK/err'"

# loops
L="$WORK/loops"
vmx "$L/vm/vm.vmx" vm
ln -s . "$L/vm/self"
ln -s .. "$L/vm/up"
ln -s b "$L/a"
ln -s a "$L/b"
trun scan -f json "$L"
ok "loops: no hang, the VM once" sh -c "[ $RC -ne 124 ] && python3 -c \"import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if len(d['vms']) == 1 else 1)\""
trun scan "$L"
ok "loops: a link to its own folder is a loop note" grep -qF -- "$L/vm/self: note: symbolic link loop" "$WORK/err"
ok "loops: a link to the folder above is a loop note" grep -qF -- "$L/vm/up: note: symbolic link loop" "$WORK/err"
ok "loops: a -> b -> a is a loop note" grep -qF -- "$L/a: note: symbolic link loop" "$WORK/err"
done_testing
