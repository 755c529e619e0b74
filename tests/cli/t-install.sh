#!/bin/sh
# t-install: `make install` into a temporary DESTDIR: the binary in
# $PREFIX/bin, the man page vmtriage(1) in share/man/man1 and the bash
# completion in share/bash-completion/completions. The installed binary runs
# (also the default run, on the example bundle installed beside it), the man
# page renders without a groff warning and holds every command's --help, the
# completion completes `vmtriage sc<TAB>` to scan and offers per command only
# what the command's --help lists; `make uninstall` removes them all.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(basename "$(dirname "$VT")") # the build folder under test: build, build-asan ...
D=$WORK/dest
P=/opt/vt-test
# a make of its own: not the jobserver of a `make check` that runs this test
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$ROOT" B="$B" "$@"; }

mk install DESTDIR="$D" PREFIX="$P" >"$WORK/make.out" 2>&1
ok "make install DESTDIR PREFIX: exit 0" [ $? -eq 0 ]
BIN=$D$P/bin/vmtriage
MAN=$D$P/share/man/man1/vmtriage.1
COMP=$D$P/share/bash-completion/completions/vmtriage
ok "the binary: $P/bin/vmtriage, executable" [ -x "$BIN" ]
ok "the man page: $P/share/man/man1/vmtriage.1" [ -s "$MAN" ]
ok "the completion: $P/share/bash-completion/completions/vmtriage" [ -s "$COMP" ]
ok "nothing outside DESTDIR: no $P" [ ! -e "$P" ]

# ---- the installed binary
"$BIN" --version >"$WORK/out" 2>&1
ok "installed binary: --version is the VERSION file" grep -qx "vmtriage $(cat "$ROOT/VERSION")" "$WORK/out"
(cd / && "$BIN" --format json >"$WORK/out" 2>"$WORK/err")
RC=$?
ok "installed binary, default run away from the source: the installed example bundle (exit 2)" \
    sh -c "[ $RC -eq 2 ] && grep -q 'triaging the example bundle .*share/vmtriage/examples/bundle' '$WORK/err'"
ok "installed binary, default run: the example's crash" json "len(d['crashes']) == 1"

# ---- the man page
groff -man -Tutf8 -ww "$MAN" >"$WORK/man.txt" 2>"$WORK/man.err"
ok "groff -man -ww: exit 0" [ $? -eq 0 ]
ok "groff -man -ww: no warning" [ ! -s "$WORK/man.err" ]
groff -man -Tutf8 -P-cbou "$MAN" >"$WORK/man.plain" 2>/dev/null
for c in $("$BIN" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'); do
    u=$("$BIN" "$c" --help | head -n 1 | sed 's/^usage: //')
    ok "man page: the usage of $c ($u)" grep -qF "$u" "$WORK/man.plain"
    "$BIN" "$c" --help | sed -n 's/^  \(-[a-z], \)\{0,1\} *\(--[a-z-]*\).*/\2/p' >"$WORK/opts"
    n=0
    while read -r o; do grep -qF -- "$o" "$WORK/man.plain" && n=$((n + 1)); done <"$WORK/opts"
    ok "man page: the options of $c ($n of $(wc -l <"$WORK/opts"))" [ "$n" -eq "$(wc -l <"$WORK/opts")" ]
done
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$MAN" >"$WORK/man.l" 2>"$WORK/man.lerr"
    ok "man -l renders it without a message" sh -c "[ -s '$WORK/man.l' ] && [ ! -s '$WORK/man.lerr' ]"
else
    skip "man -l: man is not installed (tools/install-deps.sh)"
fi

# ---- the completion, sourced in bash
complete_words() { # complete_words WORD...: the completions of the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vmtriage; printf "%s\n" "${COMPREPLY[@]}"' \
        sh "$COMP" "$@" 2>&1 | sort | tr '\n' ' ' | sed 's/ $//'
}
ok "bash -n: the completion parses" bash -n "$COMP"
ok "vmtriage sc<TAB>: scan" [ "$(complete_words vmtriage sc)" = scan ]
ok "vmtriage <TAB>: every command" [ "$(complete_words vmtriage '')" = "$(printf '%s\n' bundle cpu diagnose dump fix help logs merge psod rules scan vcenter | tr '\n' ' ' | sed 's/ $//')" ]
ok "vmtriage scan --pro<TAB>: --profile" [ "$(complete_words vmtriage scan --pro)" = --profile ]
ok "vmtriage logs --pro<TAB>: nothing (logs has no --profile)" [ -z "$(complete_words vmtriage logs --pro)" ]
psod_fmts=$("$BIN" psod --help | sed -n 's/^  -f, --format FMT *\(.*\) (default: text)$/\1/p' | sed 's/,//g; s/ or / /' | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
ok "vmtriage psod -f <TAB>: the formats psod --help lists ($psod_fmts)" [ "$(complete_words vmtriage psod -f '')" = "$psod_fmts" ]
ok "vmtriage rules <TAB>: its actions" [ "$(complete_words vmtriage rules '')" = "check list prefilter show" ]
ok "vmtriage -f json sc<TAB>: scan (an option's value is no command)" [ "$(complete_words vmtriage -f json sc)" = scan ]
ok "vmtriage --min-severity <TAB>: the levels" [ "$(complete_words vmtriage scan --min-severity h)" = high ]

# ---- uninstall
mk uninstall DESTDIR="$D" PREFIX="$P" >"$WORK/make.out" 2>&1
ok "make uninstall: exit 0" [ $? -eq 0 ]
ok "make uninstall: the binary, man page, completion and examples are gone" \
    sh -c "[ ! -e '$BIN' ] && [ ! -e '$MAN' ] && [ ! -e '$COMP' ] && [ ! -e '$D$P/share/vmtriage' ]"

done_testing
