#!/bin/bash
# Builds an external-module directory for real with a kernel's own Kbuild: the single place in this project that
# knows how to run a real build (regen-goldens.sh and tests/integration/ call it).
#
# usage: kbuild-build.sh [-v] [--print-build-dir] <kernel-release> <src-dir> <out-dir> [make-arg...]
#        kbuild-build.sh [-v] [--print-build-dir] --dkms <kernel-release> <dkms-source-dir> <out-dir>
#
#   Plain mode: copies <src-dir> to <out-dir> (removed first, so the build is always fresh) and runs there
#     make -C /lib/modules/<kernel-release>/build M=<out-dir> modules CONFIG_MODULE_SRCVERSION_ALL=y [make-arg...]
#   with what the kernel needs on this host (see Kernels). <out-dir> is made absolute and canonical.
#   [make-arg...] come after CONFIG_MODULE_SRCVERSION_ALL=y: on make's command line the last assignment wins, so a
#   caller can switch it off again (the test harness passes a torture case's kbuild-make-args this way).
#   On success prints nothing (with -v: the make output, on stderr) and exits 0.
#
#   --dkms mode: builds a DKMS source directory (the one holding dkms.conf, e.g. from scripts/fetch-corpus.sh) with
#   Debian's real `dkms build` (dkms 3.0.x), honouring everything in its dkms.conf (MAKE[], MAKE_MATCH, CLEAN,
#   PRE_BUILD, PATCH, BUILD_EXCLUSIVE_*, BUILT_MODULE_LOCATION[]), in a private tree under <out-dir> (removed first):
#     <out-dir>/source/<name>-<version>/   the copy dkms builds from (--sourcetree)
#     <out-dir>/dkms/                      the DKMS tree (--dkmstree); nothing is added to /var/lib/dkms or /usr/src
#   dkms runs its MAKE line as written; CONFIG_MODULE_SRCVERSION_ALL=y (and what the kernel needs, see Kernels) reach
#   that make as command-line variables through MAKEFLAGS in the environment.
#   dkms 3.0.x deletes its build directory after building; so that the tree can be read afterwards, the copy's
#   dkms.conf gets a POST_BUILD hook (run after the build and after dkms has saved the .ko files; it then runs the
#   package's own POST_BUILD, if any) that copies the build directory aside, and it is put back at its own path (the
#   .cmd and .mod files name it) when dkms is done. Its .ko files are those dkms stripped (strip -g) and, if it could,
#   signed; neither touches .modinfo.
#   On success prints the build directory, <out-dir>/dkms/<name>/<version>/build, on stdout and exits 0.
#
#   On failure both modes print the build output on stderr and exit non-zero (1 for a setup problem).
#
#   --print-build-dir (before the other arguments) builds nothing: it prints the directory the build would run in
#   (<out-dir>, or with --dkms <out-dir>/dkms/<name>/<version>/build), so that a caller can plan or predict that very
#   path before building (`srcversion-predict verify` does).
#
# Kernels:
#   * Debian 12's own headers (6.1.0-56-amd64, 6.12.111+deb12-amd64): installed by scripts/install-deps.sh.
#   * 7.x releases built by Debian 13 (release containing "+deb13", default 7.2.12+deb13-amd64): Debian's real Kbuild
#     made runnable on Debian 12 by scripts/kbuild7-on-bookworm.sh, which this script runs (it is idempotent) when that
#     kernel is not set up yet. Its builds need the gcc-14 wrapper on PATH and CONFIG_DEBUG_INFO_BTF_MODULES= (Debian
#     12's pahole is too old for BTF; BTF generation runs after modpost and does not affect srcversion).
#
# Environment:
#   KBUILD_BUILD_JOBS   make -j value (default 2; this machine is shared, do not raise it without reason)
#   KBUILD_BUILD_LOG    if set, the build output is also written to this file
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
verbose=0 dkms_mode=0 print_build_dir=0
while [ $# -gt 0 ]; do
  case "$1" in
    -v) verbose=1; shift ;;
    --print-build-dir) print_build_dir=1; shift ;;
    --dkms) dkms_mode=1; shift ;;
    *) break ;;
  esac
done
if [ $# -lt 3 ] || { [ $dkms_mode = 1 ] && [ $# -ne 3 ]; }; then
  sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
fi
rel=$1 src=$2 out=$3
shift 3
jobs=${KBUILD_BUILD_JOBS:-2}

die() { echo "kbuild-build: $*" >&2; exit 1; }

[ -d "$src" ] || die "source directory '$src' does not exist"
src=$(cd "$src" && pwd -P)
case "$out" in /*) ;; *) out=$PWD/$out ;; esac
out=${out%/}
[ -n "$out" ] && [ "$out" != / ] || die "refusing to use '/' as the output directory"
mkdir -p "$(dirname "$out")" || die "cannot create the parent of '$out'"
out=$(cd "$(dirname "$out")" && pwd -P)/$(basename "$out")
case "$src/" in "$out"/*) die "output directory '$out' contains the source directory '$src'" ;; esac
case "$out/" in "$src"/*) die "output directory '$out' lies inside the source directory '$src'" ;; esac

kdir=/lib/modules/$rel/build
kernel_args=()
path=$PATH
# The project's test host only: Debian 13's Kbuild on Debian 12 (host programs on a private C library, gcc-14's name
# calling gcc-12), set up by scripts/kbuild7-on-bookworm.sh, which is not installed with the tool. Elsewhere (an
# installed tool, a Debian 13 machine) a kernel's Kbuild is used as it is installed.
host_kbuild7=
if [ -x "$here/kbuild7-on-bookworm.sh" ] && grep -q '^12[.]' /etc/debian_version 2>/dev/null; then host_kbuild7=1; fi
case "$host_kbuild7:$rel" in
  1:*+deb13-*)
    bin=$("$here/kbuild7-on-bookworm.sh" --ensure "$rel") || die "scripts/kbuild7-on-bookworm.sh failed to set up $rel"
    path=$bin:$PATH
    kernel_args+=(CONFIG_DEBUG_INFO_BTF_MODULES=)
    ;;
esac
[ -e "$kdir/Makefile" ] ||
  die "kernel $rel is not installed ($kdir/Makefile missing): run scripts/install-deps.sh (6.1/6.12) or scripts/kbuild7-on-bookworm.sh (7.x)"

log=$(mktemp "${TMPDIR:-/tmp}/kbuild-build.XXXXXX")
trap 'rm -f "$log"' EXIT
# What the caller's environment must not bring into a build.
clean_env=(-u KBUILD_EXTMOD -u KBUILD_OUTPUT -u KBUILD_SRC -u ARCH -u CROSS_COMPILE -u CC -u LD -u LLVM -u MAKEFLAGS
           -u MFLAGS -u GNUMAKEFLAGS -u MAKELEVEL -u M -u O -u V -u W -u C -u KCFLAGS -u KCPPFLAGS -u KERNELRELEASE)

finish() {  # $1 = status, $2 = what failed
  if [ -n "${KBUILD_BUILD_LOG:-}" ]; then cp "$log" "$KBUILD_BUILD_LOG"; fi
  if [ "$1" -ne 0 ]; then
    cat "$log" >&2
    echo "kbuild-build: $2 failed (exit $1) for $src on $rel in $out" >&2
    exit "$1"
  fi
  if [ $verbose = 1 ]; then cat "$log" >&2; fi
}

# PACKAGE_NAME and PACKAGE_VERSION as dkms reads them (dkms.conf is shell; dkms sources it too)
dkms_name_version() {
  read -r name version < <(cd "$src" && kernelver=$rel kernel_source_dir=$kdir arch=$(uname -m) dkms_tree=/nonexistent \
      bash -c '. ./dkms.conf >/dev/null 2>&1; echo "$PACKAGE_NAME $PACKAGE_VERSION"')
  [ -n "${name:-}" ] && [ -n "${version:-}" ] || die "cannot read PACKAGE_NAME and PACKAGE_VERSION from $src/dkms.conf"
}

if [ $print_build_dir = 1 ]; then
  if [ $dkms_mode = 1 ]; then
    [ -f "$src/dkms.conf" ] || die "'$src' has no dkms.conf"
    dkms_name_version
    echo "$out/dkms/$name/$version/build"
  else
    echo "$out"
  fi
  exit 0
fi

rm -rf "$out" || die "cannot remove '$out'"

if [ $dkms_mode = 0 ]; then
  cp -a "$src" "$out" || die "cannot copy '$src' to '$out'"
  env "${clean_env[@]}" LC_ALL=C PATH="$path" \
      make -C "$kdir" M="$out" -j"$jobs" modules CONFIG_MODULE_SRCVERSION_ALL=y "${kernel_args[@]}" \
      "$@" >"$log" 2>&1
  finish $? make
  exit 0
fi

# ---- --dkms mode
[ -f "$src/dkms.conf" ] || die "'$src' has no dkms.conf"
dkms=${SRCV_DKMS:-$(command -v dkms || true)}
[ -n "$dkms" ] && [ -x "$dkms" ] ||
  die "dkms not found: install Debian's dkms package (apt-get install --no-install-recommends dkms=3.0.10-8+deb12u1; scripts/install-deps.sh should)"
dkms_name_version

srctree=$out/source dkmstree=$out/dkms
copy=$srctree/$name-$version
mkdir -p "$srctree" "$dkmstree" "$out/cwd" || die "cannot create '$out'"
cp -a "$src" "$copy" || die "cannot copy '$src' to '$copy'"
hook=.srcv-keep-build.sh
cat > "$copy/$hook" <<'SH'
#!/bin/sh
# added by srcversion-predict's scripts/kbuild-build.sh: keep the build tree, which dkms deletes after building
set -e
rm -rf "$PWD.srcv-kept"
cp -a "$PWD" "$PWD.srcv-kept"
if [ $# -gt 0 ]; then run=$1; shift; exec "$PWD/$run" "$@"; fi
SH
chmod +x "$copy/$hook"
cat >> "$copy/dkms.conf" <<EOF

# added by srcversion-predict's scripts/kbuild-build.sh: keep the build tree (dkms deletes it after building)
POST_BUILD="$hook\${POST_BUILD:+ \$POST_BUILD}"
EOF

makeflags="-- CONFIG_MODULE_SRCVERSION_ALL=y"
for a in "${kernel_args[@]}"; do
  case "$a" in *[[:space:]]*) die "make argument with whitespace cannot pass through MAKEFLAGS: '$a'" ;; esac
  makeflags+=" $a"
done
(cd "$out/cwd" && env "${clean_env[@]}" LC_ALL=C PATH="$path" MAKEFLAGS="$makeflags" \
    "$dkms" build -m "$name" -v "$version" -k "$rel" --dkmstree "$dkmstree" --sourcetree "$srctree" -j "$jobs") \
    >"$log" 2>&1
rc=$?
build=$dkmstree/$name/$version/build
if [ $rc -ne 0 ] && [ -f "$build/make.log" ]; then
  { echo "---- $build/make.log"; cat "$build/make.log"; } >> "$log"
fi
if [ $rc -eq 0 ] && [ ! -d "$build.srcv-kept" ]; then
  echo "kbuild-build: dkms succeeded but the POST_BUILD hook did not keep $build" >> "$log"
  rc=1
fi
finish $rc "dkms build"
rm -rf "$build" && mv "$build.srcv-kept" "$build" || die "cannot put the kept build tree back at $build"
echo "$build"
exit 0
