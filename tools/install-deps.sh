#!/bin/sh
# install-deps.sh: installs what a fresh Debian machine lacks to build and test
# vmtriage (distribution packages only). Does nothing when all are present.
# Needs root or sudo only when something is missing.
set -eu
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in make gcc pkg-config libyaml-dev libpcre2-dev python3 binutils file; do
    have_pkg "$p" || need="$need $p"
done
[ -z "$need" ] && exit 0
echo "install-deps: installing:$need" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >&2
