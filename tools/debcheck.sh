#!/bin/sh
# The Debian package installed for real, then removed: `make deb-check`
# (as root; CI runs it).  It refuses to run when nnlab is installed already
# (from a package or from `make install` into /usr or /usr/local), and on
# any failure it removes what it installed.
# usage: tools/debcheck.sh build/nnlab_VERSION_ARCH.deb
# Checks: dpkg -i; `nnlab -e` and `nnlab check` from another directory
# with a bare environment; stock lua5.4 finds the module and trains; man
# finds the page; dpkg -r leaves no file behind (the listing of /usr, /etc
# and /var/lib/dpkg/info is the same as before); lintian --pedantic, as
# an unprivileged user, reports nothing that packaging/deb/lintian-overrides
# does not explain.
set -e
deb=$1
[ -f "$deb" ] || { echo "usage: $0 PACKAGE.deb" >&2; exit 2; }
deb=$(cd "$(dirname "$deb")" && pwd)/${deb##*/}
[ "$(id -u)" = 0 ] || { echo "$0: installs the package: run it as root" >&2; exit 2; }
if dpkg-query -W -f='${Status}\n' nnlab 2>/dev/null | grep -q 'installed'; then
  echo "$0: the package nnlab is installed already: not touching it" >&2; exit 1
fi
for f in /usr/bin/nnlab /usr/local/bin/nnlab /usr/share/lua/5.4/nnlab.lua \
    /usr/local/share/lua/5.4/nnlab.lua; do
  [ ! -e "$f" ] || { echo "$0: $f exists (nnlab installed from elsewhere): not touching it" >&2; exit 1; }
done
pkg=$(dpkg-deb -f "$deb" Package)
work=$(mktemp -d)
installed=
cleanup() {
  [ -z "$installed" ] || dpkg -r "$pkg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "deb-check: $*" >&2; exit 1; }
listing() { find /usr /etc /var/lib/dpkg/info -xdev 2>/dev/null | LC_ALL=C sort; }

listing > "$work/before"
installed=yes
dpkg -i "$deb" >/dev/null || fail "dpkg -i failed"
echo "deb-check: installed $(dpkg-query -W -f='${Package} ${Version} ${Architecture}' "$pkg")"

# From a directory with nothing of nnlab in it, and a bare environment.
mkdir "$work/elsewhere" && cd "$work/elsewhere"
run() { env -i PATH=/usr/bin:/bin HOME="$work" NNLAB_HISTORY= "$@"; }
out=$(run nnlab -e 'matrix.seed(0); local X, Y = data.load("xor")
  local net = nn.Sequential({nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.SoftMax()}, nn.NLLM())
  local first = net:sgd(X, Y, 5, 0.5); local last = net:sgd(X, Y, 500, 0.5)
  io.write(tostring(last < first), " ", require("nnlab.core").version, "\n")') || fail "nnlab -e failed"
[ "$out" = "true $(dpkg-query -W -f='${Version}' "$pkg")" ] || fail "nnlab -e printed: $out"
printf 'return {}\n' > empty.lua
run nnlab check lecture empty.lua > check.out && fail "nnlab check passed an empty submission"
grep -q 'features' check.out || fail "nnlab check lecture did not check the lecture set"
out=$(run lua5.4 -e 'local nnlab = require "nnlab"
  local m = nnlab.matrix; m.seed(0); local X, Y = nnlab.data.load("xor"); local nn = nnlab.nn
  local net = nn.Sequential({nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.SoftMax()}, nn.NLLM())
  local first = net:sgd(X, Y, 5, 0.5); local last = net:sgd(X, Y, 500, 0.5)
  io.write(tostring(last < first), " ", package.searchpath("nnlab.core", package.cpath),
    " ", require("nnlab.sets.lecture").id, "\n")') || fail "lua5.4 -e 'require \"nnlab\"' failed"
case $out in
  "true /usr/lib/"*"/lua/5.4/nnlab/core.so lecture") ;;
  *) fail "lua5.4 printed: $out" ;;
esac
[ "$(run man -w nnlab)" = /usr/share/man/man1/nnlab.1.gz ] || fail "man -w nnlab: $(run man -w nnlab)"
run man nnlab 2>&1 >/dev/null | grep . && fail "man nnlab warns"
cd /

dpkg -r "$pkg" >/dev/null || fail "dpkg -r failed"
installed=
dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q 'installed' &&
  fail "$pkg is still installed after dpkg -r"
listing > "$work/after"
cmp -s "$work/before" "$work/after" ||
  fail "dpkg -r left the system changed: $(diff "$work/before" "$work/after" | head -20)"
echo "deb-check: installed, ran, removed: nothing left"

# lintian (as nobody: it warns against root).
cp "$deb" "$work/" && chmod 755 "$work" && chmod 644 "$work/${deb##*/}"
if command -v setpriv >/dev/null; then as=$(echo setpriv --reuid=65534 --regid=65534 --clear-groups); else as=; fi
$as env HOME="$work" lintian --pedantic -I --fail-on error,warning,info,pedantic \
  "$work/${deb##*/}" || fail "lintian: see above (fix, or explain in packaging/deb/lintian-overrides)"
echo "deb-check: lintian --pedantic: clean"
