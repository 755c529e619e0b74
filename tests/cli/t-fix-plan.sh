#!/bin/sh
# t-fix-plan: `vmtriage fix` writes one plan for every finding. A datastore this
# test builds holds VMs with e1000 adapters, one nested hypervisor without
# vhv.enable and VMs whose names carry shell, PowerShell and Jinja2 syntax; then
# - the govc and ESXi-shell scripts parse (sh -n, dash -n) and run in dash with
#   recording stand-ins for govc and vim-cmd: each VM name reaches them as one
#   argument, DRY_RUN=1 changes nothing, a second run changes nothing more, and
#   the ESXi-shell .vmx edit changes the virtualDev line only (backup kept);
# - the playbook passes ansible-playbook --syntax-check, every value from the
#   input is an !unsafe scalar, and a VM named {{ lookup('pipe',...) }} stays
#   inert when Ansible prints it;
# - every PowerCLI line tokenizes by PowerShell's verbatim-string rules and
#   names the VM exactly;
# - a finding without an automatic fix appears in every form (manual steps).
. "$(dirname "$0")/lib.sh"

DS=$WORK/vmfs/volumes/ds1
mkdir -p "$DS" "$WORK/stubs" "$WORK/run"
python3 - "$DS" "$WORK" <<'PY'
import json, os, sys
ds, work = sys.argv[1], sys.argv[2]
names = ["web01", "$(touch PWNED)", "`touch PWNED`", "it's'; touch PWNED; '",
         "\u2018smart\u2019 \u201aq\u201b $(touch PWNED)", "\"dq\" $(touch PWNED) \\",
         "web*", "-rf", "{{ lookup('pipe','touch PWNED') }}", "caf\u00e9 \u65e5\u672c",
         "line1\ntouch PWNED", "esc\x1b]0;title\x07"]
def esc(s):
    return "".join("|%02X" % ord(c) if c in '"|#' or ord(c) < 0x20 or ord(c) == 0x7f else c
                   for c in s)
for i, n in enumerate(names):
    d = os.path.join(ds, "vm%02d" % i)
    os.makedirs(d)
    with open(os.path.join(d, "vm%02d.vmx" % i), "w", encoding="utf-8", newline="") as f:
        f.write('.encoding = "UTF-8"\r\nconfig.version = "8"\r\nvirtualHW.version = "10"\r\n'
                'displayName = "%s"\r\nguestOS = "windows9-64"\r\nmemsize = "4096"\r\n'
                '# keep this comment\r\n'
                'ethernet0.present = "TRUE"\r\nethernet0.virtualDev = "e1000"\r\n'
                'ethernet0.networkName = "VM Network"\r\nethernet0.addressType = "vpx"\r\n'
                'ethernet0.generatedAddress = "00:50:56:81:00:%02x"\r\n' % (esc(n), i))
d = os.path.join(ds, "nested")
os.makedirs(d)
open(os.path.join(d, "nested.vmx"), "w").write(
    'config.version = "8"\nvirtualHW.version = "13"\ndisplayName = "nested"\n'
    'guestOS = "vmkernel7"\nmemsize = "4096"\n')
json.dump(names, open(os.path.join(work, "names.json"), "w"))
PY

# the stand-ins: each records its call (command, arguments, NUL-terminated);
# state lives in $WORK/state (which adapters were replaced, which VMs are on)
mkdir -p "$WORK/state"
for c in govc vim-cmd esxcli; do
    cat >"$WORK/stubs/$c" <<STUB
#!/bin/sh
{ printf '%s\0' "$c"; for a in "\$@"; do printf '%s\0' "\$a"; done; printf '\n\0'; } >>"$WORK/calls"
exec python3 "$WORK/stub.py" "$WORK" "$c" "\$@"
STUB
    chmod +x "$WORK/stubs/$c"
done
cat >"$WORK/stub.py" <<'PY'
import os, sys, json, hashlib
work, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
st = os.path.join(work, "state")
def key(s): return hashlib.sha1(s.encode()).hexdigest()
vms = json.load(open(os.path.join(work, "vms.json")))  # [[vmid, name, rel], ...]
if cmd == "vim-cmd":
    if args[0] == "vmsvc/getallvms":
        print("Vmid   Name   File   Guest OS   Version   Annotation")
        for vid, name, rel in vms:
            print("%s      %s      [ds1] %s   windows9_64Guest   vmx-10" % (vid, name.replace("\n", " "), rel))
    elif args[0] == "vmsvc/power.getstate":
        print("Retrieved runtime info")
        print("Powered off" if os.path.exists(os.path.join(st, "off-" + args[1])) else "Powered on")
    elif args[0] == "vmsvc/power.shutdown":
        open(os.path.join(st, "off-" + args[1]), "w").close()
    elif args[0] == "vmsvc/power.on":
        os.remove(os.path.join(st, "off-" + args[1]))
elif cmd == "govc":
    name = args[args.index("-vm") + 1] if "-vm" in args else args[-1]
    k = key(name)
    if args[0] == "vm.info":
        on = not os.path.exists(os.path.join(st, "off-" + k))
        if "-json" in args:
            print('{"virtualMachines":[{"config":{"nestedHVEnabled":%s}}]}' %
                  ("true" if os.path.exists(os.path.join(st, "vhv-" + k)) else "false"))
        else:
            print("Name:           %s\n  Power state:  %s" % (name, "poweredOn" if on else "poweredOff"))
    elif args[0] == "vm.power":
        if "-s" in args: open(os.path.join(st, "off-" + k), "w").close()
        if "-on" in args: os.remove(os.path.join(st, "off-" + k))
    elif args[0] == "device.info":
        i = [v[1] for v in vms].index(name) if name in [v[1] for v in vms] else 0
        t = "VirtualVmxnet3" if os.path.exists(os.path.join(st, "nic-" + k)) else "VirtualE1000"
        print("Name:               ethernet-0\n  Type:             %s\n  MAC Address:      00:50:56:81:00:%02x" % (t, i))
    elif args[0] == "vm.network.add":
        open(os.path.join(st, "nic-" + k), "w").close()
    elif args[0] == "vm.change":
        open(os.path.join(st, "vhv-" + k), "w").close()
PY
python3 - "$WORK" "$DS" <<'PY'
import json, os, sys
work, ds = sys.argv[1], sys.argv[2]
names = json.load(open(os.path.join(work, "names.json")))
vms = [[str(10 + i), n, "vm%02d/vm%02d.vmx" % (i, i)] for i, n in enumerate(names)]
vms.append(["99", "nested", "nested/nested.vmx"])
json.dump(vms, open(os.path.join(work, "vms.json"), "w"))
PY

run fix --format json "$DS"
ok "fix --format json exits 2 (critical e1000 findings)" [ "$RC" -eq 2 ]
cp "$WORK/out" "$WORK/plan.json"
NF=$(python3 -c "import json; print(sum(len(a['findings']) for a in json.load(open('$WORK/plan.json'))['actions']))")
ok "the JSON plan has the findings of 13 VMs ($NF)" [ "$NF" -ge 14 ]
ok "JSON: e1000 first, worst first" json "d['actions'][0]['action'].startswith('Switch the network adapters from e1000') and d['actions'][0]['level'] == 'critical'"
ok "JSON: a manual action has no script" json "any(a['scripts'] == [] for a in d['actions'])"

for form in govc esxi-shell powercli ansible; do
    run fix --emit "$form" -o "$WORK/plan.$form" "$DS"
    ok "fix --emit $form writes the script (exit $RC)" [ "$RC" -eq 2 ]
    n=$(grep -c '^ *# step [0-9]*:' "$WORK/plan.$form")
    ok "$form: one commented step per finding ($n of $NF), manual ones too" [ "$n" -eq "$NF" ]
    ok "$form: the manual nested steps are listed" grep -q 'MANUAL' "$WORK/plan.$form"
done
for sh in sh dash; do
    ok "$sh -n: govc script" $sh -n "$WORK/plan.govc"
    ok "$sh -n: esxi-shell script" $sh -n "$WORK/plan.esxi-shell"
done
ok "scripts carry the dry-run switch in the header" grep -q 'DRY_RUN=1 sh SCRIPT' "$WORK/plan.govc"
ok "PowerCLI: param([switch]\$WhatIf)" grep -qx 'param(\[switch\]$WhatIf)' "$WORK/plan.powercli"

# run_sh FORM [DRY]: runs the script in dash with the stand-ins; calls in $WORK/calls
run_sh() {
    rm -f "$WORK/calls"
    (cd "$WORK/run" && env PATH="$WORK/stubs:/usr/bin:/bin" DRY_RUN="${2:-0}" dash "$WORK/plan.$1" \
        >"$WORK/sh.out" 2>"$WORK/sh.err")
    SH_RC=$?
}
cat >"$WORK/calls.py" <<'PY'
import json, os, sys
work, form, mode = sys.argv[1], sys.argv[2], sys.argv[3]
names = json.load(open(os.path.join(work, "names.json")))
raw = open(os.path.join(work, "calls"), "rb").read() if os.path.exists(os.path.join(work, "calls")) else b""
calls = [[a.decode() for a in c.split(b"\0")[:-1]] for c in raw.split(b"\n\0") if c]
WRITE = {"vm.power", "device.remove", "vm.network.add", "vm.change", "vmsvc/power.shutdown",
         "vmsvc/power.on", "vmsvc/reload"}
writes = [c for c in calls if len(c) > 1 and c[1] in WRITE]
bad = []
ok_names = [n for n in names if not any(ord(ch) < 0x20 for ch in n)]
if mode == "dry" and writes:
    bad.append("DRY_RUN made changes: %r" % writes[:3])
if mode == "again" and writes:
    bad.append("a second run changed more: %r" % writes[:3])
if mode == "first" and form == "govc":
    for n in ok_names:
        if any(ch in n for ch in "*?[]\\"):  # govc reads these as patterns: left out
            if any(n in c for c in calls):
                bad.append("a pattern name reached govc: %r" % n)
            continue
        mine = [c for c in calls if n in c[1:]]
        if not any(c[1] == "vm.network.add" for c in mine):
            bad.append("%r: no vm.network.add with the name as one argument" % n)
if mode == "first" and form == "esxi-shell":
    # the ESXi shell acts by .vmx path, which every VM here can carry
    if len([c for c in writes if c[1] == "vmsvc/reload"]) != len(names) + 1:
        bad.append("reloads: %r" % [c for c in writes if c[1] == "vmsvc/reload"])
print("\n".join(bad) if bad else "calls-ok")
PY
for form in govc esxi-shell; do
    rm -rf "$WORK/state"/*
    cp -a "$DS" "$WORK/ds-before"
    run_sh "$form" 1
    ok "$form DRY_RUN=1: runs" [ $? -eq 0 ]
    python3 "$WORK/calls.py" "$WORK" "$form" dry >"$WORK/c.out"
    ok "$form DRY_RUN=1: no change made" grep -qx calls-ok "$WORK/c.out"
    ok "$form DRY_RUN=1: no file changed" diff -r "$WORK/ds-before" "$DS"
    run_sh "$form"
    ok "$form: runs to the end (exit $SH_RC)" [ "$SH_RC" -eq 0 ]
    python3 "$WORK/calls.py" "$WORK" "$form" first >"$WORK/c.out"
    head -n 3 "$WORK/c.out" | grep -v calls-ok
    ok "$form: every VM name reaches the tool as one argument" grep -qx calls-ok "$WORK/c.out"
    run_sh "$form"
    python3 "$WORK/calls.py" "$WORK" "$form" again >"$WORK/c.out"
    ok "$form: a second run changes nothing" grep -qx calls-ok "$WORK/c.out"
    ok "$form: nothing injected" [ ! -e "$WORK/run/PWNED" ]
    if [ "$form" = esxi-shell ]; then
        python3 - "$WORK/ds-before" "$DS" >"$WORK/c.out" <<'PY'
import os, sys
a, b = sys.argv[1], sys.argv[2]
bad = []
for d in sorted(os.listdir(a)):
    f = os.path.join(d, d + ".vmx")
    old = open(os.path.join(a, f), "rb").read()
    new = open(os.path.join(b, f), "rb").read()
    if d == "nested":
        want = old + b'vhv.enable = "TRUE"\n'
    else:
        # the new line takes the file's line end (these files are CRLF)
        want = old.replace(b'ethernet0.virtualDev = "e1000"\r\n', b"") + b'ethernet0.virtualDev = "vmxnet3"\r\n'
    if new != want:
        bad.append("%s: %r" % (f, new[-80:]))
    backups = [n for n in os.listdir(os.path.join(b, d)) if n.startswith(d + ".vmx.vmtriage-")]
    if new != old and (len(backups) != 1 or open(os.path.join(b, d, backups[0]), "rb").read() != old):
        bad.append(f + ": not one backup of the old bytes: %r" % backups)
    if any(n.endswith(".vmtriage-new") for n in os.listdir(os.path.join(b, d))):
        bad.append(f + ": a temporary file left")
print("\n".join(bad) if bad else "files-ok")
PY
        head -n 3 "$WORK/c.out" | grep -v files-ok
        ok "esxi-shell: only the virtualDev line changed (CRLF, comments kept), backups kept" grep -qx files-ok "$WORK/c.out"
    fi
    rm -rf "$DS" && mv "$WORK/ds-before" "$DS"
done

# unquotable names: their steps are left out (a comment), never half run
ok "govc: the newline name is left out" grep -q 'left out' "$WORK/plan.govc"
ok "no raw control character in any script" \
    python3 -c "import sys; sys.exit(any(any(ord(c) < 0x20 and c not in '\n\t' for c in open(f, encoding='utf-8').read()) for f in sys.argv[1:]))" \
    "$WORK"/plan.govc "$WORK"/plan.esxi-shell "$WORK"/plan.powercli "$WORK"/plan.ansible

# PowerShell: every string the script holds is a verbatim string naming a VM exactly
cat >"$WORK/ps.py" <<'PY'
import json, os, sys
work = sys.argv[1]
names = json.load(open(os.path.join(work, "names.json")))
Q = "'\u2018\u2019\u201a\u201b"
def strings(line):
    out, i = [], 0
    while i < len(line):
        if line[i] == "#" and not out:
            break
        if line[i] in Q:
            i += 1; val = ""
            while True:
                if i >= len(line): raise ValueError("unterminated: " + line)
                if line[i] in Q:
                    if i + 1 < len(line) and line[i + 1] in Q:
                        val += line[i]; i += 2; continue
                    i += 1; break
                val += line[i]; i += 1
            out.append(val)
        else:
            i += 1
    return out
def unwild(s):
    out, i = "", 0
    while i < len(s):
        if s[i] == "`" and i + 1 < len(s): out += s[i + 1]; i += 2
        else: out += s[i]; i += 1
    return out
got = set()
bad = []
for line in open(os.path.join(work, "plan.powercli"), encoding="utf-8"):
    if line.lstrip().startswith("#"): continue
    try:
        for s in strings(line.rstrip("\n")):
            if line.lstrip().startswith("$vm = Get-VM -Name"):
                got.add(unwild(s))
    except ValueError as e:
        bad.append(str(e))
want = {n for n in names if not any(ord(c) < 0x20 for c in n)} | {"nested"}
if got != want: bad.append("names: missing %r extra %r" % (want - got, got - want))
print("\n".join(bad) if bad else "ps-ok")
PY
python3 "$WORK/ps.py" "$WORK" >"$WORK/c.out" 2>&1
head -n 3 "$WORK/c.out" | grep -v ps-ok
ok "PowerCLI: every line tokenizes; Get-VM -Name names each VM exactly" grep -qx ps-ok "$WORK/c.out"

# Ansible
export ANSIBLE_LOCAL_TEMP="$WORK/ansible-tmp" ANSIBLE_HOME="$WORK/ansible-home" ANSIBLE_NOCOLOR=1
ok "ansible-playbook --syntax-check" ansible-playbook --syntax-check "$WORK/plan.ansible" \
    >"$WORK/a.out" 2>&1
cat >"$WORK/check_playbook.py" <<'PY'
import json, os, sys, yaml
work = sys.argv[1]
names = json.load(open(os.path.join(work, "names.json")))
class Unsafe(str): pass
class L(yaml.SafeLoader): pass
L.add_constructor("!unsafe", lambda l, n: Unsafe(l.construct_scalar(n)))
play = yaml.load(open(os.path.join(work, "plan.ansible"), encoding="utf-8"), Loader=L)
got, bad = set(), []
def walk(t):
    for task in t:
        if "block" in task: walk(task["block"]); continue
        for k, v in task.items():
            if isinstance(v, dict) and "name" in v and k.startswith("community.vmware"):
                if not isinstance(v["name"], Unsafe): bad.append("not !unsafe: %r" % v["name"])
                got.add(str(v["name"]))
walk(play[0]["tasks"])
want = {n for n in names if not any(ord(c) < 0x20 for c in n)} | {"nested"}
if got != want: bad.append("names: missing %r extra %r" % (want - got, got - want))
print("\n".join(bad) if bad else "yaml-ok")
PY
/usr/bin/python3 "$WORK/check_playbook.py" "$WORK" >"$WORK/c.out" 2>&1
head -n 3 "$WORK/c.out" | grep -v yaml-ok
ok "Ansible: every VM name is an !unsafe scalar, exactly the name" grep -qx yaml-ok "$WORK/c.out"
# the Jinja2 name, as the playbook writes it, printed by Ansible: stays literal
line=$(grep -m1 "name: !unsafe '{{ lookup" "$WORK/plan.ansible" | sed 's/^ *name: //')
printf -- "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug:\n        msg: %s\n" "$line" >"$WORK/inert.yml"
(cd "$WORK/run" && ansible-playbook "$WORK/inert.yml" >"$WORK/a.out" 2>&1)
ok "Ansible prints the Jinja2 name literally" grep -qF "{{ lookup('pipe','touch PWNED') }}" "$WORK/a.out"
ok "... and runs nothing" [ ! -e "$WORK/run/PWNED" ]

done_testing
