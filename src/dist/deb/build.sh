#!/bin/sh
# make deb: a Debian package of the program with dpkg-deb (no debhelper).
# usage: sh src/dist/deb/build.sh VERSION OUTDIR
# Installs into OUTDIR/deb/root with PREFIX=/usr (units in /lib/systemd,
# as bookworm wants them), adds the control files from src/dist/deb/ and
# leaves OUTDIR/docker-cleaner_VERSION_ARCH.deb; prints its path.
set -e
version=${1:?usage: build.sh VERSION OUTDIR}
out=${2:?usage: build.sh VERSION OUTDIR}
d=src/dist/deb
root=$out/deb/root
arch=$(dpkg --print-architecture)
rm -rf "$out/deb"
${MAKE:-make} --no-print-directory install DESTDIR="$root" PREFIX=/usr \
    UNITDIR=/lib/systemd/system >/dev/null
gzip -9n "$root/usr/share/man/man8/docker-cleaner.8"
doc=$root/usr/share/doc/docker-cleaner
install -d "$doc" "$root/DEBIAN"
install -m 0644 "$d/copyright" "$doc/copyright"
# a native package (no Debian revision): changelog.gz
gzip -9n < "$d/changelog" > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -d "$root/usr/share/lintian/overrides"
install -m 0644 "$d/lintian-overrides" \
    "$root/usr/share/lintian/overrides/docker-cleaner"
for f in postinst prerm postrm; do
	install -m 0755 "$d/$f" "$root/DEBIAN/$f"
done
install -m 0644 "$d/conffiles" "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' |
    LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    "$d/control" > "$root/DEBIAN/control"
deb=$out/docker-cleaner_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
