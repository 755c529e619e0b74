#!/bin/sh
# gen-man.sh VMTRIAGE README VERSION: writes the manual page vmtriage(1) to
# standard output. Its text is the binary's own --help texts (the general
# help and each command's) and the README's opening and exit-status
# paragraphs, so the page cannot drift from what the program accepts.
# `make` runs it at build time; it must pass `groff -man -ww` without
# warnings (tests/cli/t-install.sh checks).
set -eu
VT=${1:?usage: gen-man.sh VMTRIAGE README VERSION}
README=${2:?}
VERSION=${3:?}

# roff-safe text: backslashes, then '-' as \- (options), a line that starts
# with '.' or '\'' protected with \&, characters past ASCII as \[uXXXX]
# (perl: part of every Debian system)
esc() {
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" |
        perl -CS -pe 's/([^\x00-\x7f])/sprintf("\\[u%04X]", ord($1))/ge' # UTF-8 as \[uXXXX]
}
# a README paragraph as plain text: no markdown code or bold marks, one
# sentence stream (roff fills it)
plain() {
    sed -e 's/`//g' -e 's/\*\*//g' | esc
}
# paragraph N (1-based, blank-line separated) after the README's title
readme_par() {
    awk -v n="$1" 'NR == 1 { next } /^## / { exit } /^$/ { if (inpar) { k++; inpar = 0 } next } { if (k == n - 1) print; inpar = 1 }' "$README"
}
# the README paragraph that starts with MARK
readme_from() {
    awk -v m="$1" 'index($0, m) == 1 { on = 1 } on && /^$/ { exit } on { print }' "$README"
}
commands=$("$VT" --complete | awk '$1 == "commands" { for (i = 2; i <= NF; i++) if ($i != "help") print $i }')

cat <<EOF
.TH VMTRIAGE 1 "" "vmtriage $VERSION" "User Commands"
.SH NAME
vmtriage \\- offline triage of ESXi purple screens, VM blue screens, logs and VM configurations
.SH SYNOPSIS
.B vmtriage
.RI [ options ]
.br
.B vmtriage
.I command
.RI [ options ]
.RI [ args ]
.br
.B vmtriage help
.RI [ command ]
.br
.B vmtriage \\-\\-version
.SH DESCRIPTION
EOF
readme_par 1 | plain
echo ".PP"
readme_par 2 | plain
cat <<EOF
.PP
The general help (\\fBvmtriage \\-\\-help\\fR):
.PP
.nf
EOF
"$VT" --help | esc
echo ".fi"
echo ".SH COMMANDS"
for c in $commands; do
    echo ".SS \"vmtriage $c\""
    echo ".nf"
    "$VT" "$c" --help | esc
    echo ".fi"
done
echo ".SH \"EXIT STATUS\""
readme_from '**Exit status**' | sed 's/^\*\*Exit status\*\* (\(.*\)): /Following \1: /' | plain
cat <<EOF
.SH ENVIRONMENT
.TP
.B NO_COLOR
when set, text output has no colour (as \\fB\\-\\-no\\-color\\fR).
.TP
.B VMTRIAGE_HOST_ROOT
for the default run (no command): read a copy of an ESXi host's file system
under this folder instead of this host.
.TP
.B CI
the test suite only: \\fBtrue\\fR makes a missing shared corpus a failure.
.SH "SEE ALSO"
The README and docs/RULES.md (the rule format) of the source tree;
\\fBvmtriage rules list\\fR for the rules built into this binary.
EOF
