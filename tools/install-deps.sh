#!/bin/sh
# install-deps.sh: installs what a fresh Debian machine lacks to build and test
# vmtriage (distribution packages only). Does nothing when all are present.
# Needs root or sudo only when something is missing.
#   tools/install-deps.sh          build and test
#   tools/install-deps.sh browser  also chromium, for the HTML report's browser test
#   tools/install-deps.sh bench    also what bench/ compares against (ripgrep, lnav, time)
# Hyperscan (the block prefilter of `logs`) is libhyperscan-dev on amd64 and
# libvectorscan-dev (the same API) elsewhere. libarchive reads support
# bundles; `make static` (run by `make check`) links it statically, and
# `pkg-config --static --libs libarchive` asks for the static libraries of
# nettle, acl, lzma, zstd, lz4, bzip2, zlib and libxml2: their -dev packages.
# Both builds link hyperscan's C++ statically: g++ brings libstdc++'s archive.
# tests/cli/t-static.sh runs the static binary in an empty root (unshare and
# chroot from util-linux and coreutils) and traces what it opens (strace).
# `vmtriage vcenter` (the default build; not the static one) uses libcurl,
# libxml2 and OpenSSL; tests/cli/t-vcenter.sh builds govmomi's vSphere
# simulator from golang-github-vmware-govmomi-dev with golang-go (offline,
# GOPATH mode) and makes its test certificates with openssl. libyajl-dev:
# the streaming JSON reader. ansible: `fix --emit ansible` playbooks are
# syntax-checked with ansible-playbook (its community.vmware modules), and
# the fleet play is run against an sshd (openssh-server) on 127.0.0.1.
set -eu
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
hs=libhyperscan-dev
[ "$(dpkg --print-architecture 2>/dev/null || echo amd64)" = amd64 ] || hs=libvectorscan-dev
extra=""
[ "${1:-}" = bench ] && extra="ripgrep lnav time gzip"
[ "${1:-}" = browser ] && extra="chromium"
static_archive="libarchive-dev nettle-dev libacl1-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev libxml2-dev"
# groff-base and man-db: the man page is generated and checked at build time
for p in make gcc g++ pkg-config libyaml-dev libpcre2-dev zlib1g-dev $hs $static_archive python3 binutils file gzip busybox util-linux strace groff-base man-db libcurl4-openssl-dev libssl-dev openssl golang-go golang-github-vmware-govmomi-dev libyajl-dev ansible openssh-server $extra; do
    have_pkg "$p" || need="$need $p"
done
[ -z "$need" ] && exit 0
echo "install-deps: installing:$need" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >&2
