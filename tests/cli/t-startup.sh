#!/bin/sh
# t-startup: start-up work does not grow with the knowledge base (issue 20).
# Counts work, not time: VMTRIAGE_WORK makes vmtriage print how many YAML
# documents it parsed, rule regexes it compiled and log prefilter databases
# it compiled. The built-in rules are compiled into the program at build
# time (tools/gen_kb.c, tools/gen_prefilter.c), so with them alone the first
# and the last are 0 whatever the rule count; a regex is compiled only when
# a record reaches it. A rule folder (--rules DIR) is read at run time, which
# the same counters show, so the counts are shown to move when work is done.
# The dynamic build loads libcurl, libxml2, OpenSSL and libarchive only when a
# command uses them (src/util/lazy_lib.h): the loader's own list of the files
# it maps (LD_DEBUG=files) shows none of them for --version, scan and psod,
# and shows them for a .tgz bundle and vcenter; a library that cannot be
# loaded is one line naming it, exit status 3.
. "$(dirname "$0")/lib.sh"

work() { # work ARGS...: runs vmtriage with the counters; their line -> $WORK/work
    VMTRIAGE_WORK=1 "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    grep '^vmtriage: work: ' "$WORK/err" >"$WORK/work"
}
count() { # count WHAT: the number before WHAT in the last work line
    sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p" "$WORK/work"
}

vmx=$(find examples/datastore -name web01.vmx | head -1)
screen=examples/psod/esxi55-e1000-vmkernel-log.1
nrules=$("$VT" rules list | grep -c .)
ok "the built-in knowledge base has rules ($nrules)" [ "$nrules" -gt 100 ]

for cmd in "rules list" "scan $vmx" "psod $screen" "logs examples/logs" "bundle examples/bundle"; do
    # shellcheck disable=SC2086
    work $cmd
    ok "$cmd: one work line" [ "$(wc -l <"$WORK/work")" -eq 1 ]
    ok "$cmd: no YAML parsed at start-up ($(count 'YAML'))" [ "$(count 'YAML')" = 0 ]
    ok "$cmd: no prefilter compiled at start-up ($(count 'prefilter'))" [ "$(count 'prefilter')" = 0 ]
done
work rules list
ok "rules list: no regex compiled (none is used)" [ "$(count 'regexes')" = 0 ]
# One screen: its regexes run a few times each, interpreted (JIT compiling
# them would cost more); a bigger input keeps the JIT.
work psod "$screen"
ok "psod of one screen: regexes compiled ($(count 'regexes')), none JIT" \
    sh -c "[ $(count 'regexes') -gt 0 ] && [ $(count 'of them JIT') = 0 ]"
{
    cat "$screen"
    i=0
    while [ $i -lt 9000 ]; do
        echo "2024-03-04T05:06:07.123Z cpu1:2097001)World: 12077: filler line $i of a log longer than one block, so that it is read as a big input"
        i=$((i + 1))
    done
} >"$WORK/big.log"
work psod "$WORK/big.log"
ok "psod of a log over 1 MiB: the regexes are JIT-compiled ($(count 'of them JIT') of $(count 'regexes'))" \
    sh -c "[ $(count 'regexes') -gt 0 ] && [ $(count 'of them JIT') = $(count 'regexes') ]"
work scan "$vmx"
ok "scan of one .vmx: the regexes compiled are fewer than the rules ($(count 'regexes') < $nrules)" \
    [ "$(count 'regexes')" -lt "$nrules" ]

# Relocations the loader applies at each call: a position-independent
# program has one per pointer of the built-in rules (about 14,000).
if command -v readelf >/dev/null 2>&1; then
    relocs=$(readelf -rW "$VT" | grep -c 'R_X86_64_RELATIVE')
    ok "the program has next to no relative relocations ($relocs)" [ "$relocs" -lt 500 ]
else
    skip "relocations: no readelf"
fi

# A rule folder is read at run time: the counters see it (they can fail).
mkdir "$WORK/more"
i=0
while [ $i -lt 3 ]; do
    cat >"$WORK/more/r$i.yml" <<YML
title: extra log rule $i
id: t-extra-$i
status: stable
level: low
logsource: {product: vmware, category: log}
description: a rule of this test
references: [https://example.org/]
remediation: {vsphere_client: nothing}
detection:
  s:
    log.text|re: 'zzextra$i[0-9]+'
  condition: s
tests:
  match: ['zzextra${i}42']
  no_match: ['zzextra']
YML
    i=$((i + 1))
done
work logs --rules "$WORK/more" examples/logs
ok "--rules DIR: its 3 documents parsed ($(count 'YAML'))" [ "$(count 'YAML')" = 3 ]
ok "--rules DIR: its regexes checked at load (at least 3: $(count 'regexes'))" [ "$(count 'regexes')" -ge 3 ]
ok "--rules DIR with log rules: the prefilter is compiled once ($(count 'prefilter'))" [ "$(count 'prefilter')" = 1 ]
# The extra rules match nothing there: the report with the database built in
# and the one compiled at run time are the same, byte for byte.
work logs -f json examples/logs
cp "$WORK/out" "$WORK/builtin.json"
work logs -f json --rules "$WORK/more" examples/logs
ok "the built-in prefilter finds what a compiled one finds" cmp -s "$WORK/builtin.json" "$WORK/out"

# --- Libraries loaded on first use (dynamic build, glibc) ---
LAZY='libcurl.so.4 libxml2.so.2 libssl.so.3 libcrypto.so.3 libarchive.so.13'
loaded() { # loaded ARGS...: runs vmtriage under LD_DEBUG=files; the lazy libraries it mapped -> $WORK/loaded
    rm -rf "$WORK/ld" && mkdir "$WORK/ld"
    LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/ld/trace" "$VT" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    : >"$WORK/loaded"
    for l in $LAZY; do
        if cat "$WORK/ld"/trace.* 2>/dev/null | grep -q "file=\([^ ]*/\)\{0,1\}$l "; then
            echo "$l" >>"$WORK/loaded"
        fi
    done
}
has() { grep -qx "$1" "$WORK/loaded"; }
if ! readelf -l "$VT" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    skip "lazy libraries: $VT is statically linked (nothing is loaded)"
else
    loaded --version
    if ! ls "$WORK/ld"/trace.* >/dev/null 2>&1 || ! grep -q 'file=libc\.so\.6 ' "$WORK/ld"/trace.*; then
        skip "lazy libraries: the loader here does not trace with LD_DEBUG=files (not glibc?)"
    else
        tgz="$WORK/bundle.tgz"
        (cd examples/bundle && tar czf "$tgz" esx-*)
        for cmd in "--version" "scan $vmx" "psod $screen" "rules list"; do
            # shellcheck disable=SC2086
            loaded $cmd
            ok "$cmd: runs under LD_DEBUG (exit $RC < 3)" [ "$RC" -lt 3 ]
            ok "$cmd: none of $LAZY mapped (mapped: $(echo $(cat "$WORK/loaded")))" [ ! -s "$WORK/loaded" ]
        done
        loaded bundle -f json "$tgz"
        ok "bundle .tgz: read (exit $RC < 3)" [ "$RC" -lt 3 ]
        ok "bundle .tgz: libarchive.so.13 is loaded" has libarchive.so.13
        ok "bundle .tgz: libcurl.so.4 and libssl.so.3 are not" sh -c "! grep -qE '^lib(curl|ssl)' '$WORK/loaded'"
        if VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p "$VT" vcenter http://127.0.0.1:1/sdk 2>&1 | grep -q "built without the vSphere client"; then
            skip "lazy libraries: $VT is built without the vSphere client"
        else
            VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p loaded vcenter http://127.0.0.1:1/sdk
            ok "vcenter (unreachable): exit 3, cannot reach ($RC)" sh -c "[ $RC -eq 3 ] && grep -q 'cannot reach' '$WORK/err'"
            ok "vcenter: libcurl.so.4, libssl.so.3 and libcrypto.so.3 are loaded" \
                sh -c "grep -qx libcurl.so.4 '$WORK/loaded' && grep -qx libssl.so.3 '$WORK/loaded' && grep -qx libcrypto.so.3 '$WORK/loaded'"
        fi
        # A library that cannot be loaded (an empty file found first on
        # LD_LIBRARY_PATH): one line naming it, exit 3, no crash; commands that
        # do not use it are not affected.
        mkdir "$WORK/bad"
        for l in $LAZY; do : >"$WORK/bad/$l"; done
        LD_LIBRARY_PATH="$WORK/bad" run bundle -f json "$tgz"
        ok "unloadable libarchive: bundle .tgz exits 3 ($RC)" [ "$RC" -eq 3 ]
        ok "unloadable libarchive: one line naming libarchive.so.13" \
            sh -c "[ \$(grep -c . '$WORK/err') -eq 1 ] && grep -q '^vmtriage: cannot load libarchive\.so\.13' '$WORK/err'"
        LD_LIBRARY_PATH="$WORK/bad" VMTRIAGE_USER=u VMTRIAGE_PASSWORD=p run vcenter https://127.0.0.1:1/sdk
        if ! grep -q "built without the vSphere client" "$WORK/err"; then
            ok "unloadable libcurl: vcenter exits 3 ($RC)" [ "$RC" -eq 3 ]
            ok "unloadable libcurl: one line naming libcurl.so.4" \
                sh -c "[ \$(grep -c . '$WORK/err') -eq 1 ] && grep -q '^vmtriage: cannot load libcurl\.so\.4' '$WORK/err'"
        fi
        "$VT" scan -f json "$vmx" >"$WORK/scan.ok" 2>/dev/null
        LD_LIBRARY_PATH="$WORK/bad" run scan -f json "$vmx"
        ok "unloadable libraries: scan of one .vmx is unaffected (same output, exit $RC)" \
            sh -c "[ $RC -lt 3 ] && cmp -s '$WORK/out' '$WORK/scan.ok'"
    fi
fi

done_testing
