#!/bin/sh
# t-static: `make static` gives a statically linked binary that loads nothing
# at run time (the ESXi shell has none of our libraries, gconv modules, NSS
# modules or locales). Every command of it is run in an empty root (a user
# namespace and a chroot holding only the binary and copies of its inputs)
# and must print exactly what the dynamic build prints on the same inputs:
# the shared corpus (vmx, esxi, minidump), the example bundle (folder and
# .tgz), the CPU examples, and .vmx files this test writes in windows-1252 and
# Shift_JIS, whose names must read as the code pages define them. With strace
# present, every file the static binary opens must be one of its inputs.
# Skipped parts (no unshare, no strace, no corpus) are "skip" lines, never
# passes; under CI=true they fail.
. "$(dirname "$0")/lib.sh"
S=${VT_STATIC:-build-static/vmtriage}
case $S in /*) ;; *) S=$PWD/$S ;; esac
# The dynamic build to compare with: build/vmtriage, or VT_BIN when that is
# not there (an ASan run compares the sanitized build).
D=${VT_DYN:-$PWD/build/vmtriage}
[ -x "$D" ] || D=$VT
case $D in /*) ;; *) D=$PWD/$D ;; esac

skip() { # skip DESC: not a pass; a failure under CI
    if [ "${CI:-}" = true ]; then
        T_FAIL=$((T_FAIL + 1))
        echo "not ok - $1 (skipped, but CI=true)"
    else
        T_SKIP=$((T_SKIP + 1))
        echo "skip - $1"
    fi
}

ok "build-static/vmtriage exists" [ -x "$S" ]
ok "it has no program interpreter (static)" sh -c "! readelf -l '$S' | grep -q 'Requesting program interpreter'"
ok "it runs --version" sh -c "'$S' --version | grep -q '^vmtriage '"
ok "it runs the rule self-test" sh -c "'$S' rules check >/dev/null"

# The link check of `make static` passes on it, and fails on a program that
# uses iconv and NSS (so it can fail).
ok "tools/check-static.sh passes on the binary and its link map" \
    sh -c "sh tools/check-static.sh '$S' '${S%/*}/vmtriage.map' >/dev/null"
cat >"$WORK/loader.c" <<'EOF'
#include <iconv.h>
#include <pwd.h>
#include <stdio.h>
int main(void) { iconv_t cd = iconv_open("UTF-8", "CP1252"); struct passwd *p = getpwnam("root");
    printf("%d %d\n", cd == (iconv_t)-1, p == NULL); return 0; }
EOF
if cc -static -o "$WORK/loader" "$WORK/loader.c" -Wl,-Map="$WORK/loader.map",--cref 2>/dev/null; then
    ok "tools/check-static.sh fails on a static program calling iconv_open and getpwnam" \
        sh -c "! sh tools/check-static.sh '$WORK/loader' '$WORK/loader.map' 2>'$WORK/check.err' && grep -q iconv_open '$WORK/check.err' && grep -q getpwnam '$WORK/check.err'"
else
    skip "no static C library here to build a counter-example for tools/check-static.sh"
fi
ok "no object of the program refers to iconv (the dynamic build converts as the static one)" \
    sh -c "! nm -u '${D%/*}'/*.o | grep -qE ' (iconv_open|iconv|libiconv_open)\$'"

# --- The inputs, copied into the root ---
ROOT=$WORK/root
mkdir -p "$ROOT/in/gen" "$ROOT/in/cpu"
cp "$S" "$ROOT/vmtriage"
cp -R examples/bundle "$ROOT/in/bundle"
# A VM folder and file with a non-ASCII (UTF-8) name: libarchive's names in the
# static build (no iconv) must read as in the dynamic one.
u=$(printf 'caf\303\251')
for h in "$ROOT"/in/bundle/esx-*; do
    mkdir -p "$h/vmfs/volumes/datastore1/$u"
    printf 'config.version = "8"\nvirtualHW.version = "14"\nguestOS = "windows9-64"\ndisplayName = "%s"\n' "$u" \
        >"$h/vmfs/volumes/datastore1/$u/$u.vmx"
done
(cd "$ROOT/in/bundle" && tar czf ../bundle.tgz esx-*)
cp -R examples/bundle/esx-* "$ROOT/in/host"
cp examples/cpu/*.cpuinfo examples/cpu/*.esxcli examples/cpu/*.txt "$ROOT/in/cpu/"
# windows-1252 (Microsoft's table): E9 = U+00E9, 80 = U+20AC, EF = U+00EF.
printf '.encoding = "windows-1252"\nconfig.version = "8"\nvirtualHW.version = "14"\nguestOS = "windows9-64"\ndisplayName = "Caf\351 \200 na\357ve"\n' >"$ROOT/in/gen/cp1252.vmx"
# Shift_JIS as Windows writes it (windows-932): 93 FA = U+65E5, 96 7B = U+672C,
# 83 65 83 58 83 67 = U+30C6 U+30B9 U+30C8, B1 = U+FF71, 5C = '\'.
printf '.encoding = "Shift_JIS"\nconfig.version = "8"\nvirtualHW.version = "14"\nguestOS = "windows9-64"\ndisplayName = "\223\372\226\173 \203\145\203\130\203\147 \261"\nnvram = "C:\\VMs\\\203\145.nvram"\n' >"$ROOT/in/gen/sjis.vmx"
CORPUS=0
if [ -d "$SHARED/corpus/vmx" ] && [ -d "$SHARED/corpus/esxi" ] && [ -d "$SHARED/corpus/minidump" ]; then
    CORPUS=1
    mkdir -p "$ROOT/in/vmx" "$ROOT/in/esxi" "$ROOT/in/minidump"
    cp "$SHARED"/corpus/vmx/*.vmx "$ROOT/in/vmx/"
    cp "$SHARED"/corpus/esxi/*.txt "$ROOT/in/esxi/"
    cp "$SHARED"/corpus/minidump/*.dmp "$ROOT/in/minidump/"
else
    skip "the shared corpus ($SHARED/corpus) is missing: the corpus runs are not compared"
fi

# Both builds name the windows-1252 and Shift_JIS display names as the code pages define them.
names_ok() { # names_ok JSON-FILE
    python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
names = {v['path'].rsplit('/', 1)[-1]: v['name'] for v in d['vms']}
want = {'cp1252.vmx': 'Caf\u00e9 \u20ac na\u00efve',
        'sjis.vmx': '\u65e5\u672c \u30c6\u30b9\u30c8 \uff71'}
sys.exit(0 if names == want and not d['errors'] else 1)
EOF
}
(cd "$ROOT" && "$D" scan -f json in/gen >"$WORK/gen.dyn.json" 2>/dev/null)
ok "dynamic build: the windows-1252 and Shift_JIS names are converted" names_ok "$WORK/gen.dyn.json"
(cd "$ROOT" && ./vmtriage scan -f json in/gen >"$WORK/gen.st.json" 2>/dev/null)
ok "static build: the same names" names_ok "$WORK/gen.st.json"

# --- Every command in an empty root, compared with the dynamic build ---
if ! command -v unshare >/dev/null 2>&1 || ! unshare -r chroot "$ROOT" /vmtriage --version >/dev/null 2>&1; then
    skip "unshare -r (user namespace) and chroot are not available here: the empty-root runs are not done"
    done_testing
    exit $?
fi
TRACE=0
if command -v strace >/dev/null 2>&1 && unshare -r strace -f -qq -o /dev/null chroot "$ROOT" /vmtriage --version >/dev/null 2>&1; then
    TRACE=1
else
    skip "strace is not available: the files the static binary opens are not checked"
fi

# compare NAME [ENV=VALUE] -- ARGS...: runs both builds with cwd = the root's
# top (same relative paths), and checks stdout, stderr and the exit status.
compare() {
    name=$1
    shift
    envs=
    while [ "$1" != -- ]; do
        envs="$envs $1"
        shift
    done
    shift
    (cd "$ROOT" && env $envs "$D" "$@" >"$WORK/$name.dyn.out" 2>"$WORK/$name.dyn.err")
    drc=$?
    if [ $TRACE = 1 ]; then
        env $envs unshare -r strace -f -qq -e trace=open,openat,openat2,execve,creat \
            -o "$WORK/$name.trace" chroot "$ROOT" /vmtriage "$@" >"$WORK/$name.st.out" 2>"$WORK/$name.st.err"
    else
        env $envs unshare -r chroot "$ROOT" /vmtriage "$@" >"$WORK/$name.st.out" 2>"$WORK/$name.st.err"
    fi
    src=$?
    ok "$name: empty root: same exit status as the dynamic build ($src vs $drc)" [ "$src" -eq "$drc" ]
    ok "$name: empty root: same output" cmp -s "$WORK/$name.dyn.out" "$WORK/$name.st.out"
    ok "$name: empty root: same messages" cmp -s "$WORK/$name.dyn.err" "$WORK/$name.st.err"
    if [ $TRACE = 1 ]; then
        # After the exec of /vmtriage: only inputs (in/..., or names relative
        # to a folder of them), and the kernel's CPU count files glibc reads
        # for the thread count.
        opened=$(awk '/execve\("\/vmtriage"/ { f = 1; next } f' "$WORK/$name.trace" |
            sed -n -e 's/.*open("\([^"]*\)".*/\1/p' -e 's/.*openat2*(AT_FDCWD, "\([^"]*\)".*/\1/p' \
                -e 's/.*openat2*([0-9]*, "\(\/[^"]*\)".*/\1/p' -e 's/.*creat("\([^"]*\)".*/\1/p' |
            grep -vE '^(/?in(/|$)|/sys/devices/system/cpu/|/proc/stat$)' | sort -u)
        ok "$name: the static binary opens only its inputs${opened:+ (also: $(echo $opened))}" [ -z "$opened" ]
    fi
}

compare version -- --version
compare rules-list -- rules list
compare rules-check -- rules check
compare scan-gen -- scan -f json in/gen
compare bundle-folder -- bundle -f json in/bundle
compare bundle-tgz -- bundle -f json in/bundle.tgz
ok "bundle-tgz: the .tgz is read (VMs, the crash)" \
    python3 -c "import json,sys; d=json.load(open('$WORK/bundle-tgz.st.out')); sys.exit(0 if len(d['vms']) >= 5 and d['summary']['crashes'] >= 1 else 1)"
ok "bundle-tgz: the VM with the UTF-8 folder name is read by its name" \
    python3 -c "import json,sys; d=json.load(open('$WORK/bundle-tgz.st.out')); sys.exit(0 if any(v['name'] == 'caf\u00e9' and v['path'].endswith('/caf\u00e9/caf\u00e9.vmx') for v in d['vms']) else 1)"
compare default-run VMTRIAGE_HOST_ROOT=in/host -- -f json
compare cpu -- cpu -f json in/cpu/esxi-host.esxcli in/cpu/guest-arm64.cpuinfo in/cpu/guest-evc-lscpu.txt in/cpu/guest-nested-ready.cpuinfo in/cpu/guest-no-vmx.cpuinfo
ok "the empty-root scan gives the converted names too" names_ok "$WORK/scan-gen.st.out"
if [ $CORPUS = 1 ]; then
    compare scan-corpus -- scan -f json in/vmx
    compare psod-corpus -- psod -f json $(cd "$ROOT" && ls in/esxi/*.txt)
    compare logs-corpus -- logs -f json in/esxi
    compare dump-corpus -- dump -f json in/minidump
    compare scan-text -- scan in/vmx
fi
done_testing
