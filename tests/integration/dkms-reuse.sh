#!/bin/bash
# DKMS skips the builds it does not need (issue 15), with Debian's real dkms 3.0.10 and real Kbuild. The package is the
# torture module subdir-objects (two objects; a.c includes sub/s.h, which srcversion does not hash) with a dkms.conf
# that sets no MAKE (so the override spells DKMS's default), in a private DKMS tree and source tree. Every gcc-12 that
# Kbuild runs is a logging wrapper first on PATH, so that "nothing was compiled" is seen, not assumed.
#  1. srcversion-predict-dkms enable --dry-run writes nothing; enable writes /etc/dkms/<module>.conf (marked as ours);
#     a <module>.conf that is not ours is left alone;
#  2. dkms install for <kernel>: built (the package's objects compiled), recorded into the store;
#  3. a twin of <kernel> (/lib/modules/<twin>/build, same files, same Module.symvers), installed by each of the three
#     real hook chains a kernel install runs (Debian's linux-image postinst: run-parts of postinst.d; linux-headers':
#     header_postinst.d; systemd's kernel-install add), each with our hook (build/kernel-hook) before DKMS's own
#     (Debian's /etc/kernel/postinst.d/dkms, header_postinst.d/dkms, install.d/dkms), the override removed first so
#     that our hook must write it: installed for the twin, no object of the package compiled, make.log says it was
#     reused and from where; dkms status says installed; the installed module carries the srcversion of the build
#     for <kernel>;
#  4. <other> (other headers): dkms builds (compiles), and says why it could not reuse; srcversion-predict-dkms
#     status says built for <kernel> and <other>, reused for the twin;
#  5. a package upgrade with identical module sources (dkms remove --all; the source tree written afresh, with a file
#     the build does not read changed; dkms add and install for each kernel, as a Debian *-dkms upgrade does):
#     nothing compiled for <kernel> or the twin;
#  6. the same upgrade with sub/s.h changed (srcversion unchanged, code changed): dkms builds;
#  7. a Kbuild line that adds a flag for the twin's release only: built for the twin (the flag named) and for <kernel>
#     (Kbuild named: a module's makefiles are part of the record);
#  8. our hook run twice at once and killed at staggered moments: the override is whole or absent, and files beside
#     it that are not its temporaries stay; the twin's
#     dkms autoinstall (with dkms-make placing from the store) killed at staggered moments: the module file in DKMS's
#     build directory is absent, or a stored one whole (or what DKMS's strip -g and signing made of it), and the next
#     autoinstall installs the stored module (from a store it still trusts) without compiling;
#  9. srcversion-predict-dkms status: reused for <kernel> (step 8's build came from step 2's record), not-built for
#     <other>; then the twin's DKMS build removed and a weak-updates link to the module DKMS installed for <kernel>
#     (stripped and signed as DKMS installs it) put in each kernel's /lib/modules/<k>/weak-updates, as RHEL's
#     weak-modules does: weak (passes --policy=kabi) for the twin, stale for <other> naming a symbol's CRC (exit 1);
#     no DKMS tree file changed;
# 10. disable removes only our override.
# Needs root: it writes /etc/dkms/<module>.conf, /etc/dkms/framework.conf.d/<module>.conf (pointing DKMS's own hooks
# at the test's DKMS and source trees) and /lib/modules/<twin>/, and dkms installs into
# /lib/modules/<kernel>/updates/dkms (all removed at exit).
# With a fourth argument, "upstream" (scripts/fetch-dkms-upstream.sh fetches and unpacks upstream DKMS 3.2.2 as sid
# packages it) or the unpacked root of another DKMS package, every dkms command runs that DKMS's script (a `dkms`
# first on PATH), and the hook chains run its own hooks (its postinst.d/dkms and header_postinst.d/dkms, which hand
# over to the system's dkms_autoinstaller and so to `dkms` on PATH; its install.d/40-dkms.install).
# usage: dkms-reuse.sh <binary> <kernel-release> <other-kernel-release> [upstream|<dkms-root>]
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || [ $# -eq 4 ] || usage 25
bin=$1 rel=$2 other=$3 dkms_root=${4:-}
need_binary "$bin"
need_kernel "$rel"
need_kernel "$other"
need_tools 'is not installed (scripts/install-deps.sh installs it)' dkms modinfo
[ "$(id -u)" -eq 0 ] || missing "needs root (it writes /etc/dkms/<module>.conf and /lib/modules/<twin>)"
hook=$(dirname "$bin")/srcversion-predict-dkms
need_binary "$hook" "missing (built beside the binary from dkms/srcversion-predict-dkms.sh)"
kernel_hook=$(dirname "$bin")/kernel-hook
need_binary "$kernel_hook" "missing (built beside the binary from dkms/kernel-hook.sh.in)"
need_tools 'is not installed (scripts/install-deps.sh installs it)' run-parts kernel-install
# DKMS's own hook in each chain.
dkms_hook_postinst=/etc/kernel/postinst.d/dkms dkms_hook_header=/etc/kernel/header_postinst.d/dkms
dkms_hook_install=/etc/kernel/install.d/dkms
if [ "$dkms_root" = upstream ]; then
  dkms_root=$("$root/scripts/fetch-dkms-upstream.sh") || fail "scripts/fetch-dkms-upstream.sh failed"
fi
if [ -n "$dkms_root" ]; then
  [ -x "$dkms_root/usr/sbin/dkms" ] || missing "$dkms_root/usr/sbin/dkms (scripts/fetch-dkms-upstream.sh fetches it)"
  dkms_hook_postinst=$dkms_root/etc/kernel/postinst.d/dkms dkms_hook_header=$dkms_root/etc/kernel/header_postinst.d/dkms
  dkms_hook_install=$dkms_root/usr/lib/kernel/install.d/40-dkms.install
fi
for h in "$dkms_hook_postinst" "$dkms_hook_header" "$dkms_hook_install"; do
  [ -x "$h" ] || missing "$h (DKMS's own kernel hook) is missing: reinstall the dkms package"
done

name=srcvp_reuse_test version=1.0
twin_rel=${rel/-56-/-99-}
[ "$twin_rel" != "$rel" ] || fail "cannot name a twin of $rel (expected a release with -56-)"
[ ! -e "/lib/modules/$twin_rel" ] || fail "/lib/modules/$twin_rel exists already: not ours to use"
[ ! -e "/etc/dkms/$name.conf" ] || fail "/etc/dkms/$name.conf exists already: not ours to use"
framework=/etc/dkms/framework.conf.d/$name.conf
[ ! -e "$framework" ] || fail "$framework exists already: not ours to use"
make_work dkms-reuse
tree=$work/dkms src=$work/source store=$work/store
mkdir -p "$tree" "$src"
cleanup() {
  dkms remove -m "$name" -v "$version" --all --dkmstree "$tree" --sourcetree "$src" >/dev/null 2>&1
  for k in "$rel" "$other" "$twin_rel"; do rm -f "/lib/modules/$k/updates/dkms/subobj.ko"*; done
  for k in "$rel" "$other"; do [ ! -e "$work/made-weak-$k" ] || rm -rf "/lib/modules/$k/weak-updates"; done
  rm -f "/etc/dkms/$name.conf" "$framework" "/etc/dkms/.$name.conf".*
  rm -rf "/lib/modules/$twin_rel"
  remove_work
}
trap cleanup EXIT
export XDG_CACHE_HOME=$work/xdg

# The logging compilers: each run's arguments, then the real one.
mkdir -p "$work/spy"
for cc in gcc-12 x86_64-linux-gnu-gcc-12; do
  real=$(command -v "$cc") || missing "$cc is not installed"
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>%s/compiles.log\nexec %s "$@"\n' "$work" "$real" >"$work/spy/$cc"
  chmod +x "$work/spy/$cc"
done
PATH=$work/spy:$(dirname "$bin"):$PATH
if [ -n "$dkms_root" ]; then
  mkdir -p "$work/dkms-bin"
  printf '#!/bin/sh\nexec %s "$@"\n' "$dkms_root/usr/sbin/dkms" >"$work/dkms-bin/dkms"
  chmod +x "$work/dkms-bin/dkms"
  PATH=$work/dkms-bin:$PATH
fi
export PATH
echo "$me: $(dkms --version) ($(command -v dkms))"
# The first line of make.log tells which DKMS built (3.0.10 names none).
log_head='DKMS make.log for'
[ -z "$dkms_root" ] || log_head="DKMS ($(dkms --version)) make.log for"
build_dir=$tree/$name/$version/build
# compiled <what>: some object of the package was compiled since the log was cleared; not_compiled <what>: none was.
package_compiles() { grep -c -- "-c -o $build_dir/" "$work/compiles.log" 2>/dev/null; }
compiled() { [ "$(package_compiles)" -gt 0 ] || fail "$1: no object of the package was compiled"; }
not_compiled() {
  [ "$(package_compiles)" -eq 0 ] || { grep -- "-c -o $build_dir/" "$work/compiles.log" >&2; fail "$1: compiled"; }
}
clear_log() { : >"$work/compiles.log"; }
make_log() { cat "$tree/$name/$version/$1/$(uname -m)/log/make.log"; }
dkms_do() {
  dkms "$@" -m "$name" -v "$version" --dkmstree "$tree" --sourcetree "$src" >"$work/dkms.out" 2>&1 ||
    { cat "$work/dkms.out" >&2; fail "dkms $*: failed"; }
}
installed_for() {
  dkms status -m "$name" -v "$version" -k "$1" --dkmstree "$tree" --sourcetree "$src" 2>/dev/null | grep -q installed ||
    { dkms status --dkmstree "$tree" --sourcetree "$src" >&2; fail "dkms status does not say installed for $1"; }
}
package() { # the package's source tree, as a *-dkms package installs it under /usr/src
  rm -rf "${src:?}/$name-$version"
  mkdir -p "$src"
  cp -a "$root/testdata/modules/subdir-objects" "$src/$name-$version"
  rm -rf "$src/$name-$version/expected" "$src/$name-$version/case.txt"
  cat >"$src/$name-$version/dkms.conf" <<EOF
PACKAGE_NAME="$name"
PACKAGE_VERSION="$version"
BUILT_MODULE_NAME[0]="subobj"
DEST_MODULE_LOCATION[0]="/updates/dkms"
AUTOINSTALL="yes"
EOF
}
upgrade() { # what a *-dkms package upgrade does: remove every build, new sources, add, install for each kernel
  dkms_do remove --all
  dkms_do add
  for k in "$rel" "$twin_rel"; do dkms_do install -k "$k" --no-depmod; done
}

# 1. The override.
package
make_twin "$rel" "$work/twin" "$twin_rel"
mkdir -p "/lib/modules/$twin_rel" && ln -s "$work/twin" "/lib/modules/$twin_rel/build"
dkms_do add
"$hook" enable --dry-run --store "$store" --dkms-tree "$tree" >"$work/out" 2>&1 || fail "enable --dry-run failed"
grep -q "$name: would write /etc/dkms/$name.conf" "$work/out" || { cat "$work/out" >&2; fail "enable --dry-run said"; }
[ ! -e "/etc/dkms/$name.conf" ] || fail "enable --dry-run wrote /etc/dkms/$name.conf"
echo '# the administrator'"'"'s own' >"/etc/dkms/$name.conf"
"$hook" enable --store "$store" --dkms-tree "$tree" >"$work/out" 2>&1 || fail "enable failed"
grep -q "is not ours: left alone" "$work/out" && [ "$(cat "/etc/dkms/$name.conf")" = "# the administrator's own" ] ||
  fail "enable touched a $name.conf that is not ours"
rm "/etc/dkms/$name.conf"
"$hook" enable --store "$store" --dkms-tree "$tree" >"$work/out" 2>&1 || fail "enable failed"
head -1 "/etc/dkms/$name.conf" | grep -q '^# srcversion-predict dkms override' || fail "enable wrote no override"

# 2. The first build: compiled, recorded.
clear_log
dkms_do install -k "$rel" --no-depmod
compiled "dkms install for $rel"
installed_for "$rel"
make_log "$rel" | grep -q 'subobj recorded ' || { make_log "$rel" >&2; fail "the build for $rel was not recorded"; }
built_srcversion=$(modinfo -F srcversion "$tree/$name/$version/$rel/$(uname -m)/module/subobj.ko"*)

# 3. The twin, installed by each of the real hook chains, ours first. DKMS's own hooks take the trees from
# framework.conf.d; our hook writes the override with the store of $SRCVERSION_PREDICT_STORE.
printf 'dkms_tree="%s"\nsource_tree="%s"\n' "$tree" "$src" >"$framework"
export SRCVERSION_PREDICT_STORE=$store
echo "not a kernel image: what the hooks are handed" >"$work/vmlinuz-$twin_rel"
for chain in postinst.d header_postinst.d kernel-install; do
  mkdir -p "$work/$chain"
  rm -f "/etc/dkms/$name.conf"
  dkms remove -m "$name" -v "$version" -k "$twin_rel" --dkmstree "$tree" --sourcetree "$src" >/dev/null 2>&1
  rm -f "/lib/modules/$twin_rel/updates/dkms/subobj.ko"*
  clear_log
  case $chain in
    kernel-install)
      cp "$kernel_hook" "$work/$chain/39-srcversion-predict.install"
      KERNEL_INSTALL_PLUGINS="$work/$chain/39-srcversion-predict.install $dkms_hook_install" \
        kernel-install add "$twin_rel" "$work/vmlinuz-$twin_rel" >"$work/dkms.out" 2>&1 ;;
    *)
      cp "$kernel_hook" "$work/$chain/00-srcversion-predict"
      if [ "$chain" = postinst.d ]; then h=$dkms_hook_postinst; else h=$dkms_hook_header; fi
      ln -sf "$h" "$work/$chain/dkms"
      run-parts --report --exit-on-error --arg="$twin_rel" --arg="$work/vmlinuz-$twin_rel" "$work/$chain" \
        >"$work/dkms.out" 2>&1 ;;
  esac || { cat "$work/dkms.out" >&2; fail "$chain for the twin failed"; }
  grep -q -- "--store $store" "/etc/dkms/$name.conf" 2>/dev/null ||
    { cat "$work/dkms.out" >&2; fail "$chain: our hook did not write the override with the store"; }
  not_compiled "$chain for the twin"
  installed_for "$twin_rel"
  make_log "$twin_rel" | grep -q "^subobj reuse $store/subobj/" ||
    { make_log "$twin_rel" >&2; fail "$chain: the twin's make.log does not say where the module came from"; }
  make_log "$twin_rel" | grep -q "^$log_head" || { make_log "$twin_rel" >&2; fail "$chain: not built by $log_head"; }
  [ "$(modinfo -F srcversion "/lib/modules/$twin_rel/updates/dkms/subobj.ko"*)" = "$built_srcversion" ] ||
    fail "$chain: the module installed for the twin is not the build's"
done
rm -f "$framework"
unset SRCVERSION_PREDICT_STORE

# 4. Other headers: built, and why.
clear_log
dkms_do install -k "$other" --no-depmod
compiled "dkms install for $other"
make_log "$other" | grep -q '^subobj build .*differs' ||
  { make_log "$other" >&2; fail "the build for $other does not say why it was not reused"; }

status_says() { # status_says <kernel> <extended regex after "<module>/<version> <kernel> "> <what>
  local k
  k=$(printf '%s' "$1" | sed 's/[.+]/\\&/g')
  grep -Eq "^$name/$version $k $2" "$work/status" || { cat "$work/status" >&2; fail "status does not say $3"; }
}
"$hook" status --store "$store" --dkms-tree "$tree" -k "$rel" -k "$twin_rel" -k "$other" >"$work/status" 2>&1 ||
  { cat "$work/status" >&2; fail "status failed with no module stale"; }
status_says "$rel" 'built$' "built for $rel"
status_says "$twin_rel" "reused subobj reuse $store/subobj/" "reused for the twin"
status_says "$other" 'built$' "built for $other"

# 5. A package upgrade with identical module sources: nothing compiled for either kernel.
package
echo "upgraded" >"$src/$name-$version/NEWS"
clear_log
upgrade
not_compiled "the upgrade with identical module sources"
installed_for "$rel"
installed_for "$twin_rel"

# 6. The same upgrade with a header in a subdirectory changed: built.
echo '#define SUBOBJ_S_CHANGED 1' >>"$src/$name-$version/sub/s.h"
clear_log
upgrade
compiled "the upgrade with sub/s.h changed"
make_log "$rel" | grep -q 'sub/s\.h differs' || { make_log "$rel" >&2; fail "make.log does not name sub/s.h"; }

# 7. A flag for the twin's release only.
echo "ccflags-y += \$(if \$(filter $twin_rel,\$(KERNELRELEASE)),-DSUBOBJ_TWIN)" >>"$src/$name-$version/Kbuild"
clear_log
dkms_do remove --all
dkms_do add
dkms_do install -k "$rel" --no-depmod
compiled "the upgrade with a flag for the twin only, for $rel"
make_log "$rel" | grep -q "build file Kbuild differs" || { make_log "$rel" >&2; fail "make.log does not name Kbuild"; }
clear_log
dkms_do install -k "$twin_rel" --no-depmod
compiled "the upgrade with a flag for the twin only, for the twin"
make_log "$twin_rel" | grep -q -- "-DSUBOBJ_TWIN" || { make_log "$twin_rel" >&2; fail "make.log does not name the flag"; }

# 8. Our hook twice at once and killed; the twin's autoinstall killed.
printf 'dkms_tree="%s"\nsource_tree="%s"\n' "$tree" "$src" >"$framework"
export SRCVERSION_PREDICT_STORE=$store
"$hook" enable --dkms-tree "$tree" --quiet >/dev/null 2>&1
want=$(cat "/etc/dkms/$name.conf")
for delay in 0 0.01 0.02 0.04 0.08; do
  rm -f "/etc/dkms/$name.conf"
  "$kernel_hook" "$twin_rel" & h1=$!
  "$kernel_hook" "$twin_rel" & h2=$!
  sleep "$delay"
  kill -9 "$h1" 2>/dev/null
  wait "$h1" "$h2" 2>/dev/null
  [ "$(cat "/etc/dkms/$name.conf")" = "$want" ] || fail "two kernel hooks, one killed after ${delay}s: the override"
done
# Beside the override, files the hook must never remove: a live writer's (this shell's), no pid, another name.
hook_not_ours=(".$name.conf.srcversion-predict.$$" ".$name.conf.srcversion-predict.x1" ".$name.conf.keep")
for f in "${hook_not_ours[@]}"; do echo "not the tool's" >"/etc/dkms/$f"; done
for delay in 0 0.005 0.01 0.02; do
  rm -f "/etc/dkms/$name.conf"
  "$kernel_hook" "$twin_rel" & h1=$!
  sleep "$delay"
  kill -9 "$h1" 2>/dev/null
  wait "$h1" 2>/dev/null
  [ ! -e "/etc/dkms/$name.conf" ] || [ "$(cat "/etc/dkms/$name.conf")" = "$want" ] ||
    fail "the kernel hook killed after ${delay}s left a partial override"
done
"$kernel_hook" "$twin_rel"
[ "$(cat "/etc/dkms/$name.conf")" = "$want" ] || fail "the kernel hook after the kills: the override"
for f in "${hook_not_ours[@]}"; do
  [ "$(cat "/etc/dkms/$f" 2>/dev/null)" = "not the tool's" ] || fail "the hook removed or changed /etc/dkms/$f"
  rm -f "/etc/dkms/$f"
done
[ -z "$(find /etc/dkms -maxdepth 1 -name ".$name.conf.*")" ] || fail "a killed hook's temporary was left in /etc/dkms"
dkms_do remove --all
package
dkms_do add
dkms_do install -k "$rel" --no-depmod
built_srcversion=$(modinfo -F srcversion "$tree/$name/$version/$rel/$(uname -m)/module/subobj.ko"*)
# whole_or_dkms_processed <file>: the file is a stored binary, or what DKMS makes of one after the build (strip -g in
# place, a signature appended): its signature taken off (by the kernel's layout: the marker, a 12-byte record whose
# last 4 bytes are the signature's length), it equals a stored binary or strip -g of one.
whole_or_dkms_processed() {
  local stored
  python3 - "$1" "$work/unsigned.ko" <<'PY' || return 1
import sys
b = open(sys.argv[1], 'rb').read()
m = b"~Module signature appended~\n"
if b.endswith(m):
    rec = len(b) - len(m) - 12
    b = b[:rec - (b[rec + 3] + b[rec + 4] + int.from_bytes(b[rec + 8:rec + 12], 'big'))]
open(sys.argv[2], 'wb').write(b)
PY
  for stored in "$store"/subobj/*/module.ko; do
    cmp -s "$work/unsigned.ko" "$stored" && return 0
    strip -g -o "$work/stripped.ko" "$stored" && cmp -s "$work/unsigned.ko" "$work/stripped.ko" && return 0
  done
  return 1
}
for delay in 0.5 1 1.5 2 2.5; do
  dkms remove -m "$name" -v "$version" -k "$twin_rel" --dkmstree "$tree" --sourcetree "$src" >/dev/null 2>&1
  setsid dkms autoinstall -k "$twin_rel" --dkmstree "$tree" --sourcetree "$src" >/dev/null 2>&1 & pid=$!
  sleep "$delay"
  kill -9 -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  placed=$build_dir/subobj.ko
  if [ -e "$placed" ]; then
    whole_or_dkms_processed "$placed" ||
      fail "the twin's autoinstall killed at ${delay}s left a module file neither stored nor stripped or signed from one"
  fi
done
clear_log
dkms remove -m "$name" -v "$version" -k "$twin_rel" --dkmstree "$tree" --sourcetree "$src" >/dev/null 2>&1
dkms autoinstall -k "$twin_rel" --dkmstree "$tree" --sourcetree "$src" >"$work/dkms.out" 2>&1 ||
  { cat "$work/dkms.out" >&2; fail "dkms autoinstall for the twin after the kills failed"; }
not_compiled "dkms autoinstall for the twin after the kills"
installed_for "$twin_rel"
# The check above, against what it must tell apart: the module DKMS kept for the twin (stripped, and signed where
# DKMS signs) passes; the same cut short does not.
kept=$(ls "$tree/$name/$version/$twin_rel/$(uname -m)/module/subobj.ko"*)
whole_or_dkms_processed "$kept" || fail "DKMS's own $kept is not recognised as processed from a stored module"
head -c -100 "$kept" >"$work/cut.ko"
! whole_or_dkms_processed "$work/cut.ko" || fail "a module file cut short is taken as whole"
[ "$(modinfo -F srcversion "/lib/modules/$twin_rel/updates/dkms/subobj.ko"*)" = "$built_srcversion" ] ||
  fail "after the kills, the module installed for the twin is not the build's"
rm -f "$framework"
unset SRCVERSION_PREDICT_STORE

# 9. status, and weak-updates.
"$hook" status --store "$store" --dkms-tree "$tree" -k "$rel" -k "$twin_rel" -k "$other" >"$work/status" 2>&1 ||
  { cat "$work/status" >&2; fail "status failed with no module stale"; }
status_says "$rel" "reused subobj reuse $store/subobj/" "reused for $rel (step 8 installed it from step 2's record)"
status_says "$other" 'not-built$' "not-built for $other"
installed=$(readlink -f "$(ls "/lib/modules/$rel/updates/dkms/subobj.ko"*)")
for stored in "$store"/subobj/*/module.ko; do # DKMS stripped (and signed) it: no record holds these bytes
  ! cmp -s "$installed" "$stored" || fail "$installed is a stored binary as it is: the installed form is not tested"
done
dkms remove -m "$name" -v "$version" -k "$twin_rel" --dkmstree "$tree" --sourcetree "$src" >/dev/null 2>&1
for k in "$twin_rel" "$other"; do
  [ -e "/lib/modules/$k/weak-updates" ] && [ "$k" != "$twin_rel" ] && fail "/lib/modules/$k/weak-updates exists: not ours"
  : >"$work/made-weak-$k"
  mkdir -p "/lib/modules/$k/weak-updates"
  ln -s "$installed" "/lib/modules/$k/weak-updates/$(basename "$installed")"
done
before=$(find "$tree" -printf '%p %s %T@\n' | sort | sha256sum)
status=0
"$hook" status --store "$store" --dkms-tree "$tree" -k "$twin_rel" -k "$other" >"$work/status" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$work/status" >&2; fail "status with a stale weak module: exit $status, expected 1"; }
status_says "$twin_rel" "weak /lib/modules/$twin_rel/weak-updates/subobj\.ko.* -> $installed: passes --policy=kabi" \
  "weak for the twin"
status_says "$other" "stale .*symbol .*: CRC .* in ${other//+/\\+}'s Module.symvers" "stale for $other, naming a symbol's CRC"
[ "$(find "$tree" -printf '%p %s %T@\n' | sort | sha256sum)" = "$before" ] || fail "status changed the DKMS tree"
[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'srcversion-predict-status.*')" ] || fail "status left its directory"
rm -rf "/lib/modules/$other/weak-updates" "$work/made-weak-$other"

# 10. disable.
"$hook" disable --dkms-tree "$tree" >"$work/out" 2>&1 || fail "disable failed"
[ ! -e "/etc/dkms/$name.conf" ] || fail "disable left /etc/dkms/$name.conf"
echo "$me: ok ($rel, twin $twin_rel, $other)"
