#!/bin/sh
# check-static.sh BINARY MAP: fails when the static binary can load something
# at run time. The ESXi shell has none of the build machine's files, so the
# binary must not need gconv modules (iconv), NSS modules (users, groups,
# hosts), locale archives or anything dlopen would bring (issue 12).
# `make static` runs it after linking with -Wl,-Map=MAP,--cref; on a hit it
# removes the binary.
#
# 1. nm: no public entry point that loads: iconv_open/iconv/iconv_close
#    (wrapped away, tools/static_noiconv.c) and the NSS look-ups.
# 2. The linker's cross reference: no object outside glibc (ours, libarchive,
#    hyperscan, libstdc++, ...) refers to dlopen, dlsym, the gconv loader,
#    gettext's catalog look-up (dcgettext) or the locale loader, except libstdc++'s
#    locale set-up, which calls setlocale and newlocale with "C" only (no
#    file: vmtriage and hyperscan never construct a named std::locale).
#    glibc keeps internal paths to dlopen (its gconv module loader, reached
#    only through iconv_open or a non-C locale's charset, neither of which
#    happens); tests/cli/t-static.sh traces every file the binary opens in
#    an empty root to show that nothing is loaded.
set -u
bin=${1:?usage: check-static.sh BINARY MAP}
map=${2:?usage: check-static.sh BINARY MAP}
command -v nm >/dev/null 2>&1 || { echo "check-static: nm (binutils) is required" >&2; exit 1; }
fail=0
if readelf -l "$bin" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    echo "check-static: $bin is dynamically linked" >&2
    exit 1
fi
syms=$(nm "$bin" 2>/dev/null | awk 'NF >= 2 { print $NF }')
if [ -z "$syms" ]; then
    echo "check-static: $bin has no symbol table (stripped?): cannot check it" >&2
    exit 1
fi
bad=$(printf '%s\n' "$syms" | grep -E '^(iconv_open|iconv|iconv_close|_nss_.*|__nss_.*|getpwnam(_r)?|getpwuid(_r)?|getpwent|getgrnam(_r)?|getgrgid(_r)?|getgrent|initgroups|getspnam(_r)?|getaddrinfo|getnameinfo|gethostbyname2?(_r)?|gethostbyaddr(_r)?|getservbyname(_r)?|getservbyport(_r)?|getprotobyname(_r)?|getlogin(_r)?)$' | sort -u)
if [ -n "$bad" ]; then
    echo "check-static: $bin holds entry points that load modules or files at run time:" >&2
    printf '  %s\n' $bad >&2
    fail=1
fi
if ! grep -q '^Cross Reference Table' "$map" 2>/dev/null; then
    echo "check-static: $map has no cross reference table (link with -Wl,-Map=$map,--cref)" >&2
    exit 1
fi
# "SYMBOL FILE" for every file that refers to (does not define) a symbol.
refs=$(awk '/^Cross Reference Table/ { f = 1; next }
            f && NF == 2 { sym = $1; next }
            f && NF == 1 { print sym, $1 }' "$map")
outside=$(printf '%s\n' "$refs" |
    grep -E '^(dlopen|__dlopen|dlmopen|dlsym|__libc_dlopen_mode|_dl_open|__gconv_open|__gconv|__wcsmbs_load_conv|iconv_open|iconv|setlocale|newlocale|__newlocale|catopen|dcgettext|__dcgettext|_nl_find_locale|getpwnam|getpwuid|getgrnam|getgrgid|getaddrinfo|gethostbyname|gethostbyaddr) ' |
    grep -v ' [^ ]*/libc\.a(' |
    grep -vE '^(setlocale [^ ]*/libstdc\+\+\.a\(locale_init\.o\)|__newlocale [^ ]*/libstdc\+\+\.a\(c\+\+locale\.o\))$' || true)
if [ -n "$outside" ]; then
    echo "check-static: code outside glibc refers to a loader (symbol, file):" >&2
    printf '%s\n' "$outside" | sed 's/^/  /' >&2
    fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "check-static: $bin: no iconv or NSS entry point; nothing outside glibc refers to dlopen, gconv, gettext or locale loading"
