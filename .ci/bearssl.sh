#!/bin/sh
# BearSSL for the TLS build, from Debian's source package, compiled with
# musl-gcc (Debian's libbearssl.a is built against glibc and does not link
# with musl). usage: sh .ci/bearssl.sh OUTDIR
# Leaves OUTDIR/libbearssl.a and OUTDIR/include/bearssl*.h; does nothing
# when they are already there. apt-get source needs a deb-src entry: a
# temporary apt configuration is used, naming the mirror the system's own
# sources name; the system's apt state is not touched.
set -e
out=${1:?usage: bearssl.sh OUTDIR}
# no unwind tables: C without exceptions needs none, and they were 15 KB of
# the program's read-only pages. A library built with other flags (its
# cflags file says which) is built again.
cflags="-W -Wall -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
[ -f "$out/libbearssl.a" ] && [ -f "$out/include/bearssl.h" ] &&
	[ "$(cat "$out/cflags" 2>/dev/null)" = "$cflags" ] && exit 0
command -v musl-gcc >/dev/null || { echo "bearssl.sh: musl-gcc missing" >&2; exit 1; }
command -v dpkg-source >/dev/null || {
	[ "$(id -u)" = 0 ] || { echo "bearssl.sh: needs dpkg-dev (apt-get install dpkg-dev)" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpkg-dev >/dev/null
}

# the Debian archive URI of the system's sources (deb822 or one-line)
uri=""
for f in /etc/apt/sources.list.d/*.sources; do
	[ -r "$f" ] || continue
	uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
	[ -n "$uri" ] && break
done
if [ -z "$uri" ]; then
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f")
		[ -n "$uri" ] && break
	done
fi
[ -n "$uri" ] || { echo "bearssl.sh: no Debian archive in the apt sources" >&2; exit 1; }
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

work=$(mktemp -d /tmp/bearssl.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
cat > "$work/src.sources" <<EOS
Types: deb-src
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
apt_o="-o Dir::Etc::sourcelist=$work/src.sources -o Dir::Etc::sourceparts=-
 -o Dir::State::Lists=$work/lists -o Dir::Cache=$work/cache
 -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $apt_o update -q >/dev/null
# shellcheck disable=SC2086
(cd "$work/src" && apt-get $apt_o source -q --download-only bearssl >/dev/null)
dsc=$(ls "$work"/src/bearssl_*.dsc)
# (apt checked the files against the signed archive; dpkg-source cannot
# check the maintainer's signature without his key, and says so: quiet)
dpkg-source -x "$dsc" "$work/bearssl" >/dev/null 2>&1 ||
	{ echo "bearssl.sh: dpkg-source -x $dsc failed" >&2; exit 1; }
echo "building BearSSL $(basename "$dsc" .dsc) with musl-gcc"
make -s -C "$work/bearssl" CC=musl-gcc LD=musl-gcc LDDLL=musl-gcc \
	CFLAGS="$cflags" lib >/dev/null
mkdir -p "$out/include"
cp "$work"/bearssl/inc/*.h "$out/include/"
cp "$work/bearssl/build/libbearssl.a" "$out/libbearssl.a.tmp"
mv "$out/libbearssl.a.tmp" "$out/libbearssl.a"
echo "$cflags" > "$out/cflags"
