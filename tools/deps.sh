#!/bin/sh
# Make sure the Debian packages nnlab needs are installed.
# usage: tools/deps.sh build|test|bench|fuzz|valgrind|deb|deb-check|arm64 [ROOT]
# As root, missing packages are installed with apt-get; otherwise the one
# apt-get line to run is printed and the script fails.
# arm64 (make test-arm64): the cross compiler, qemu-user and the arm64
# libraries (Debian multiarch: `dpkg --add-architecture arm64`), and, unpacked
# into ROOT rather than installed, the arm64 lua5.4 and the C modules busted
# loads (lua5.4 and lua-term are not co-installable with the machine's own).
set -e
build="gcc make pkg-config liblua5.4-dev libreadline-dev libopenblas-dev"
test="lua5.4 lua-busted lua-dkjson unzip"  # unzip: the autograder zip's spec
# the packaging spec: luarocks, dpkg-shlibdeps (make deb), groff (the man page)
test="$test luarocks dpkg-dev groff-base"
case "$1" in
  build) want="$build" ;;
  test) want="$build $test" ;;
  bench) want="$build python3 python3-numpy python3-torch" ;;  # make bench's references
  fuzz) want="$build $test clang libclang-rt-dev" ;;  # libFuzzer's runtime is only recommended by clang
  valgrind) want="$build $test valgrind" ;;
  deb) want="$build dpkg-dev" ;;  # make deb: dpkg-shlibdeps, dpkg-deb
  deb-check) want="$build dpkg-dev lintian man-db" ;;  # make deb-check
  arm64) want="$build $test gcc-aarch64-linux-gnu qemu-user liblua5.4-dev:arm64 libreadline-dev:arm64 libopenblas-dev:arm64" ;;
  *) echo "usage: $0 build|test|bench|fuzz|valgrind|deb|deb-check|arm64 [ROOT]" >&2; exit 2 ;;
esac
# The arm64 programs busted needs, unpacked into ROOT (run by qemu-aarch64 -L ROOT).
unpack_root() {
  root=$1
  if [ -z "$root" ] || [ -f "$root/.unpacked" ]; then return 0; fi
  tmp=$(mktemp -d)
  sandbox=""  # as root, apt downloads as _apt, which cannot write to $tmp
  if [ "$(id -u)" = 0 ]; then sandbox="-o APT::Sandbox::User=root"; fi
  ( cd "$tmp" && apt-get download -qq $sandbox lua5.4:arm64 lua-term:arm64 lua-filesystem:arm64 \
      lua-system:arm64 ) || { rm -rf "$tmp"; echo "nnlab: cannot download the arm64 lua5.4" >&2; exit 1; }
  mkdir -p "$root"
  for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$root"; done
  rm -rf "$tmp"
  touch "$root/.unpacked"
}
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
if [ -z "$missing" ]; then
  if [ "$1" = arm64 ]; then unpack_root "$2"; fi
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  echo "nnlab: installing missing packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$1" = arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing
  if [ "$1" = arm64 ]; then unpack_root "$2"; fi
else
  echo "nnlab: missing packages:$missing" >&2
  if [ "$1" = arm64 ]; then echo "nnlab: first:  sudo dpkg --add-architecture arm64 && sudo apt-get update" >&2; fi
  echo "nnlab: run:  sudo apt-get install -y$missing" >&2
  exit 1
fi
