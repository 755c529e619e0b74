#!/bin/sh
# t-fix-apply: `vmtriage fix --apply / --dry-run / --undo` on copies: a
# byte-identical apply -> undo round trip over every corpus .vmx, the
# refusals (a lock beside the VM, a vmware.log being written, vim-cmd saying
# powered on, an encrypted VM, a read-only folder), --only, --dry-run writing
# nothing, mode and owner kept, a tampered journal, a failure injected at
# every step (VMTRIAGE_FAIL_AT) and kill -9 at random points of a loop of
# applies: every file is always the old or the new one, and --undo works.
# Expected values come from the files the test writes, never from output.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -d' ' -f1; }
# A tree's content: every file's name and hash.
tree_sum() { (cd "$1" && find . -type f -exec sha256sum {} + | sort) | sha256sum | cut -d' ' -f1; }
journal_of() { sed -n 's/^journal: \([^ ]*\) .*/\1/p' "$WORK/out"; }

# A rule that fires on every VM without the key: sets it and removes displayName.
mkdir -p "$WORK/rules"
cat >"$WORK/rules/rt.yml" <<'EOF'
title: round trip
id: vt-roundtrip
status: test
level: medium
logsource: {product: vmware, category: vm}
description: test rule of t-fix-apply
references: [tests/cli/t-fix-apply.sh]
remediation:
  vmx: |
    vmtriage.roundtrip = "1"   # set by the test
  vmx_remove: displayName
detection:
  done:
    vmx.vmtriage.roundtrip: "1"
  condition: not done
tests:
  match: ["guestOS = \"other\"\n"]
  no_match: ["guestOS = \"other\"\nvmtriage.roundtrip = \"1\"\n"]
EOF

cd "$WORK" || exit 1

# ---- round trip over the corpus ----
if have_shared "$SHARED/corpus/vmx" "round trip over the corpus"; then
    applied=0 refused=0 bad=0
    for f in "$SHARED"/corpus/vmx/*.vmx; do
        n=$(basename "$f" .vmx)
        mkdir -p "rt/$n"
        cp "$f" "rt/$n/$n.vmx"
        chmod 640 "rt/$n/$n.vmx"
        before=$(sha "rt/$n/$n.vmx")
        run fix --apply --rules "$WORK/rules" --only vt-roundtrip "rt/$n/$n.vmx"
        if [ "$RC" -ne 0 ]; then
            # A file vmtriage cannot edit faithfully is refused untouched, with one line.
            if [ "$(sha "rt/$n/$n.vmx")" = "$before" ] && [ "$RC" -eq 3 ] && [ -s "$WORK/err" ] &&
                [ -z "$(ls "rt/$n" | grep -v "^$n.vmx\$")" ]; then
                refused=$((refused + 1))
            else
                bad=$((bad + 1))
                echo "# $n: apply rc $RC: $(head -2 "$WORK/err")"
            fi
            continue
        fi
        j=$(journal_of)
        b=$(ls rt/$n/$n.vmx.vmtriage-* 2>/dev/null | head -1)
        after=$(sha "rt/$n/$n.vmx")
        good=1
        [ "$after" != "$before" ] || good=0
        [ -n "$b" ] && [ "$(sha "$b")" = "$before" ] || good=0
        grep -q '^vmtriage.roundtrip = "1"' "rt/$n/$n.vmx" || good=0
        ! grep -qi '^[[:space:]]*displayName[[:space:]]*=' "rt/$n/$n.vmx" || good=0
        [ "$(stat -c %a "rt/$n/$n.vmx")" = 640 ] || good=0
        # The changed file reads without error.
        "$VT" scan "rt/$n/$n.vmx" >/dev/null 2>"$WORK/scan.err"
        [ $? -ne 3 ] || good=0
        "$VT" fix --undo "$j" >/dev/null 2>&1 || good=0
        [ "$(sha "rt/$n/$n.vmx")" = "$before" ] || good=0
        if [ "$good" = 1 ]; then
            applied=$((applied + 1))
        else
            bad=$((bad + 1))
            echo "# $n: round trip failed"
        fi
    done
    ok "corpus: every .vmx applied and undone byte for byte, or refused untouched ($applied applied, $refused refused)" [ "$bad" -eq 0 ]
    ok "corpus: most files applied ($applied)" [ "$applied" -ge 20 ]
fi

# ---- a small datastore of our own ----
mkvm() { # mkvm DIR NAME NIC [EXTRA-LINE]: an e1000 VM
    mkdir -p "$1"
    printf 'config.version = "8"\r\nvirtualHW.version = "14"\r\ndisplayName = "%s"\r\nguestOS = "windows9-64"\r\nmemSize = "4096"\r\n# a comment\r\nethernet0.present = "TRUE"\r\nethernet0.virtualDev = "%s"\r\n%s' \
        "$2" "$3" "${4:-}" >"$1/$2.vmx"
}
fresh() {
    rm -rf ds
    mkvm ds/web01 web01 e1000
    mkvm ds/app02 app02 e1000
    mkvm ds/ok03 ok03 vmxnet3
}

fresh
old_web=$(sha ds/web01/web01.vmx)
run fix --apply ds/web01/web01.vmx
ok "apply: exit 0" [ "$RC" -eq 0 ]
ok "apply: the NIC is vmxnet3, in place" grep -q '^ethernet0.virtualDev = "vmxnet3"'"$(printf '\r')"'$' ds/web01/web01.vmx
ok "apply: only that line changed" [ "$(grep -c -v 'virtualDev' ds/web01/web01.vmx)" -eq "$(grep -c -v virtualDev ds/web01/web01.vmx.vmtriage-*)" ]
ok "apply: a unified diff of the line" grep -q '^+ethernet0.virtualDev = "vmxnet3"$' "$WORK/out"
ok "apply: the diff's old line" grep -q '^-ethernet0.virtualDev = "e1000"$' "$WORK/out"
ok "apply: backup named NAME.vmx.vmtriage-YYYYmmddTHHMMSS" sh -c 'ls ds/web01 | grep -Eq "^web01\.vmx\.vmtriage-[0-9]{8}T[0-9]{6}$"'
ok "apply: the backup is the old file" [ "$(sha ds/web01/web01.vmx.vmtriage-*)" = "$old_web" ]
ok "apply: no temporary file left" [ "$(ls ds/web01 | grep -c tmp)" -eq 0 ]
ok "apply: the journal is named" [ -f "$(journal_of)" ]
ok "apply: the other VMs untouched" [ "$(ls ds/app02)" = app02.vmx ]
J1=$(journal_of)
run fix --apply ds/web01/web01.vmx
ok "apply again: nothing to change (exit 0)" [ "$RC" -eq 0 ]
ok "apply again: says so" grep -q "^nothing to change$" "$WORK/out"
ok "apply again: no second backup" [ "$(ls ds/web01 | grep -c vmtriage-)" -eq 1 ]
run fix --undo "$J1"
ok "undo: exit 0" [ "$RC" -eq 0 ]
ok "undo: byte for byte" [ "$(sha ds/web01/web01.vmx)" = "$old_web" ]
run fix --undo "$J1"
ok "undo twice: exit 0, skipped" sh -c "[ $RC -eq 0 ] && grep -q 'skipped' '$WORK/out'"

# No change when nothing applies.
s0=$(tree_sum ds)
nj=$(ls vmtriage-fix-*.journal | wc -l)
run fix --apply ds/ok03/ok03.vmx
ok "nothing applies: exit 0" [ "$RC" -eq 0 ]
ok "nothing applies: says so" grep -q "nothing to change" "$WORK/out"
ok "nothing applies: no file written" [ "$(tree_sum ds)" = "$s0" ]
ok "nothing applies: no journal" [ "$(ls vmtriage-fix-*.journal | wc -l)" -eq "$nj" ]

# --dry-run writes nothing.
fresh
s0=$(tree_sum ds)
ls vmtriage-fix-* >"$WORK/j0" 2>/dev/null
run fix --dry-run ds
ok "dry-run: exit 0" [ "$RC" -eq 0 ]
ok "dry-run: the diffs" [ "$(grep -c '^+ethernet0.virtualDev = "vmxnet3"$' "$WORK/out")" -eq 2 ]
ok "dry-run: every file as it was" [ "$(tree_sum ds)" = "$s0" ]
ok "dry-run: no journal" sh -c "ls vmtriage-fix-* 2>/dev/null | cmp -s - '$WORK/j0'"

# --only.
run fix --apply --only no-such-rule ds
ok "--only an unknown rule: exit 3" [ "$RC" -eq 3 ]
run fix --dry-run --only vt-roundtrip --rules "$WORK/rules" ds
ok "--only: that rule's changes" [ "$(grep -c '^+vmtriage.roundtrip = "1"$' "$WORK/out")" -eq 3 ]
ok "--only: no other rule's" sh -c "! grep -q '^+.*vmxnet3' '$WORK/out'"

# The vhc.enable typo: removed, vhv.enable set.
mkdir -p ds/nested
printf 'config.version = "8"\nvirtualHW.version = "13"\nguestOS = "vmkernel65"\nvhc.enable = "TRUE"\nnumvcpus = "2"\n' >ds/nested/nested.vmx
run fix --apply --only vmx-vhc-enable-typo ds/nested/nested.vmx
ok "typo: exit 0" [ "$RC" -eq 0 ]
ok "typo: vhc.enable removed" sh -c '! grep -q vhc.enable ds/nested/nested.vmx'
ok "typo: vhv.enable set" grep -q '^vhv.enable = "TRUE"$' ds/nested/nested.vmx
ok "typo: the rest kept" grep -q '^numvcpus = "2"$' ds/nested/nested.vmx

# A finding with no .vmx change is listed as not applied.
run fix --dry-run ds/nested/nested.vmx
ok "not applied: listed with its rule" grep -q "^not applied: vmx-nested-hw-version on ds/nested/nested.vmx: no .vmx change" "$WORK/out"

# ---- running VM refusals ----
fresh
old_web=$(sha ds/web01/web01.vmx)
mkdir ds/web01/web01.vmx.lck
run fix --apply ds
ok "lock folder: exit 3" [ "$RC" -eq 3 ]
ok "lock folder: says why and how to power off" sh -c "grep -q 'web01.vmx.lck' '$WORK/err' && grep -q 'Shut Down Guest OS' '$WORK/err'"
ok "lock folder: nothing written (no file of either VM)" sh -c "[ '$(sha ds/web01/web01.vmx)' = '$old_web' ] && [ \"\$(ls ds/app02)\" = app02.vmx ]"
rmdir ds/web01/web01.vmx.lck
touch ds/web01/.lck-e003090001000000
run fix --apply ds/web01/web01.vmx
ok "NFS .lck- file: refused" sh -c "[ $RC -eq 3 ] && grep -q '.lck-e003090001000000' '$WORK/err'"
rm ds/web01/.lck-e003090001000000
echo '2026-01-01T00:00:00.000Z| vmx| I125: Tools: running' >ds/web01/vmware.log
run fix --apply ds/web01/web01.vmx
ok "vmware.log just written, no VMX exit: refused" sh -c "[ $RC -eq 3 ] && grep -q 'vmware.log' '$WORK/err'"
echo '2026-01-01T00:00:01.000Z| vmx| I125: VMX exit (0).' >>ds/web01/vmware.log
run fix --dry-run ds/web01/web01.vmx
ok "vmware.log ending with VMX exit: not refused" [ "$RC" -eq 0 ]
printf '2026-01-01| vmx| running\n' >ds/web01/vmware.log
touch -d '1 hour ago' ds/web01/vmware.log
run fix --dry-run ds/web01/web01.vmx
ok "vmware.log an hour old: not refused" [ "$RC" -eq 0 ]
rm ds/web01/vmware.log

# vim-cmd (the ESXi shell), through the test hook.
cat >"$WORK/vim-cmd" <<EOF
#!/bin/sh
echo "\$*" >>"$WORK/vim.log"
case "\$1" in
vmsvc/getallvms) printf 'Vmid   Name   File   Guest OS   Version   Annotation\n7   app02   [ds] app02/app02.vmx   windows9_64Guest   vmx-14\n42   web 01 [x]   [ds] web01/web01.vmx   windows9_64Guest   vmx-14\n' ;;
vmsvc/power.getstate) printf 'Retrieved runtime info\n%s\n' "\$(cat "$WORK/state")" ;;
vmsvc/reload) exit 0 ;;
esac
EOF
chmod +x "$WORK/vim-cmd"
echo "Powered on" >"$WORK/state"
: >"$WORK/vim.log"
VMTRIAGE_VIM_CMD="$WORK/vim-cmd" run fix --apply ds/web01/web01.vmx
ok "vim-cmd powered on: refused" sh -c "[ $RC -eq 3 ] && grep -q 'power.getstate 42' '$WORK/err' && grep -q 'vim-cmd vmsvc/power.shutdown 42' '$WORK/err'"
ok "vim-cmd powered on: unchanged" [ "$(sha ds/web01/web01.vmx)" = "$old_web" ]
echo "Powered off" >"$WORK/state"
VMTRIAGE_VIM_CMD="$WORK/vim-cmd" run fix --apply ds/web01/web01.vmx
ok "vim-cmd powered off: applied" [ "$RC" -eq 0 ]
ok "vim-cmd: says to reload VM 42" grep -q 'vim-cmd vmsvc/reload 42' "$WORK/out"
ok "vim-cmd: no reload without --reload" sh -c "! grep -q reload '$WORK/vim.log'"
VMTRIAGE_VIM_CMD="$WORK/vim-cmd" run fix --apply --reload ds/app02/app02.vmx
ok "--reload: ran vim-cmd vmsvc/reload 7" sh -c "[ $RC -eq 0 ] && grep -qx 'vmsvc/reload 7' '$WORK/vim.log'"

# ---- not a VM, encrypted, read-only ----
fresh
printf 'config.version = "8"\nencryption.keySafe = "vmware:key/list/(pair/(null/vmware-null-provider,HMAC-SHA-256,abc))"\nencryption.data = "xyz"\nethernet0.virtualDev = "e1000"\n' >ds/ok03/ok03.vmx
old=$(sha ds/ok03/ok03.vmx)
run fix --apply ds/ok03/ok03.vmx
ok "encrypted: exit 3, one line naming the file" sh -c "[ $RC -eq 3 ] && grep -q 'ok03.vmx.*encrypted' '$WORK/err'"
ok "encrypted: unchanged" [ "$(sha ds/ok03/ok03.vmx)" = "$old" ]
printf 'not a vmware file\n' >"$WORK/x.vmx"
run fix --apply "$WORK/x.vmx"
ok "not a VM: exit 3" sh -c "[ $RC -eq 3 ] && grep -q 'not a VMware configuration' '$WORK/err'"
run fix --apply "$WORK/missing.vmx"
ok "unreadable: exit 3" [ "$RC" -eq 3 ]
printf 'config.version = "8"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\nguestOS = "windows9-64"\nguestOS = "x"\n' >ds/ok03/ok03.vmx
run fix --apply ds/ok03/ok03.vmx
ok "duplicate key: refused" sh -c "[ $RC -eq 3 ] && grep -q 'duplicate' '$WORK/err'"

fresh
s0=$(tree_sum ds)
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
    unshare -m sh -c "mount --bind '$WORK/ds' '$WORK/ds' && mount -o remount,ro,bind '$WORK/ds' '$WORK/ds' && exec '$VT' fix --apply ds" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    ok "read-only file system: exit 3" [ "$RC" -eq 3 ]
    ok "read-only file system: says so" grep -q 'cannot be written' "$WORK/err"
    ok "read-only file system: nothing written" [ "$(tree_sum ds)" = "$s0" ]
else
    skip "read-only file system: unshare -m is not allowed here"
fi

# ---- mode and owner ----
fresh
chmod 604 ds/web01/web01.vmx
chown 1234:5678 ds/web01/web01.vmx 2>/dev/null
want=$(stat -c '%a %u:%g' ds/web01/web01.vmx)
run fix --apply ds/web01/web01.vmx
ok "mode/owner: applied" [ "$RC" -eq 0 ]
ok "mode/owner: the new file keeps them ($want)" [ "$(stat -c '%a %u:%g' ds/web01/web01.vmx)" = "$want" ]
ok "mode/owner: the backup has them" [ "$(stat -c '%a %u:%g' ds/web01/web01.vmx.vmtriage-*)" = "$want" ]
J=$(journal_of)

# ---- the journal ----
cp "$J" "$WORK/tampered.journal"
sed -i 's/^file done \(.\)/file done 0/' "$WORK/tampered.journal"
cmp -s "$J" "$WORK/tampered.journal" || sed -i 's/^file done 0/file done 1/' "$WORK/tampered.journal"
run fix --undo "$WORK/tampered.journal"
ok "tampered journal: exit 3" [ "$RC" -eq 3 ]
ok "tampered journal: says it was changed" grep -q 'journal was changed' "$WORK/err"
head -n 3 "$J" >"$WORK/cut.journal"
run fix --undo "$WORK/cut.journal"
ok "cut journal: exit 3, says so" sh -c "[ $RC -eq 3 ] && grep -q 'not a complete' '$WORK/err'"
echo 'tools.syncTime = "TRUE"' >>ds/web01/web01.vmx
changed=$(sha ds/web01/web01.vmx)
run fix --undo "$J"
ok "undo of a file changed since: exit 3" [ "$RC" -eq 3 ]
ok "undo of a file changed since: says so" grep -q 'changed since the apply' "$WORK/err"
ok "undo of a file changed since: file kept" [ "$(sha ds/web01/web01.vmx)" = "$changed" ]

# ---- failure injected at every step ----
for step in backup write fsync journal recheck rename dirfsync; do
    fresh
    old=$(sha ds/web01/web01.vmx)
    VMTRIAGE_FAIL_AT=$step run fix --apply ds/web01/web01.vmx
    now=$(sha ds/web01/web01.vmx)
    ok "fail at $step: exit 3, one error naming the file" sh -c "[ $RC -eq 3 ] && grep -q 'ds/web01/web01.vmx' '$WORK/err'"
    ok "fail at $step: no temporary file left" [ "$(ls ds/web01 | grep -c tmp)" -eq 0 ]
    if [ "$step" = dirfsync ]; then
        ok "fail at $step: the file is the new one" grep -q 'vmxnet3' ds/web01/web01.vmx
        run fix --undo "$(journal_of)"
        ok "fail at $step: undo restores the old file" [ "$RC" -eq 0 ]
        ok "fail at $step: the old file, byte for byte" [ "$(sha ds/web01/web01.vmx)" = "$old" ]
    else
        ok "fail at $step: the file is the old one" [ "$now" = "$old" ]
    fi
    "$VT" scan ds/web01/web01.vmx >/dev/null 2>&1
    ok "fail at $step: the file parses" [ $? -ne 3 ]
done

# ---- kill -9 at random points ----
N=${VT_KILL_LOOPS:-200}
fresh
o1=$(sha ds/web01/web01.vmx)
o2=$(sha ds/app02/app02.vmx)
"$VT" fix --apply ds >/dev/null 2>&1
n1=$(sha ds/web01/web01.vmx)
n2=$(sha ds/app02/app02.vmx)
# Aim the kills at the run's own steps: between the end of a start-up (a
# dry run's time) and the end of a whole apply, each step 3 ms apart.
ms() { date +%s%N | cut -c1-13; }
( fresh )
t0=$(ms); "$VT" fix --dry-run ds >/dev/null 2>&1; t1=$(ms)
VMTRIAGE_STEP_DELAY_MS=3 "$VT" fix --apply ds >/dev/null 2>&1; t2=$(ms)
lo=$(( (t1 - t0) * 8 / 10 )) hi=$(( (t2 - t1) * 12 / 10 ))
rm -f vmtriage-fix-*.journal
mkdir -p kill
cd kill || exit 1
badfile=0 badundo=0 i=0 newcount=0 tmpcount=0
while [ "$i" -lt "$N" ]; do
    i=$((i + 1))
    ( cd .. && fresh )
    VMTRIAGE_STEP_DELAY_MS=3 "$VT" fix --apply ../ds >/dev/null 2>&1 &
    pid=$!
    d=$(awk -v s="$i" -v lo="$lo" -v hi="$hi" 'BEGIN { srand(s); printf "%.3f", (lo + rand() * (hi - lo)) / 1000 }')
    sleep "$d"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    s1=$(sha ../ds/web01/web01.vmx)
    s2=$(sha ../ds/app02/app02.vmx)
    { [ "$s1" = "$o1" ] || [ "$s1" = "$n1" ]; } && { [ "$s2" = "$o2" ] || [ "$s2" = "$n2" ]; } || badfile=$((badfile + 1))
    [ "$s1" = "$n1" ] && newcount=$((newcount + 1))
    [ -e ../ds/app02/app02.vmx.vmtriage-tmp-$pid ] && tmpcount=$((tmpcount + 1))
    for j in vmtriage-fix-*.journal; do
        [ -e "$j" ] || continue
        "$VT" fix --undo "$j" >"$WORK/u.out" 2>"$WORK/u.err"
        [ $? -eq 0 ] || { badundo=$((badundo + 1)); echo "# kill $i: undo: $(head -1 "$WORK/u.err")"; }
        rm -f "$j"
    done
    rm -f vmtriage-fix-*.journal.tmp-*
    # After undo, both files are the old ones.
    [ "$(sha ../ds/web01/web01.vmx)" = "$o1" ] && [ "$(sha ../ds/app02/app02.vmx)" = "$o2" ] || badundo=$((badundo + 1))
done
cd ..
echo "# kill -9 x$N (between ${lo} and ${hi} ms): web01 was the new file after $newcount kills; a temporary file was left by $tmpcount"
ok "kill -9 x$N: every file is the old or the new one, never a mix" [ "$badfile" -eq 0 ]
ok "kill -9 x$N: every journal undoes, and the files are the old ones after" [ "$badundo" -eq 0 ]

# ---- fixes that depend on each other settle in one run ----
# A nested ESXi VM with 4 GB and no reservation: the memory size fix gives
# memSize 8192 and the reservation fix must then reserve all of it (8192,
# not the 4096 it read first); a second run has nothing left to do.
mkdir -p settle/nest
printf '.encoding = "UTF-8"\nconfig.version = "8"\nvirtualHW.version = "19"\nguestOS = "vmkernel7"\ndisplayName = "nest"\nvhv.enable = "TRUE"\nmemSize = "4096"\nnumvcpus = "4"\n' >settle/nest/nest.vmx
run fix --apply settle/nest/nest.vmx
ok "settle: applied (exit $RC)" [ "$RC" -le 2 ]
ok "settle: memSize is 8192" grep -qx 'memSize = "8192"' settle/nest/nest.vmx
ok "settle: the reservation is the new size, 8192" grep -qx 'sched.mem.min = "8192"' settle/nest/nest.vmx
ok "settle: one line per key" [ "$(grep -ci '^sched.mem.min' settle/nest/nest.vmx)" -eq 1 ]
after=$(sha settle/nest/nest.vmx)
run fix --apply settle/nest/nest.vmx
ok "settle: a second run changes nothing" [ "$(sha settle/nest/nest.vmx)" = "$after" ]
ok "settle: a second run says so" grep -q "already applied\|nothing to change\|no .vmx change" "$WORK/out"

done_testing
