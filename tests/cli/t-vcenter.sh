#!/bin/sh
# t-vcenter: `vmtriage vcenter` against govmomi's vSphere API simulator
# (tests/vcsim/main.go, built here offline from Debian's
# golang-github-vmware-govmomi-dev in GOPATH mode) loaded with fixtures this
# script writes, and against tests/vcsim/fake_vsphere.py for what the
# simulator cannot do (pages with tokens, truncated and stalled responses,
# faults, permission faults). Expected values come from the fixtures, from
# data/guestos.tsv, and from `vmtriage scan` of .vmx files this script writes
# for the same VMs: never from the output under test. Skipped when `go` is
# missing (a failure under CI=true).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BDIR=$(cd "$(dirname "$VT")" && pwd)
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] && cp -r "$WORK" /tmp/vt-keep; rm -rf "$WORK"' EXIT
unset VMTRIAGE_USER VMTRIAGE_PASSWORD

# The static binary has no vSphere client and says so.
STATIC_BIN=$ROOT/build-static/vmtriage
if [ -x "$STATIC_BIN" ]; then
    VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p "$STATIC_BIN" vcenter https://127.0.0.1:1/sdk >"$WORK/out" 2>"$WORK/err"
    RC=$?
    ok "static binary: vcenter exits 3" [ "$RC" -eq 3 ]
    ok "static binary: says the vSphere client is not built in" grep -q "built without the vSphere client" "$WORK/err"
    "$STATIC_BIN" psod --vcenter https://127.0.0.1:1/sdk "$ROOT/examples/psod/esxi55-e1000-vmkernel-log.1" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    ok "static binary: psod --vcenter exits 3, not built in" sh -c "[ $RC -eq 3 ] && grep -q 'built without the vSphere client' '$WORK/err'"
else
    skip "static binary: build-static/vmtriage not built (make static)"
fi

VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter http://127.0.0.1:1/sdk
if grep -q "built without the vSphere client" "$WORK/err"; then
    skip "vcenter: $VT is built without the vSphere client (VSPHERE=0)"
    done_testing
    exit $?
fi
ok "unreachable server: exit 3" [ "$RC" -eq 3 ]
ok "unreachable server: one line naming the cause" sh -c "grep -c . '$WORK/err' | grep -qx 2 && grep -q 'cannot reach the server' '$WORK/err'"

# ---- the fake endpoint: pages, faults, truncation, interrupts ----------------
FAKE=$ROOT/tests/vcsim/fake_vsphere.py
fake_start() { # fake_start MODE: sets FPORT, FLOG, FPID
    FLOG=$WORK/fake-$1.log
    rm -f "$WORK/fake.port" "$FLOG"
    python3 "$FAKE" "$1" "$WORK/fake.port" "$FLOG" &
    FPID=$!
    PIDS="$PIDS $FPID"
    i=0
    while [ ! -s "$WORK/fake.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    FPORT=$(cat "$WORK/fake.port" 2>/dev/null)
}
fake_stop() { kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null; }

mkdir -p "$WORK/rules-mask"
for f in svm avx2; do
    cat >"$WORK/rules-mask/$f.yml" <<YML
title: Test, CPUID mask hides $f
id: test-$f-hidden
status: stable
level: low
logsource:
  product: vmware
  category: vm
description: |
  The test's own rule: vm.cpuid_hidden lists $f.
references:
  - tests/cli/t-vcenter.sh
remediation:
  vsphere_client: none
detection:
  hidden:
    vm.cpuid_hidden: $f
  condition: hidden
tests:
  match:
    - |
      cpuid.1.ecx = "--0-:----:0---:----:----:-0--:--0-:----"
      cpuid.7.ebx = "----:----:----:----:----:----:--0-:----"
      cpuid.80000001.ecx = "----:----:----:----:----:----:----:-0--"
  no_match:
    - |
      cpuid.1.ecx = "----:----:----:----:----:----:----:----"
YML
done
fake_start paging
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=secret-pw-1 run vcenter --page-size 1 -f json "http://127.0.0.1:$FPORT/sdk"
ok "paging: maxObjects 1 asked" grep -q "^RetrievePropertiesEx this=pc-7 max=1" "$FLOG"
ok "paging: ContinueRetrievePropertiesEx with the first token, then the second" \
    sh -c "grep -o 'token=[a-z0-9]*' '$FLOG' | tr '\n' ' ' | grep -qx 'token=t1 token=t2 '"
ok "paging: the morefs come from RetrieveServiceContent (sm-7, pc-7, vm-mgr-7)" \
    sh -c "grep -q '^Login this=sm-7' '$FLOG' && grep -q '^CreateContainerView this=vm-mgr-7' '$FLOG'"
ok "paging: every VM of the three pages is in the report" \
    json "sorted(v['path'] for v in d['vms']) == ['/DC/vm/db-1', '/DC/vm/esx-nested', '/DC/vm/web-1']"
ok "paging: host and datastore path from the inventory" \
    json "all(v['host'] == 'esx1' and v['datastore_path'] == '[ds1] %s/%s.vmx' % (v['name'], v['name']) for v in d['vms'])"
ok "paging: device classes mapped (VirtualE1000, VirtualVmxnet3, VirtualE1000e; LSI SAS, PVSCSI)" \
    json "{v['name']: ([n['type'] for n in v['nics']], [c['type'] for c in v['controllers']]) for v in d['vms']} == {'web-1': (['e1000'], ['lsisas1068']), 'esx-nested': (['vmxnet3'], ['pvscsi']), 'db-1': (['e1000e'], ['pvscsi'])}"
ok "paging: the host's build from the API (5.5.0 build 1331820)" \
    json "[(h['name'], h['version'], h['build'], h['cpu']['model']) for h in d['hosts']] == [('esx1', '5.5.0', '1331820', 'Test CPU 1')]"
ok "paging: views destroyed and the session logged out, Logout last" \
    sh -c "test \$(grep -c '^DestroyView' '$FLOG') -eq 2 && tail -n 1 '$FLOG' | grep -q '^Logout this=sm-7'"
# nestedHVEnabled: absent (web-1) stays unset, an explicit false (db-1) is
# vhv.enable FALSE, true (esx-nested) TRUE (fake_vsphere.py NESTED)
ok "paging: nestedHVEnabled absent -> unset, false -> FALSE, true -> TRUE" \
    json "{v['name']: v['vhv_enable'] for v in d['vms']} == {'web-1': None, 'db-1': False, 'esx-nested': True}"
ok "paging: an explicit false (db-1, rhel8) makes no nested-hypervisor candidate, no vmx-nested finding" \
    json "[v['runs_hypervisor'] for v in d['vms'] if v['name'] == 'db-1'] == [False] and not [f for f in d['findings'] if f['subject'] == '/DC/vm/db-1' and f['rule'].startswith('vmx-nested')]"
# HV Support from capability.ftCompatibilityIssues cpuHvDisabled: 2, the cpu
# rules' "disabled in the BIOS" finding on the host, and the nested VM noted
ok "paging: HV Support 2 from the FT compatibility issue cpuHvDisabled" \
    json "[h['cpu']['hv_support'] for h in d['hosts']] == [2]"
ok "paging: the host gets the cpu rule of HV Support 2 (cpu-esxi-hv-disabled), naming the API property" \
    json "[(f['rule'], 'cpuHvDisabled' in f['subject']) for f in d['findings'] if f['rule'].startswith('cpu-')] == [('cpu-esxi-hv-disabled', True)]"
ok "paging: the VM with nestedHVEnabled on that host is noted, no other" \
    json "[e['path'] for e in d['errors'] if 'HV Support 2' in e['message']] == ['/DC/vm/esx-nested']"
ok "paging: the host's release from data/esxi_builds.tsv (build 1331820)" \
    json "[h['update'] for h in d['hosts']] == [[l.split('\\t') for l in open('$ROOT/data/esxi_builds.tsv') if l.split('\\t')[2:3] == ['1331820']][0][1]]"
ok "paging: capability.smpFtCompatibilityIssues asked of a server of API 6.7" grep -q "^RetrievePropertiesEx.* smpft" "$FLOG"
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter -f json --rules "$WORK/rules-mask" "http://127.0.0.1:$FPORT/sdk"
ok "cpuFeatureMask: level 1 ECX hiding POPCNT is cpuid.1.ecx (vmx-cpuid-mask-hides-feature, web-1 only)" \
    json "sorted(f['subject'] for f in d['findings'] if f['rule'] == 'vmx-cpuid-mask-hides-feature') == ['/DC/vm/web-1']"
ok "cpuFeatureMask: level -2147483647 (0x80000001) is cpuid.80000001.ecx: SVM hidden" \
    json "[[e['text'] for e in f['evidence']] for f in d['findings'] if f['rule'] == 'test-svm-hidden'] == [['cpuid.80000001.ecx = \"----:----:----:----:----:----:----:-0--\"']] and [f['subject'] for f in d['findings'] if f['rule'] == 'test-svm-hidden'] == ['/DC/vm/web-1']"
ok "cpuFeatureMask: an AMD-only mask is not written (AVX2 not hidden)" \
    json "[f for f in d['findings'] if f['rule'] == 'test-avx2-hidden'] == []"
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter "http://127.0.0.1:$FPORT/sdk"
ok "paging: the ESXi shell fix names the .vmx in /vmfs/volumes, not the inventory path" \
    grep -q "in '/vmfs/volumes/ds1/web-1/web-1.vmx'" "$WORK/out"
ok "paging: the password is in no output" sh -c "! grep -q secret-pw-1 '$WORK/out' '$WORK/err'"
# psod --vcenter: the inventory's VMs that carry the crash's trigger. The
# example is the E1000PollRxRing screen of KB 2059053; the fake inventory's
# only VirtualE1000 is web-1 (db-1 has an e1000e, esx-nested a vmxnet3).
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run psod -f json --vcenter "http://127.0.0.1:$FPORT/sdk" "$ROOT/examples/psod/esxi55-e1000-vmkernel-log.1"
ok "psod --vcenter: the e1000 VM of the inventory, and only it, is related to the crash" \
    json "[sorted(r['subject'] for r in f['related']) for f in d['findings'] if f['rule'] == 'psod-e1000-rss'] == [['/DC/vm/web-1']]"
ok "psod --vcenter: the session logged out" sh -c "tail -n 1 '$FLOG' | grep -q '^Logout'"
# A screen without a build (the test text of psod-kb-intr-invalid-vector-iovdisableir,
# fixed in ESXi 5.5 P11): with --vcenter, the fixed-in check uses the build
# of the host the crash came from (the fake's esx1, ESXi 5.5.0 build 1331820).
SCREEN='@BlueScreen: #PF Exception 14 in world 32812:helper14-0 IP 0x41801a3c2b11 addr 0x28
Code start: 0x418019a00000 VMK uptime: 4:01:02:03.004
ALERT: IntrCookie: 3411: Interrupt received on invalid vector (cpu 0, vector 72); ignoring it.
0x4390c0e1bd80:[0x41801a3c2b11]IntrCookie_DoInterrupt@vmkernel#nover+0x1b1 stack: 0x0'
for b in esx-esx1.lab.local-2024-03-04--05.58-40112 esx-other-2024-03-04--05.58-40112 flat; do
    mkdir -p "$WORK/$b/var/run/log"
    printf '%s\n' "$SCREEN" >"$WORK/$b/var/run/log/vmkernel.log"
done
fixst() { json "[(f['fix']['status'], '1331820' in (f['fix']['note'] or '')) for f in d['findings'] if f['rule'] == 'psod-kb-intr-invalid-vector-iovdisableir'] == [$1]"; }
run psod -f json "$WORK/flat/var/run/log/vmkernel.log"
ok "psod, no build, no --vcenter: the fixed releases listed only" fixst "('listed', False)"
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run psod -f json --vcenter "http://127.0.0.1:$FPORT/sdk" "$WORK/esx-esx1.lab.local-2024-03-04--05.58-40112/var/run/log/vmkernel.log"
ok "psod --vcenter, the bundle folder names host esx1: its build 1331820 (5.5 line) -> upgrade to 5.5 P11" fixst "('upgrade', True)"
ok "psod --vcenter: a note says whose build was used" json "any('1331820' in e['message'] and 'esx1' in e['message'] for e in d['errors'])"
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run psod -f json --vcenter "http://127.0.0.1:$FPORT/sdk" "$WORK/esx-other-2024-03-04--05.58-40112/var/run/log/vmkernel.log"
ok "psod --vcenter, the bundle folder names a host not in the inventory: no build taken" fixst "('listed', False)"
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run psod -f json --vcenter "http://127.0.0.1:$FPORT/sdk" "$WORK/flat/var/run/log/vmkernel.log"
ok "psod --vcenter, no bundle folder, an inventory of one host: that host's build" fixst "('upgrade', True)"
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run psod -f json --build 9999999 --vcenter "http://127.0.0.1:$FPORT/sdk" "$WORK/flat/var/run/log/vmkernel.log"
ok "psod --vcenter --build: --build wins" \
    json "[('9999999' in f['fix']['note'], '1331820' in f['fix']['note']) for f in d['findings'] if f['rule'] == 'psod-kb-intr-invalid-vector-iovdisableir'] == [(True, False)]"
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run psod --vcenter http://127.0.0.1:1/sdk "$ROOT/examples/psod/esxi55-e1000-vmkernel-log.1"
ok "psod --vcenter, server unreachable: exit 3, one line" sh -c "[ $RC -eq 3 ] && grep -q 'cannot reach the server' '$WORK/err'"
fake_stop

fake_start api55
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter -f json "http://127.0.0.1:$FPORT/sdk"
ok "API 5.5 server: capability.smpFtCompatibilityIssues (API 6.0) not asked, the run completes" \
    sh -c "[ $RC -le 2 ] && grep -q '^RetrievePropertiesEx' '$FLOG' && ! grep -q smpft '$FLOG'"
fake_stop

fake_start fault
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter "http://127.0.0.1:$FPORT/sdk"
ok "SOAP fault: exit 3, no report" sh -c "[ $RC -eq 3 ] && [ ! -s '$WORK/out' ]"
ok "SOAP fault: one line with the call, the fault type and its message" \
    grep -q "RetrievePropertiesEx: SOAP fault SystemError: something broke" "$WORK/err"
ok "SOAP fault: still logged out" sh -c "tail -n 1 '$FLOG' | grep -q '^Logout'"
fake_stop

fake_start denied
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter -f json "http://127.0.0.1:$FPORT/sdk"
ok "permission fault: the run goes on (the other VMs are audited)" \
    json "sorted(v['path'] for v in d['vms']) == ['/DC/vm/db-1', '/DC/vm/web-1']"
ok "permission fault: the VM without a readable configuration is an error naming it" \
    json "any(e['path'] == '/DC/vm/esx-nested' and 'not audited' in e['message'] for e in d['errors'])"
ok "permission fault: the refused property of a VM is named per object" \
    json "any(e['path'] == '/DC/vm/db-1' and 'config.hardware.device: NoPermission' in e['message'] for e in d['errors'])"
fake_stop

for m in truncate truncate-chunked truncate-close; do
    fake_start $m
    VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter "http://127.0.0.1:$FPORT/sdk"
    ok "$m: exit 3 with a one-line truncated-response error" \
        sh -c "[ $RC -eq 3 ] && grep -q 'truncated response' '$WORK/err' && [ \$(grep -vc 'plain HTTP' '$WORK/err') -eq 1 ]"
    fake_stop
done

fake_start stall
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p "$VT" vcenter "http://127.0.0.1:$FPORT/sdk" >"$WORK/out" 2>"$WORK/err" &
VP=$!
i=0
while ! grep -q stalling "$FLOG" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$VP"
wait "$VP"
RC=$?
ok "SIGINT during a response: exit 3, 'interrupted'" sh -c "[ $RC -eq 3 ] && grep -q interrupted '$WORK/err'"
ok "SIGINT during a response: the session is logged out" sh -c "tail -n 1 '$FLOG' | grep -q '^Logout'"
fake_stop

# ---- credentials -------------------------------------------------------------
fake_start paging
printf 'user=u\npassword=p\n' >"$WORK/cred"
chmod 644 "$WORK/cred"
run vcenter --cred-file "$WORK/cred" "http://127.0.0.1:$FPORT/sdk"
ok "credentials file readable by others: refused, exit 3, nothing sent" \
    sh -c "[ $RC -eq 3 ] && grep -q 'only you can read' '$WORK/err' && [ ! -s '$FLOG' ]"
chmod 600 "$WORK/cred"
run vcenter --cred-file "$WORK/cred" "http://127.0.0.1:$FPORT/sdk"
ok "credentials file of mode 0600: used" sh -c "[ $RC -ne 3 ] && grep -q '^Logout' '$FLOG'"
rm -f "$FLOG"
if command -v setsid >/dev/null 2>&1; then
    setsid -w "$VT" vcenter "http://127.0.0.1:$FPORT/sdk" </dev/null >"$WORK/out" 2>"$WORK/err"
    RC=$?
    ok "no credentials and no terminal: exit 3, says where they come from" \
        sh -c "[ $RC -eq 3 ] && grep -q 'VMTRIAGE_USER and VMTRIAGE_PASSWORD' '$WORK/err' && [ ! -s '$FLOG' ]"
else
    skip "no credentials and no terminal: setsid missing"
fi
fake_stop

# ---- the simulator -----------------------------------------------------------
if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/github.com/vmware/govmomi ]; then
    if [ "${CI:-}" = true ]; then
        ok "go and golang-github-vmware-govmomi-dev installed (required under CI=true)" false
    else
        skip "vcsim: go or golang-github-vmware-govmomi-dev missing (tools/install-deps.sh)"
    fi
    done_testing
    exit $?
fi
SIM=$BDIR/vcsim-vt
if [ ! -x "$SIM" ] || [ "$ROOT/tests/vcsim/main.go" -nt "$SIM" ]; then
    mkdir -p "$BDIR/gopath"
    (cd "$ROOT/tests/vcsim" && GOPATH="$BDIR/gopath:/usr/share/gocode" GO111MODULE=off GOPROXY=off \
        GOFLAGS= GOCACHE="$BDIR/gocache" go build -o "$SIM.tmp" . && mv "$SIM.tmp" "$SIM") >"$WORK/gobuild" 2>&1
fi
ok "vcsim built offline (GOPATH mode)" test -x "$SIM"
[ -x "$SIM" ] || { cat "$WORK/gobuild"; done_testing; exit $?; }

sim_start() { # sim_start ARGS...: sets SPORT, SPID
    rm -f "$WORK/sim.port"
    "$SIM" -port-file "$WORK/sim.port" "$@" >"$WORK/sim.out" 2>&1 &
    SPID=$!
    PIDS="$PIDS $SPID"
    i=0
    while [ ! -s "$WORK/sim.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    SPORT=$(cat "$WORK/sim.port" 2>/dev/null)
    scheme=http
    case " $* " in *" -tls "*) scheme=https ;; esac
    i=0 # ready: GET /sdk/vimServiceVersions.xml answers (GET /sdk is 405)
    until python3 -c "import ssl,sys,urllib.request as u; u.urlopen('$scheme://127.0.0.1:$SPORT/sdk/vimServiceVersions.xml', context=ssl._create_unverified_context(), timeout=2)" 2>/dev/null; do
        i=$((i + 1))
        [ $i -ge 50 ] && break
        sleep 0.2
    done
}
sim_stop() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }

cat >"$WORK/fixtures.json" <<'JSON'
{"vms": [
 {"name": "DC0_H0_VM0", "guestId": "windows9Server64Guest", "firmware": "efi", "version": "vmx-15",
  "memoryMB": 4096, "reservationMB": 1024, "numCPU": 4, "coresPerSocket": 2, "syncTime": true,
  "nics": ["e1000e", "vmxnet3"], "ctrls": [{"type": "lsilogic", "disk": true}],
  "extra": {"guestinfo.vt": "hello"},
  "cpuidMask": [{"level": 1, "ecx": "----:----:0---:----:----:----:----:----"},
                {"level": -2147483647, "ecx": "----:----:----:----:----:----:----:-0--"}]},
 {"name": "DC0_H0_VM1", "guestId": "vmkernel7Guest", "firmware": "efi", "version": "vmx-17", "nestedHV": true,
  "memoryMB": 8192, "reservationMB": 8192, "numCPU": 4, "coresPerSocket": 4, "syncTime": false,
  "nics": ["vmxnet3"], "ctrls": [{"type": "pvscsi", "disk": true}]},
 {"name": "DC0_C0_RP0_VM0", "guestId": "vmkernel65Guest", "firmware": "bios", "version": "vmx-13",
  "memoryMB": 4096, "reservationMB": 0, "numCPU": 2, "coresPerSocket": 1,
  "nics": ["e1000"], "ctrls": [{"type": "lsisas1068", "disk": true}, {"type": "nvme"}, {"type": "ahci"}]},
 {"name": "DC0_C0_RP0_VM1", "guestId": "windows7Server64Guest", "firmware": "bios", "version": "vmx-8",
  "memoryMB": 2048, "reservationMB": 0, "numCPU": 1, "coresPerSocket": 1, "powerOff": true, "nestedHV": false,
  "nics": ["e1000", "vmxnet2", "vlance"], "ctrls": [{"type": "buslogic", "disk": true}]}
],
 "hosts": [{"name": "DC0_H0", "version": "5.5.0", "build": "1331820", "cpuModel": "Test Xeon E5-2680 v2"}]}
JSON
mkdir -p "$WORK/rules"
cat >"$WORK/rules/site.yml" <<'YML'
title: Test marker in extraConfig
id: site-guestinfo-marker
status: stable
level: low
logsource:
  product: vmware
  category: vm
description: |
  A key of the test's own, set in extraConfig: vmx.<key> rules read extraConfig.
references:
  - tests/cli/t-vcenter.sh
remediation:
  vmx: guestinfo.vt = "other"
detection:
  marker:
    vmx.guestinfo.vt: hello
  condition: marker
tests:
  match:
    - |
      guestinfo.vt = "hello"
  no_match:
    - |
      guestinfo.vt = "bye"
YML

sim_start -fixtures "$WORK/fixtures.json"
ok "vcsim started with the fixtures applied through ReconfigVM_Task" [ -n "$SPORT" ]
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter -f json --rules "$WORK/rules" "http://127.0.0.1:$SPORT/sdk"
cp "$WORK/out" "$WORK/vc.json"
ok "vcsim: a report (exit 0-2)" [ "$RC" -le 2 ]

# The same VMs as .vmx files, written from the fixtures with the .vmx
# vocabulary, through `vmtriage scan`: the vcenter record must be the same.
python3 - "$WORK/fixtures.json" "$ROOT/data/guestos.tsv" "$WORK/vmx" <<'PY'
import json, os, sys
fx = json.load(open(sys.argv[1]))
keys = {}
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    c = line.rstrip("\n").split("\t")
    if c[1] not in keys or c[2] == "TRUE":
        keys[c[1]] = c[0]
nicdev = {"e1000": "e1000", "e1000e": "e1000e", "vmxnet3": "vmxnet3", "vmxnet2": "vmxnet", "vlance": "vlance"}
os.makedirs(sys.argv[3])
for v in fx["vms"]:
    L = ['config.version = "8"', 'displayName = "%s"' % v["name"], 'guestOS = "%s"' % keys[v["guestId"]],
         'virtualHW.version = "%s"' % v["version"][4:], 'firmware = "%s"' % v["firmware"],
         'memsize = "%d"' % v["memoryMB"], 'sched.mem.min = "%d"' % v["reservationMB"],
         'numvcpus = "%d"' % v["numCPU"], 'cpuid.coresPerSocket = "%d"' % v["coresPerSocket"],
         'sound.present = "FALSE"', 'usb.present = "FALSE"', 'floppy0.present = "FALSE"']
    # the API's explicit false is the default a server sends for a VM that
    # never set it: the same audit as a .vmx without the key (README)
    if v.get("nestedHV"):
        L.append('vhv.enable = "TRUE"')
    for m in v.get("cpuidMask", []):  # HostCpuIdInfo level: an xsd:int, the key's leaf in hex
        for r in ("eax", "ebx", "ecx", "edx"):
            if r in m:
                L.append('cpuid.%x.%s = "%s"' % (m["level"] & 0xffffffff, r, m[r]))
    if "syncTime" in v:
        L.append('tools.syncTime = "%s"' % ("TRUE" if v["syncTime"] else "FALSE"))
    for i, n in enumerate(v["nics"]):
        L += ['ethernet%d.present = "TRUE"' % i, 'ethernet%d.virtualDev = "%s"' % (i, nicdev[n])]
        if n == "vmxnet2":
            L.append('ethernet%d.features = "15"' % i)
    bus = {}
    for c in v["ctrls"]:
        kind = {"nvme": "nvme", "ahci": "sata"}.get(c["type"], "scsi")
        n = bus.get(kind, 0)
        bus[kind] = n + 1
        L.append('%s%d.present = "TRUE"' % (kind, n))
        if kind == "scsi":
            L.append('scsi%d.virtualDev = "%s"' % (n, c["type"]))
        if c.get("disk"):
            L += ['%s%d:0.present = "TRUE"' % (kind, n), '%s%d:0.fileName = "disk.vmdk"' % (kind, n)]
    for k, val in v.get("extra", {}).items():
        L.append('%s = "%s"' % (k, val))
    open(os.path.join(sys.argv[3], v["name"] + ".vmx"), "w").write("\n".join(L) + "\n")
PY
"$VT" scan -f json --rules "$WORK/rules" "$WORK/vmx" >"$WORK/scan.json" 2>"$WORK/scan.err"

python3 - "$WORK/fixtures.json" "$WORK/vc.json" "$WORK/scan.json" "$ROOT/data/guestos.tsv" >"$WORK/checks" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
vc = json.load(open(sys.argv[2]))
sc = json.load(open(sys.argv[3]))
vid = {}
for line in open(sys.argv[4]):
    if line.startswith("#") or not line.strip():
        continue
    c = line.rstrip("\n").split("\t")
    if c[1] not in vid or c[2] == "TRUE":
        vid[c[1]] = c
def check(desc, cond):
    print(("PASS " if cond else "FAIL ") + desc)
vms = {v["name"]: v for v in vc["vms"]}
svms = {v["name"]: v for v in sc["vms"]}
check("vcsim: the 4 VMs of the model are read", sorted(vms) == sorted(v["name"] for v in fx["vms"]))
def rules_of(d, subject):
    return sorted(f["rule"] for f in d["findings"] if f["subject"] == subject)
nicdev = {"e1000": "e1000", "e1000e": "e1000e", "vmxnet3": "vmxnet3", "vmxnet2": "vmxnet", "vlance": "vlance"}
standalone = {"DC0_H0_VM0", "DC0_H0_VM1"}
for f in fx["vms"]:
    n = f["name"]
    v = vms.get(n)
    if v is None:
        check("%s: in the report" % n, False)
        continue
    s = svms.get(n, {})
    row = vid[f["guestId"]]
    check("%s: inventory path /DC0/vm/%s" % (n, n), v["path"] == "/DC0/vm/" + n)
    check("%s: guestId %s -> guestOS %s (data/guestos.tsv)" % (n, f["guestId"], row[0]),
          v["guest_id"] == f["guestId"] and v["guest_os"] == row[0] and v["guest_family"] == row[3])
    check("%s: config.version %s -> hw_version" % (n, f["version"]), v["hw_version"] == int(f["version"][4:]))
    check("%s: firmware %s" % (n, f["firmware"]), v["firmware"] == f["firmware"])
    check("%s: nestedHVEnabled %s -> vhv.enable %s" % (n, f.get("nestedHV"), f.get("nestedHV")),
          v["vhv_enable"] == f.get("nestedHV"))
    check("%s: runs a hypervisor iff vmkernel guest or nestedHVEnabled true (an explicit false is the API's default)" % n,
          v["runs_hypervisor"] == (row[3] == "vmkernel" or f.get("nestedHV") is True))
    check("%s: memory %d MB, reservation %d MB, fully reserved %s" % (n, f["memoryMB"], f["reservationMB"], f["reservationMB"] >= f["memoryMB"]),
          v["memory_mb"] == f["memoryMB"] and v["mem_reservation_mb"] == f["reservationMB"]
          and v["mem_fully_reserved"] == (f["reservationMB"] >= f["memoryMB"]))
    check("%s: %d vCPUs, %d per socket" % (n, f["numCPU"], f["coresPerSocket"]),
          v["vcpus"] == f["numCPU"] and v["cores_per_socket"] == f["coresPerSocket"])
    check("%s: tools time sync %s" % (n, f.get("syncTime")), v["tools_sync_time"] == f.get("syncTime"))
    check("%s: NICs %s in order" % (n, f["nics"]),
          [x["type"] for x in v["nics"] if x["present"]] == [nicdev[k] for k in f["nics"]]
          and [x["vmxnet2"] for x in v["nics"]] == [k == "vmxnet2" for k in f["nics"]])
    want = sorted((({"nvme": "nvme", "ahci": "sata"}.get(c["type"], "scsi")),
                   {"nvme": "nvme", "ahci": "ahci"}.get(c["type"], c["type"]), 1 if c.get("disk") else 0)
                  for c in f["ctrls"])
    got = sorted((c["bus"], c["type"], c["disks"]) for c in v["controllers"] if c["present"])
    check("%s: controllers %s" % (n, want), got == want)
    check("%s: power state" % n, v["power_state"] == ("poweredOff" if f.get("powerOff") else "poweredOn"))
    check("%s: datastore path of the .vmx, and its file in the host's shell" % n,
          v["datastore_path"] == "[LocalDS_0] %s/%s.vmx" % (n, n)
          and v["host_file"] == "/vmfs/volumes/LocalDS_0/%s/%s.vmx" % (n, n))
    check("%s: host and cluster" % n,
          (v["host"] == "DC0_H0" and v["cluster"] is None) if n in standalone
          else (v["host"] in ("DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2") and v["cluster"] == "DC0_C0"))
    check("%s: the same record as scan of the same .vmx (NICs, controllers, guest, memory, CPUs, flags)" % n,
          all(v[k] == s.get(k) for k in ("guest_os", "guest_family", "windows_nt", "hw_version", "firmware",
                                         "runs_hypervisor", "memory_mb", "mem_reservation_mb",
                                         "mem_fully_reserved", "vcpus", "cores_per_socket", "sound", "usb",
                                         "floppy", "tools_sync_time"))
          and (v["vhv_enable"] == s.get("vhv_enable") or f.get("nestedHV") is False)
          and [(x["type"], x["present"], x["vmxnet2"]) for x in v["nics"]] == [(x["type"], x["present"], x["vmxnet2"]) for x in s.get("nics", [])]
          and [(c["bus"], c["index"], c["type"], c["disks"], c["boot"]) for c in v["controllers"] if c["present"]]
          == [(c["bus"], c["index"], c["type"], c["disks"], c["boot"]) for c in s.get("controllers", []) if c["present"]])
    check("%s: the same findings as scan of the same .vmx" % n,
          rules_of(vc, v["path"]) == rules_of(sc, s.get("path")))
check("the fixtures give findings at all (the comparison above is not of empty sets only)",
      sum(len(rules_of(sc, s["path"])) for s in sc["vms"]) >= 4)
e1000_vms = sorted(f["name"] for f in fx["vms"] if "e1000" in f["nics"])
check("e1000 VMs %s carry an e1000 finding, no other VM does" % e1000_vms,
      sorted({vms[f["name"]]["name"] for f in fx["vms"] for r in rules_of(vc, "/DC0/vm/" + f["name"])
              if r.startswith("vmx-e1000-")}) == e1000_vms)
nested_off = sorted(f["name"] for f in fx["vms"] if vid[f["guestId"]][3] == "vmkernel" and not f.get("nestedHV"))
check("nested without nestedHVEnabled %s: vmx-nested-vhv-off, and only there (not the VM with an explicit false)" % nested_off,
      sorted(f["name"] for f in fx["vms"] if "vmx-nested-vhv-off" in rules_of(vc, "/DC0/vm/" + f["name"])) == nested_off)
check("nestedHVEnabled: one VM left unset, one explicit false, one true (all three cases tested)",
      sorted(str(f.get("nestedHV")) for f in fx["vms"]).count("None") >= 1 and
      any(f.get("nestedHV") is False for f in fx["vms"]) and any(f.get("nestedHV") is True for f in fx["vms"]))
masked = sorted(f["name"] for f in fx["vms"] if any("0" in m.get("ecx", "")[:12] for m in f.get("cpuidMask", [])))
check("cpuFeatureMask: the VM whose level-1 ECX mask hides POPCNT %s, and only it, has vmx-cpuid-mask-hides-feature" % masked,
      masked != [] and sorted(f["name"] for f in fx["vms"]
                               if "vmx-cpuid-mask-hides-feature" in rules_of(vc, "/DC0/vm/" + f["name"])) == masked)
check("extraConfig read: the vmx.guestinfo.vt rule matches the one VM that sets it",
      sorted(x["subject"] for x in vc["findings"] if x["rule"] == "site-guestinfo-marker")
      == ["/DC0/vm/" + f["name"] for f in fx["vms"] if f.get("extra", {}).get("guestinfo.vt") == "hello"])
hosts = {h["name"]: h for h in vc["hosts"]}
for h in fx["hosts"]:
    got = hosts.get(h["name"], {})
    check("host %s: version %s build %s, CPU %s" % (h["name"], h["version"], h["build"], h["cpuModel"]),
          got.get("version") == h["version"] and got.get("build") == h["build"]
          and got.get("cpu", {}).get("model") == h["cpuModel"])
check("hosts: the 4 hosts of the model", sorted(hosts) == ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0"])
check("no errors", vc["errors"] == [])
PY
ok "vcsim: the field checks ran" test -s "$WORK/checks"
while IFS= read -r line; do
    case $line in
    PASS\ *) ok "${line#PASS }" true ;;
    *) ok "${line#FAIL }" false ;;
    esac
done <"$WORK/checks"
sim_stop

# Strict credentials: only admin:s3cret logs in.
sim_start -user admin:s3cret
VMTRIAGE_USER=admin VMTRIAGE_PASSWORD=wrong-pw-2 run vcenter "http://127.0.0.1:$SPORT/sdk"
ok "wrong password: exit 3, 'login failed' (InvalidLogin), one line" \
    sh -c "[ $RC -eq 3 ] && grep -q 'login failed.*InvalidLogin' '$WORK/err' && [ \$(grep -vc 'plain HTTP' '$WORK/err') -eq 1 ]"
ok "wrong password: not shown" sh -c "! grep -q wrong-pw-2 '$WORK/out' '$WORK/err'"
VMTRIAGE_USER=admin VMTRIAGE_PASSWORD=s3cret run vcenter -f json "http://127.0.0.1:$SPORT/sdk"
ok "right password: the inventory (4 VMs)" json "len(d['vms']) == 4"
sim_stop

# A single ESXi host (simulator.ESX: its own morefs, ha-folder-root and
# ha-property-collector, which the client must read, not assume).
sim_start -esx
VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter -f json "http://127.0.0.1:$SPORT/sdk"
ok "ESXi host: its 2 VMs under /ha-datacenter/vm" \
    json "sorted(v['path'] for v in d['vms']) == ['/ha-datacenter/vm/ha-host_VM0', '/ha-datacenter/vm/ha-host_VM1']"
ok "ESXi host: one host, the VMs' host, no cluster" \
    json "len(d['hosts']) == 1 and all(v['host'] == d['hosts'][0]['name'] and v['cluster'] is None for v in d['vms'])"
sim_stop

# TLS: a CA and a server certificate of our own (openssl), for 127.0.0.1 only.
if ! command -v openssl >/dev/null 2>&1; then
    skip "TLS: openssl missing (tools/install-deps.sh)"
    done_testing
    exit $?
fi
(
    cd "$WORK" &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=vt-test-ca &&
        openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 &&
        printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext &&
        openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile srv.ext -out srv.pem
) >"$WORK/openssl.log" 2>&1
ok "TLS: test CA and server certificate made" test -s "$WORK/srv.pem"
THUMB=$(openssl x509 -in "$WORK/srv.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
sim_start -tls -cert "$WORK/srv.pem" -key "$WORK/srv.key"
URL=https://127.0.0.1:$SPORT/sdk
export VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p
run vcenter "$URL"
ok "TLS, unknown CA, no option: exit 3, 'not trusted' and what to do" \
    sh -c "[ $RC -eq 3 ] && grep -q 'certificate is not trusted' '$WORK/err' && grep -q -- '--thumbprint' '$WORK/err'"
run vcenter -f json --ca-file "$WORK/ca.pem" "$URL"
ok "TLS: --ca-file with the CA: verified and read" json "len(d['vms']) == 4"
run vcenter --ca-file "$WORK/ca.pem" "https://localhost:$SPORT/sdk"
ok "TLS: --ca-file, but a host name the certificate does not name: refused" \
    sh -c "[ $RC -eq 3 ] && grep -q 'TLS' '$WORK/err'"
run vcenter -f json --thumbprint "$THUMB" "$URL"
ok "TLS: --thumbprint of the server's certificate (openssl's fingerprint) accepted" json "len(d['vms']) == 4"
run vcenter -f json --thumbprint "$(echo "$THUMB" | tr -d : | tr A-F a-f)" "$URL"
ok "TLS: the thumbprint without colons, lower case, too" json "len(d['vms']) == 4"
BAD=$(openssl x509 -in "$WORK/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
run vcenter --thumbprint "$BAD" "$URL"
ok "TLS: another certificate's thumbprint refused, naming the server's" \
    sh -c "[ $RC -eq 3 ] && grep -q 'does not match --thumbprint' '$WORK/err' && grep -q '$THUMB' '$WORK/err'"
run vcenter --thumbprint nothex "$URL"
ok "TLS: a malformed --thumbprint: exit 3, says what it takes" sh -c "[ $RC -eq 3 ] && grep -q '64 hex digits' '$WORK/err'"
run vcenter -f json --insecure "$URL"
ok "TLS: --insecure reads and warns on stderr" sh -c "[ $RC -le 2 ] && grep -q 'warning: --insecure' '$WORK/err'"
unset VMTRIAGE_USER VMTRIAGE_PASSWORD
sim_stop

done_testing
