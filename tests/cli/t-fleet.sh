#!/bin/sh
# t-fleet: contrib/ansible/fleet.yml driven by Debian's ansible-playbook
# against three fake ESXi hosts behind an sshd on 127.0.0.1 (a free port,
# this user, its own host key and config under $WORK; stopped by its PID):
#   hosta, hostb  folders laid out like a host's file system (the example
#                 bundle's files, their own host names), read by the pushed
#                 binary through VMTRIAGE_HOST_ROOT;
#   hostc         reached on a second port whose logins run under a shim that
#                 simulates ESXi 8.0's execInstalledOnly: an LD_PRELOAD library
#                 in the login shell makes execve() of any file outside the
#                 "installed" folders (/bin, /sbin, /usr, /lib and the fake
#                 vm-support's folder) fail with EPERM, so the copied binary
#                 fails as on ESXi ("Operation not permitted", exit 126). Its
#                 fake vm-support -s streams a .tgz bundle of its folder.
# Python is made absent for the remote side (ansible_python_interpreter=
# /nonexistent): any module but raw and script would fail. Works as root
# (CI) and as another user.
. "$(dirname "$0")/lib.sh"

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
for t in ansible-playbook /usr/sbin/sshd ssh-keygen cc tar base64; do
    if ! command -v "$t" >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
            ok "$t is installed (required under CI=true)" false
        else
            skip "$t is not installed (tools/install-deps.sh)"
        fi
        done_testing
        exit
    fi
done
STATIC=$ROOT/build-static/vmtriage
[ -x "$STATIC" ] || STATIC=$VT # the static build when there (make check makes it), else this one
SFTP=
for s in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server /usr/lib/ssh/sftp-server; do
    [ -x "$s" ] && SFTP=$s && break
done

# the fake hosts
mkdir -p "$WORK/hosts" "$WORK/fakebin" "$WORK/rtmp"
EXB=$(ls -d examples/bundle/esx-*)
for h in hosta hostb hostc; do
    mkdir -p "$WORK/hosts/$h"
    cp -R "$EXB/." "$WORK/hosts/$h/"
    sed "s/esx01.lab.local/$h.lab.test/" "$EXB/commands/uname_-a.txt" >"$WORK/hosts/$h/commands/uname_-a.txt"
done
rm -f "$WORK/hosts/hostb/vmfs/volumes/datastore1/web01/web01.vmx" # hostb: one VM fewer
# hostc's support bundle: esx-HOST-DATE/ as vm-support names it
mkdir -p "$WORK/vmsupport"
mv "$WORK/hosts/hostc" "$WORK/vmsupport/esx-hostc.lab.test-2026-01-01--00.00-1"
cat >"$WORK/fakebin/vm-support" <<EOS
#!/bin/sh
# a fake vm-support: -s streams the bundle (.tgz) to standard output
[ "\$1" = -s ] || { echo "vm-support: only -s here" >&2; exit 1; }
exec tar czf - -C "$WORK/vmsupport" esx-hostc.lab.test-2026-01-01--00.00-1
EOS
chmod +x "$WORK/fakebin/vm-support"

# the execInstalledOnly shim
cat >"$WORK/noexec.c" <<'EOC'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* execve() of a file outside VT_INSTALLED (colon-separated prefixes) fails with EPERM */
static int
installed(const char *p)
{
    const char *l = getenv("VT_INSTALLED");
    while (l && *l) {
        size_t n = strcspn(l, ":");
        if (n && strncmp(p, l, n) == 0)
            return 1;
        l += n + (l[n] == ':');
    }
    return 0;
}
int
execve(const char *p, char *const a[], char *const e[])
{
    int (*real)(const char *, char *const[], char *const[]) =
        (int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execve");
    if (!installed(p)) {
        errno = EPERM;
        return -1;
    }
    return real(p, a, e);
}
EOC
cc -shared -fPIC -o "$WORK/noexec.so" "$WORK/noexec.c" -ldl
cat >"$WORK/esxi8-login" <<EOS
#!/bin/sh
# the login of hostc's port: ESXi 8.0's execInstalledOnly, simulated
case "\${SSH_ORIGINAL_COMMAND:-}" in
sftp | internal-sftp | *sftp-server*) exec "$SFTP" ;;
esac
export PATH="$WORK/fakebin:\$PATH" VT_INSTALLED="/bin/:/sbin/:/usr/:/lib:$WORK/fakebin/"
LD_PRELOAD="$WORK/noexec.so" exec /bin/sh -c "\$SSH_ORIGINAL_COMMAND"
EOS
chmod +x "$WORK/esxi8-login"
LD_PRELOAD="$WORK/noexec.so" VT_INSTALLED=/bin/:/usr/ /bin/sh -c "'$STATIC' --version" >/dev/null 2>"$WORK/shim.err"
ok "the shim refuses the binary outside the installed folders: Operation not permitted" \
    grep -q "Operation not permitted" "$WORK/shim.err"

# sshd on two free ports of 127.0.0.1
read -r P1 P2 <<EOP
$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
EOP
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/userkey"
cp "$WORK/userkey.pub" "$WORK/authorized_keys"
chmod 600 "$WORK/authorized_keys"
ME=$(id -un)
cat >"$WORK/sshd_config" <<EOS
ListenAddress 127.0.0.1
Port $P1
Port $P2
HostKey $WORK/hostkey
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers $ME
Subsystem sftp $SFTP
Match LocalPort $P2
    ForceCommand $WORK/esxi8-login
EOS
[ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ] && mkdir -p /run/sshd # privilege separation, as root
/usr/sbin/sshd -f "$WORK/sshd_config" -E "$WORK/sshd.log"
i=0
while [ ! -s "$WORK/sshd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
SSHD=$(cat "$WORK/sshd.pid" 2>/dev/null)
trap '[ -n "$SSHD" ] && kill "$SSHD" 2>/dev/null; rm -rf "$WORK"' EXIT
ok "sshd runs on 127.0.0.1:$P1 and :$P2" [ -n "$SSHD" ]
if [ -z "$SSHD" ]; then
    cat "$WORK/sshd.log"
    done_testing
    exit
fi

SSHOPTS="-o UserKnownHostsFile=$WORK/known_hosts -o StrictHostKeyChecking=no -o IdentitiesOnly=yes -o GSSAPIAuthentication=no -o PreferredAuthentications=publickey"
cat >"$WORK/hosts.ini" <<EOS
[esxi]
hosta ansible_port=$P1 vmtriage_host_root=$WORK/hosts/hosta
hostb ansible_port=$P1 vmtriage_host_root=$WORK/hosts/hostb
hostc ansible_port=$P2

[esxi:vars]
ansible_host=127.0.0.1
ansible_user=$ME
ansible_ssh_private_key_file=$WORK/userkey
ansible_ssh_common_args='$SSHOPTS'
ansible_python_interpreter=/nonexistent
ansible_remote_tmp=$WORK/rtmp
vmtriage_remote_report=$WORK/rtmp/{{ inventory_hostname }}-report.json
EOS
export ANSIBLE_LOCAL_TEMP="$WORK/atmp" ANSIBLE_SSH_CONTROL_PATH_DIR="$WORK/cp" \
    ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOST_KEY_CHECKING=0 \
    ANSIBLE_CONFIG="$ROOT/contrib/ansible/ansible.cfg" ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=2s"
# (connections shared within a task, none outliving the play by more than 2 s)
timeout 600 ansible-playbook -i "$WORK/hosts.ini" -f 3 \
    -e "vmtriage_static_bin=$STATIC vmtriage_controller_bin=$VT vmtriage_out=$WORK/out vmtriage_timeout=120" \
    contrib/ansible/fleet.yml >"$WORK/play.log" 2>&1
PRC=$?
ok "the play ends well (exit $PRC)" [ "$PRC" -eq 0 ]
[ "$PRC" -eq 0 ] || tail -n 40 "$WORK/play.log"
ok "the play names hostc as refusing the binary (execInstalledOnly)" \
    grep -q "hostc refused to run the copied binary (exit 126: execInstalledOnly" "$WORK/play.log"
ok "hosta and hostb are not called refusing" sh -c "! grep -qE 'host[ab] refused' '$WORK/play.log'"
ok "a report per host" sh -c "[ -s '$WORK/out/reports/hosta.json' ] && [ -s '$WORK/out/reports/hostb.json' ] && [ -s '$WORK/out/reports/hostc.json' ]"
ok "hosta's report is the pushed binary's default run on its root (VMTRIAGE_HOST_ROOT)" python3 -c "
import json; d = json.load(open('$WORK/out/reports/hosta.json'))
assert d['hosts'][0]['bundle'] == '$WORK/hosts/hosta', d['hosts'][0]['bundle']"
ok "hostb's report has its one VM fewer" python3 -c "
import json; a = json.load(open('$WORK/out/reports/hosta.json')); b = json.load(open('$WORK/out/reports/hostb.json'))
assert len(b['vms']) == len(a['vms']) - 1 and len(a['vms']) > 0"
ok "hostc's bundle was fetched with vm-support -s (a gzip file)" \
    sh -c "[ \"\$(head -c 2 '$WORK/out/bundles/hostc.tgz' | od -An -tx1 | tr -d ' ')\" = 1f8b ]"
ok "hostc's report is vmtriage bundle's on that bundle" python3 -c "
import json; d = json.load(open('$WORK/out/reports/hostc.json'))
assert d['hosts'][0]['bundle'].endswith('bundles/hostc.tgz') and d['hosts'][0]['name'] == 'hostc.lab.test', d['hosts'][0]"
ok "nothing left on the hosts: no report, no binary (the remote temporary folder is empty)" \
    sh -c "[ -d '$WORK/rtmp' ] && [ -z \"\$(find '$WORK/rtmp' -type f)\" ]"
ok "the merged report names every host" python3 -c "
import json; d = json.load(open('$WORK/out/fleet.json'))
assert sorted(h['name'] for h in d['hosts']) == ['hosta', 'hostb', 'hostc.lab.test'], d['hosts']"
ok "the merged report counts the rule across the three hosts" python3 -c "
import json
d = json.load(open('$WORK/out/fleet.json'))
n = sum(1 for h in ('hosta', 'hostb', 'hostc') for f in json.load(open('$WORK/out/reports/' + h + '.json'))['findings'] if f['rule'] == 'vmx-e1000-rss-guest')
r = [x for x in d['rules'] if x['rule'] == 'vmx-e1000-rss-guest']
assert n == 2 and r and r[0]['vms'] == n and r[0]['hosts'] == 2, (n, r)"
ok "no Python was asked for on the hosts" sh -c "! grep -qi 'nonexistent' '$WORK/play.log'"

done_testing
