#!/bin/bash
# The `make` a DKMS package's MAKE line finds first on PATH while the tool runs that line dry (kbuild-shim/src/dkms.cpp
# copies this file to <scratch>/bin/make). A make aimed at the kernel build directory ($SRCVER_KDIR, given as -C /
# --directory, with M= or KBUILD_EXTMOD=) is recorded, not run; every other make (the package's own Makefile, its
# $(MAKE) recursion) runs dry, as the real make ($SRCVER_REAL_MAKE) named "make", so that its own $(MAKE) lines come
# back here.
#
# Environment: SRCVER_KDIR (the kernel build directory, canonical), SRCVER_LOG (the record file, appended to),
# SRCVER_REAL_MAKE (the real make's path).
# Record, NUL-terminated fields: CWD=<dir>, ARG=<arg> per argument, ENV=<NAME=value> per variable, then END.
kdir=$SRCVER_KDIR
dir='' m=''
prev=
for a in "$@"; do
  [ "$prev" = -C ] && dir=${dir:+$dir/}$a
  case "$a" in
    -C?*) dir=${dir:+$dir/}${a#-C} ;;
    --directory=*) dir=${dir:+$dir/}${a#--directory=} ;;
    M=*) m=${a#M=} ;;
    KBUILD_EXTMOD=*) m=${a#KBUILD_EXTMOD=} ;;
  esac
  prev=$a
done
target=$(cd "${dir:-.}" 2>/dev/null && pwd -P)
if [ -n "$m" ] && [ "$target" = "$kdir" ]; then
  { printf 'CWD=%s\0' "$PWD"; for a in "$@"; do printf 'ARG=%s\0' "$a"; done
    env -0 | sed -z 's/^/ENV=/'; printf 'END\0'; } >> "$SRCVER_LOG"
  exit 0
fi
exec -a make "$SRCVER_REAL_MAKE" -n "$@"
