#!/bin/sh
# Wrappers that run a cross build's programs under an emulator, for
# `make test-arm64` (no binfmt_misc needed).
# usage: tools/emulate.sh QEMU ROOT BUILD RUN PROGRAM...
#   RUN/PROGRAM runs BUILD/PROGRAM with QEMU (its argv[0] is the wrapper's
#   path, as when the program is run directly); RUN/bin/lua5.4 runs
#   ROOT/usr/bin/lua5.4, with ROOT searched first for the files it opens
#   (its C modules: tools/deps.sh arm64 ROOT unpacks them there).
set -e
qemu=$(command -v "$1") || { echo "emulate.sh: no $1" >&2; exit 1; }
root=$(cd "$2" && pwd)
build=$(cd "$3" && pwd)
mkdir -p "$4/bin"
run=$(cd "$4" && pwd)
shift 4
wrap() {  # wrap FILE COMMAND...
  file=$1
  shift
  mkdir -p "${file%/*}"
  printf '#!/bin/sh\nexec %s "$@"\n' "$*" > "$file.tmp"
  chmod 755 "$file.tmp"
  mv "$file.tmp" "$file"
}
for p in "$@"; do
  wrap "$run/$p" "$qemu" -0 '"$0"' "$build/$p"
done
wrap "$run/bin/lua5.4" "$qemu" -L "$root" "$root/usr/bin/lua5.4"
