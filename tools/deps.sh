#!/bin/sh
# Make sure the Debian packages nnlab needs are installed.
# usage: tools/deps.sh build|test|bench|fuzz|valgrind|deb|deb-check
# As root, missing packages are installed with apt-get; otherwise the one
# apt-get line to run is printed and the script fails.
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
  *) echo "usage: $0 build|test|bench|fuzz|valgrind|deb|deb-check" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "nnlab: installing missing packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "nnlab: missing packages:$missing" >&2
  echo "nnlab: run:  sudo apt-get install -y$missing" >&2
  exit 1
fi
