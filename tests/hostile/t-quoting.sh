#!/bin/sh
# t-quoting: the fixes vmtriage prints are safe to paste. VMs and a purple
# screen whose names carry shell syntax ($(...), backticks, ; | && >, quotes
# of every kind, newlines, ESC, bidi overrides, globs, a leading dash) are
# audited; then
# - every POSIX-shell fix (esxi_shell, govc) is run by dash, bash and busybox
#   ash with stub commands that record their arguments: nothing is created,
#   and each stub receives the name as one argument, exactly;
# - every PowerCLI fix is tokenized by PowerShell's rules for verbatim strings
#   (single-quote characters ' U+2018 U+2019 U+201A U+201B, doubled inside)
#   and must name the VM exactly, with the code around it unchanged;
# - a value no shell can carry (newline, ESC, bidi) leaves its line out;
# - the text report passes no raw control character to the terminal.
. "$(dirname "$0")/../cli/lib.sh"

DS=$WORK/ds
mkdir -p "$DS" "$WORK/stubs" "$WORK/run"
python3 - "$DS" <<'PY'
import json, os, sys
ds = sys.argv[1]
names = [
    "web01",                      # the benign reference
    "$(touch PWNED)",
    "`touch PWNED`",
    "a;touch PWNED",
    "a|touch PWNED",
    "a&&touch PWNED",
    "a>PWNED",
    "it's'; touch PWNED; '",
    "\u2018smart\u2019 \u201aq\u201b $(touch PWNED)",
    "\"dq\" $(touch PWNED) \\",
    "web*",
    "-rf",
    "line1\ntouch PWNED",
    "esc\x1b]0;title\x07",
    "abc\u202etxt.exe",
]
def vmx_escape(s):
    out = ""
    for ch in s:
        if ch in '"|#' or ord(ch) < 0x20 or ord(ch) == 0x7f:
            out += "|%02X" % ord(ch)
        else:
            out += ch
    return out
for i, n in enumerate(names):
    d = os.path.join(ds, "vm%02d" % i)
    os.makedirs(d)
    with open(os.path.join(d, "vm%02d.vmx" % i), "w", encoding="utf-8") as f:
        f.write('.encoding = "UTF-8"\nconfig.version = "8"\nvirtualHW.version = "10"\n'
                'displayName = "%s"\nguestOS = "windows9-64"\nmemsize = "4096"\n'
                'ethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\n'
                'ethernet0.networkName = "VM Network"\n' % vmx_escape(n))
json.dump(names, open(os.path.join(ds, "..", "names.json"), "w"))
PY

for c in govc vim-cmd esxcli vmware; do
    cat >"$WORK/stubs/$c" <<STUB
#!/bin/sh
# records one call: the command, then each argument, NUL-terminated
{ printf '%s\0' "$c"; for a in "\$@"; do printf '%s\0' "\$a"; done; printf '\n\0'; } >>"$WORK/calls"
STUB
    chmod +x "$WORK/stubs/$c"
done

run scan -f json "$DS"
ok "scan of the hostile names runs (exit $RC)" [ "$RC" -le 2 ]
cp "$WORK/out" "$WORK/scan.json"

shells="dash bash"
command -v busybox >/dev/null 2>&1 && shells="$shells busybox"

# check_sh SHELL: runs every sh fix of scan.json and checks the calls.
cat >"$WORK/check_sh.py" <<'PY'
import json, os, subprocess, sys
work, shell = sys.argv[1], sys.argv[2]
names = json.load(open(os.path.join(work, "names.json")))
d = json.load(open(os.path.join(work, "scan.json")))
argv = [shell] if shell != "busybox" else ["busybox", "ash"]
bad = 0
def fail(msg):
    global bad
    bad += 1
    print("not ok - %s: %s" % (shell, msg))
def unquotable(n):
    return any(ord(c) < 0x20 or ord(c) == 0x7f or 0x202a <= ord(c) <= 0x202e for c in n)
seen = 0
for f in d["findings"]:
    if f["rule"] != "vmx-e1000-rss-guest":
        continue
    name = f["name"]
    for tool in ("govc", "esxi_shell"):
        fix = f["remediation"].get(tool)
        if fix is None:
            fail("%r: no %s fix" % (name, tool)); continue
        run = os.path.join(work, "run")
        for e in os.listdir(run):
            os.remove(os.path.join(run, e))
        calls = os.path.join(work, "calls")
        if os.path.exists(calls):
            os.remove(calls)
        env = dict(os.environ, PATH=os.path.join(work, "stubs") + ":/usr/bin:/bin")
        subprocess.run(argv + ["-c", fix], cwd=run, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
        seen += 1
        if os.listdir(run):
            fail("%r %s: the fix created %s" % (name, tool, os.listdir(run)))
        recorded = open(calls, "rb").read().split(b"\n\0") if os.path.exists(calls) else []
        args = [c.split(b"\0")[:-1] for c in recorded if c]
        lines = [l for l in fix.splitlines() if l.strip() and not l.lstrip().startswith("#")]
        if unquotable(name):
            if name.encode() in fix.encode() or "left out" not in fix:
                fail("%r %s: an unquotable name must leave its lines out" % (name, tool))
            continue
        if tool == "govc":
            named = [a for a in args if a and a[0] == b"govc"]
            want = len([l for l in lines if l.startswith("govc")])
            if len(named) != want:
                fail("%r govc: %d calls for %d lines" % (name, len(named), want))
            for a in named:
                if name.encode() not in a[1:]:
                    fail("%r govc: name not one argument in %r" % (name, a))
            if "*" in name and "vm.power" in fix:
                fail("%r govc: a pattern must not reach vm.power" % name)
        if tool == "esxi_shell" and "grep -F -e " not in fix:
            fail("%r esxi_shell: no grep -F -e line" % name)
if seen < 2 * (len(names)):
    fail("only %d fixes run for %d names" % (seen, len(names)))
print("sh-ok" if bad == 0 else "sh-bad")
PY
for sh in $shells; do
    python3 "$WORK/check_sh.py" "$WORK" "$sh" >"$WORK/sh.out" 2>&1
    grep '^not ok' "$WORK/sh.out" | head -n 5
    ok "$sh runs every POSIX fix: nothing injected, each name one argument" grep -qx sh-ok "$WORK/sh.out"
done
ok "no file escaped the sandbox" [ ! -e PWNED ] && [ ! -e "$WORK/PWNED" ]

# PowerShell: verbatim strings per the language specification (section 2.3.5.2).
cat >"$WORK/check_ps.py" <<'PY'
import json, os, sys
work = sys.argv[1]
names = json.load(open(os.path.join(work, "names.json")))
d = json.load(open(os.path.join(work, "scan.json")))
Q = "'\u2018\u2019\u201a\u201b"
def tokens(line):
    """Splits a line into ('code', text) and ('str', value) parts."""
    out, i, code = [], 0, ""
    while i < len(line):
        if line[i] in Q:
            if code:
                out.append(("code", code)); code = ""
            i += 1; val = ""
            while True:
                if i >= len(line):
                    raise ValueError("unterminated string")
                if line[i] in Q:
                    if i + 1 < len(line) and line[i + 1] in Q:
                        val += line[i]; i += 2; continue
                    i += 1; break
                val += line[i]; i += 1
            out.append(("str", val))
        else:
            code += line[i]; i += 1
    if code:
        out.append(("code", code))
    return out
def unwild(s):  # about_Wildcards: a backtick escapes the next character
    out, i = "", 0
    while i < len(s):
        if s[i] == "`" and i + 1 < len(s):
            out += s[i + 1]; i += 2
        else:
            out += s[i]; i += 1
    return out
fixes = {f["name"]: f["remediation"].get("powercli") for f in d["findings"]
         if f["rule"] == "vmx-e1000-rss-guest"}
ref = fixes.get("web01")
bad = 0
def shape(fix):
    return [[t if k == "code" else ("str", "") for k, t in tokens(l)] for l in fix.splitlines()]
for n in names:
    fix = fixes.get(n)
    if fix is None:
        print("not ok - no PowerCLI fix for %r" % n); bad += 1; continue
    if any(ord(c) < 0x20 or 0x202a <= ord(c) <= 0x202e for c in n):
        if n in fix or "left out" not in fix:
            print("not ok - %r: unquotable name not left out" % n); bad += 1
        continue
    try:
        if shape(fix) != shape(ref):
            print("not ok - %r: the code around the name changed:\n%s" % (n, fix)); bad += 1
        vals = [unwild(t) for l in fix.splitlines() for k, t in tokens(l) if k == "str"]
        want = [unwild(t) for l in ref.splitlines() for k, t in tokens(l) if k == "str"]
        want = [n if v == "web01" else v for v in want]
        if vals != want:
            print("not ok - %r: strings %r, expected %r" % (n, vals, want)); bad += 1
    except ValueError as e:
        print("not ok - %r: %s" % (n, e)); bad += 1
print("ps-ok" if bad == 0 else "ps-bad")
PY
python3 "$WORK/check_ps.py" "$WORK" >"$WORK/ps.out" 2>&1
grep '^not ok' "$WORK/ps.out" | head -n 5
ok "every PowerCLI fix names its VM exactly, code unchanged" grep -qx ps-ok "$WORK/ps.out"

# A purple screen whose module name carries shell syntax.
printf '%s\n' '@BlueScreen: #PF Exception 14 in world 2097741:lsi_mr3-0 IP 0x42001b9e2a14 addr 0x30' \
    'Code start: 0x42001b400000 VMK uptime: 7:01:02:03.004' \
    "0x4539a1e1bc10:[0x42001b9e2a14]megasas_isr@(a'\$(touch PWNED);b)#<None>+0x5a stack: 0x0" \
    '0x4539a1e1bc60:[0x42001b4dfa6f]IntrCookie_DoInterrupt@vmkernel#nover+0x3c4 stack: 0x0' >"$WORK/psod.txt"
run psod -f json "$WORK/psod.txt"
python3 - "$WORK" <<'PY' >"$WORK/psod.out" 2>&1
import json, os, subprocess, sys
work = sys.argv[1]
d = json.load(open(os.path.join(work, "out")))
mod = d["crashes"][0]["culprit"]["module"]
assert mod == "a'$(touch PWNED);b", mod
n = 0
for f in d["findings"]:
    fix = f["remediation"].get("esxi_shell")
    if not fix:
        continue
    calls = os.path.join(work, "calls")
    if os.path.exists(calls):
        os.remove(calls)
    env = dict(os.environ, PATH=os.path.join(work, "stubs") + ":/usr/bin:/bin")
    subprocess.run(["sh", "-c", fix], cwd=os.path.join(work, "run"), env=env,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=20)
    assert not os.listdir(os.path.join(work, "run")), "file created"
    args = open(calls, "rb").read().split(b"\0") if os.path.exists(calls) else []
    if "system module get" in fix:
        assert mod.encode() in args, args
    n += 1
print("psod-ok", n)
PY
ok "psod fixes with a hostile module name run clean" grep -q '^psod-ok [1-9]' "$WORK/psod.out"

# Text output: nothing raw reaches the terminal.
run scan "$DS"
ok "text report: no ESC, BEL, CR or bidi override" \
    python3 -c "import sys; b=open('$WORK/out','rb').read()+open('$WORK/err','rb').read(); sys.exit(any(c in b for c in (b'\x1b', b'\x07', b'\r', '\u202e'.encode())))"
ok "JSON report: bidi override and C1 escaped as \\uXXXX" \
    python3 -c "import sys; b=open('$WORK/scan.json','rb').read(); sys.exit(('\u202e'.encode() in b) or (b'\\\\u202e' not in b))"
ok "text report shows the ESC escaped" grep -qF 'esc\x1b]0;title\x07' "$WORK/out"
ok "text report shows the newline escaped, on one line" grep -qF 'line1\x0atouch PWNED' "$WORK/out"
ok "one table row per hostile VM" [ "$(grep -c '^critical  vmx-e1000-rss-guest' "$WORK/out")" -eq 15 ]

run scan -f csv "$DS"
ok "CSV report: no ESC, BEL, CR inside cells or bidi override; ESC shown escaped" \
    python3 -c "import sys; b=open('$WORK/out','rb').read().replace(b'\r\n', b'\n'); sys.exit(any(c in b for c in (b'\x1b', b'\x07', b'\r', '\u202e'.encode())) or b'esc\\\\x1b' not in b)"
run scan -f nagios "$DS"
ok "Nagios lines: no raw control character" \
    python3 -c "import sys; b=open('$WORK/out','rb').read(); sys.exit(any(c in b for c in (b'\x1b', b'\x07', b'\r', '\u202e'.encode())))"

# A file name with a newline and ESC: its error stays on one line.
mkdir "$WORK/badname"
bad=$(printf 'bad\n\033[31mname.vmx')
printf 'config.version = "8"\nthis is = = not vmx "\n' >"$WORK/badname/$bad"
run scan "$WORK/badname"
ok "bad file: error exit 3 ($RC)" [ "$RC" -eq 3 ]
ok "bad file: the error names it on one line, escaped" grep -qF 'bad\x0a\x1b[31mname.vmx' "$WORK/err"
ok "bad file: no raw ESC on stderr" python3 -c "import sys; sys.exit(b'\x1b' in open('$WORK/err','rb').read())"

done_testing
