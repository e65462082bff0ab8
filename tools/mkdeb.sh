#!/bin/sh
# Turn a `make install PREFIX=/usr DESTDIR=ROOT` tree into a Debian package
# (dpkg-deb, no source package): `make deb` runs it.
# usage: tools/mkdeb.sh ROOT OUT.deb VERSION ARCH MULTIARCH
# The control files come from packaging/deb/: control.in (Depends gets the
# shared libraries that dpkg-shlibdeps finds), copyright, changelog,
# lintian-overrides.
set -e
[ $# = 5 ] || { echo "usage: $0 ROOT OUT.deb VERSION ARCH MULTIARCH" >&2; exit 2; }
root=$1 out=$2 version=$3 arch=$4 multiarch=$5
pkg=packaging/deb
[ -x "$root/usr/bin/nnlab" ] || { echo "$0: no $root/usr/bin/nnlab" >&2; exit 1; }
grep -q "^nnlab ($version)" "$pkg/changelog" ||
  { echo "$0: $pkg/changelog does not start at version $version" >&2; exit 1; }

# The C module where Debian puts arch-dependent Lua modules (lua5.4 looks
# there, before /usr/lib/lua/5.4).
mkdir -p "$root/usr/lib/$multiarch"
mv "$root/usr/lib/lua" "$root/usr/lib/$multiarch/lua"
rmdir "$root/usr/lib" 2>/dev/null || true

# Debian's way: binaries stripped (the debug information is not shipped),
# manual and changelog compressed, copyright and overrides in their places.
strip --remove-section=.comment --remove-section=.note "$root/usr/bin/nnlab"
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
  "$root/usr/lib/$multiarch/lua/5.4/nnlab/core.so"
gzip -9n "$root/usr/share/man/man1/nnlab.1"
doc=$root/usr/share/doc/nnlab
install -d "$doc" "$root/usr/share/lintian/overrides"
install -m 644 "$pkg/copyright" "$doc/copyright"
gzip -9nc "$pkg/changelog" > "$doc/changelog.gz"
gzip -9nc README.md > "$doc/README.md.gz"
install -m 644 "$pkg/lintian-overrides" "$root/usr/share/lintian/overrides/nnlab"
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f ! -perm -u+x -exec chmod 644 {} +
find "$root" -type f -perm -u+x -exec chmod 755 {} +

# DEBIAN/: control (Depends from the ELF files' shared libraries: dpkg-shlibdeps
# wants debian/control, which a scratch directory holds), md5sums.
mkdir -p "$root/DEBIAN"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: nnlab\n\nPackage: nnlab\nArchitecture: any\n' > "$work/debian/control"
abs=$(cd "$root" && pwd)
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e"$abs/usr/bin/nnlab" \
  -e"$abs/usr/lib/$multiarch/lua/5.4/nnlab/core.so" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "$0: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  -e "s/@SHLIBS@/$shlibs/" "$pkg/control.in" > "$root/DEBIAN/control"
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
