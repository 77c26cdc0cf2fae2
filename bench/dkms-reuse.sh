#!/bin/bash
# Benchmark (not a test): what the DKMS override (docs/reuse.md) saves, with Debian's real dkms 3.0.10 and real Kbuild,
# each case with and without the override measured in one run, interleaved.
#
# usage: bench/dkms-reuse.sh [binary]       (as root: it writes /etc/dkms/<module>.conf and /lib/modules/<twin>)
#
#   Packages (DKMS source trees in a private --sourcetree/--dkmstree):
#     hello  examples/hello with a dkms.conf: 1 object
#     apfs   the pinned apfs-dkms 0.3.0-1 (scripts/fetch-corpus.sh): 23 objects, one module
#   Cases, on 6.1.0-56-amd64 and a twin of it (its build directory under another release, /lib/modules/<twin>):
#     twin     `dkms autoinstall -k <twin>` (what the kernel hook runs for a new kernel), the package's build for the
#              twin removed before each run;
#     upgrade  `dkms remove --all; dkms add; dkms install -k 6.1.0-56-amd64`: a package upgrade with identical module
#              sources, for one installed kernel (each further kernel costs the same again).
#   "without" runs with SRCVERSION_PREDICT_NO_DKMS_HOOK=1, which makes the override step aside (DKMS builds as it
#   always does); "with" lets it answer from the module store, filled by one real build first. Every "with" run is
#   checked: its make.log says the module was reused, and a logging gcc-12 first on PATH saw no object of the package
#   compiled. Medians of BENCH_RUNS (default 3) runs; the ratio is without/with. "of which ours" is the time
#   dkms-make spent deciding and placing (srcversion-predict reuse --place, from make.log); the rest of "with" is
#   dkms's own work, the same in both (its bash, the package's CLEAN make, copying, strip -g, signing, install).
#   "compiled" counts the package's compiles (objects and the .mod.o) the logging gcc-12 saw in the "with" runs.
#
# Environment: BENCH_RUNS (default 3), BENCH_PACKAGES (default "hello apfs"), BENCH_KEEP=1 keeps the work directory
# (make.log of each build, dkms.log, the store).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/srcversion-predict}
[ -x "$bin" ] || { echo "dkms-reuse: binary '$bin' missing: cmake --build build" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
hook=$(dirname "$bin")/srcversion-predict-dkms
[ "$(id -u)" -eq 0 ] || { echo "dkms-reuse: needs root" >&2; exit 1; }
command -v dkms >/dev/null || { echo "dkms-reuse: dkms not installed (scripts/install-deps.sh)" >&2; exit 1; }
runs=${BENCH_RUNS:-3}
packages=${BENCH_PACKAGES:-hello apfs}
rel=6.1.0-56-amd64 twin_rel=6.1.0-97-amd64
corpus=${SRCVER_CORPUS_DIR:-$HOME/.cache/srcversion-predict/corpus}
[ ! -e "/lib/modules/$twin_rel" ] || { echo "dkms-reuse: /lib/modules/$twin_rel exists: not ours" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dkms-reuse-bench.XXXXXX")
names=() # "<package name> <version> <module>" of each package set up
cleanup() {
  local n v m k
  for entry in "${names[@]}"; do
    read -r n v m <<<"$entry"
    dkms remove -m "$n" -v "$v" --all --dkmstree "$work/dkms-$n" --sourcetree "$work/src-$n" >/dev/null 2>&1
    rm -f "/etc/dkms/$n.conf"
    for k in "$rel" "$twin_rel"; do rm -f "/lib/modules/$k/extra/$m.ko"* "/lib/modules/$k/updates/dkms/$m.ko"*; done
  done
  rm -rf "/lib/modules/$twin_rel"
  if [ -n "${BENCH_KEEP:-}" ]; then echo "dkms-reuse: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
export XDG_CACHE_HOME=$work/xdg
die() { echo "dkms-reuse: $*" >&2; exit 1; }

# The twin (as tests/integration/lib.sh make_twin).
from=$(readlink -f "/lib/modules/$rel/build")
cp -a "$from" "$work/twin" || die "cannot copy $from"
for link in "$work/twin"/*; do [ -L "$link" ] && ln -sfn "$(readlink -f "$from/${link##*/}")" "$link"; done
sed -i "s/$rel/$twin_rel/" "$work/twin/include/config/kernel.release" "$work/twin/include/generated/utsrelease.h" \
  "$work/twin/.kernelvariables"
mkdir -p "/lib/modules/$twin_rel" && ln -s "$work/twin" "/lib/modules/$twin_rel/build"

# The logging compiler.
mkdir -p "$work/spy"
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>%s/compiles.log\nexec %s "$@"\n' "$work" "$(command -v gcc-12)" \
  >"$work/spy/gcc-12"
chmod +x "$work/spy/gcc-12"
export PATH=$work/spy:$PATH

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# setup_package <label>: sets name, version, src, tree for the package.
setup_package() {
  case $1 in
    hello)
      name=srcvp_bench_hello version=1.0
      src=$work/src-$name tree=$work/dkms-$name
      mkdir -p "$src/$name-$version" "$tree"
      cp "$root/examples/hello/"* "$src/$name-$version/"
      echo "obj-m := $name.o" >"$src/$name-$version/Kbuild"
      mv "$src/$name-$version/hello.c" "$src/$name-$version/$name.c"
      printf 'PACKAGE_NAME="%s"\nPACKAGE_VERSION="%s"\nBUILT_MODULE_NAME[0]="%s"\nDEST_MODULE_LOCATION[0]="/updates/dkms"\nAUTOINSTALL="yes"\n' \
        "$name" "$version" "$name" >"$src/$name-$version/dkms.conf"
      module=$name ;;
    apfs)
      local conf
      conf=$(ls "$corpus"/apfs-dkms_*/usr/src/*/dkms.conf 2>/dev/null | head -1)
      [ -n "$conf" ] || die "apfs-dkms is not in $corpus: scripts/fetch-corpus.sh"
      name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$conf") version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$conf")
      src=$work/src-$name tree=$work/dkms-$name
      mkdir -p "$src" "$tree"
      cp -a "$(dirname "$conf")" "$src/$name-$version"
      module=apfs ;;
    *) die "unknown package $1" ;;
  esac
  names+=("$name $version $module")
  [ ! -e "/etc/dkms/$name.conf" ] || die "/etc/dkms/$name.conf exists: not ours"
}
dk() { dkms "$@" -m "$name" -v "$version" --dkmstree "$tree" --sourcetree "$src" >>"$work/dkms.log" 2>&1; }
twin_run() { dk remove -k "$twin_rel"; local t0; t0=$(now); dkms autoinstall -k "$twin_rel" --dkmstree "$tree" \
  --sourcetree "$src" >>"$work/dkms.log" 2>&1 || die "autoinstall failed ($work/dkms.log)"; echo "$(now) - $t0" | bc; }
upgrade_run() { local t0; t0=$(now); dk remove --all; dk add && dk install -k "$rel" --no-depmod ||
  die "upgrade failed ($work/dkms.log)"; echo "$(now) - $t0" | bc; }
# check_reused <kernel>: the last build for <kernel> was reused, nothing of the package compiled.
check_reused() {
  grep -q "^$module reuse " "$tree/$name/$version/$1/$(uname -m)/log/make.log" ||
    die "$name for $1 was not reused: $(cat "$tree/$name/$version/$1/$(uname -m)/log/make.log")"
  ! grep -q -- "-c -o $tree/$name/$version/build/" "$work/compiles.log" 2>/dev/null || die "$name: compiled with the hook"
}

printf '%-6s %-8s %10s %10s %8s %12s %10s\n' package case without with ratio "of which ours" compiled
for p in $packages; do
  setup_package "$p"
  "$hook" enable --quiet --store "$work/store" --dkms-tree "$tree" "$name"
  dk add && dk install -k "$rel" --no-depmod || die "the first build of $name failed ($work/dkms.log)"
  objects=$(grep -c -- "-c -o $tree/$name/$version/build/.*\.o " "$work/compiles.log")
  for c in twin upgrade; do
    without=() with=() ours=()
    for _ in $(seq "$runs"); do
      without+=("$(SRCVERSION_PREDICT_NO_DKMS_HOOK=1 "${c}_run")")
      : >"$work/compiles.log"
      with+=("$("${c}_run")")
      k=$([ $c = twin ] && echo "$twin_rel" || echo "$rel")
      check_reused "$k"
      ours+=("$(sed -n 's/.*reused from the module store in \([0-9]*\) ms.*/\1/p' \
        "$tree/$name/$version/$k/$(uname -m)/log/make.log" | awk '{print $1 / 1000}')")
    done
    w=$(median "${without[@]}") h=$(median "${with[@]}") o=$(median "${ours[@]}")
    printf '%-6s %-8s %9.2fs %9.2fs %7.1fx %11.2fs %5s of %s\n' "$p" "$c" "$w" "$h" "$(echo "$w / $h" | bc -l)" "$o" 0 \
      "$objects"
  done
done
