#!/bin/bash
# Integration test: srcversion-predict's `from-build` against a real Kbuild build.
#
# usage: real-kbuild-from-build.sh <binary> <kernel-release> <dir>
#
#   <dir> is either a torture case (testdata/modules/<case>, or any directory with a Kbuild/Makefile) or a DKMS source
#   directory (holding dkms.conf, e.g. a line printed by scripts/fetch-corpus.sh).
#   1. Builds <dir> for real with scripts/kbuild-build.sh (a DKMS source with Debian's real `dkms build`, honouring its
#      dkms.conf), in a scratch directory.
#   2. Real answer: for each line of the build's modules.order, in order, "<module> <srcversion>", where <module> is the
#      .ko's path relative to the build directory without .ko and <srcversion> is `modinfo -F srcversion` of that .ko
#      (or of the .ko.xz/.ko.zst/.ko.gz dkms left in its place), or "-" when modinfo shows none or no module file
#      exists (a build that fails by design, see below).
#   3. Runs `<binary> from-build <build-dir>` and compares its stdout with the real answer, line by line. Its exit
#      status must be 0 when every line has a srcversion and 3 when some line is "-".
#      A DKMS package whose MAKE runs a separate M= build in each subdirectory (no modules.order at the top, e.g.
#      ddcci) is checked per distinct BUILT_MODULE_LOCATION[] of its dkms.conf: `from-build <build-dir>/<location>`,
#      its lines shown with "<location>/" in front.
#   4. For a torture case (a case.txt is present) also compares the real answer with the stored golden
#      expected/<kernel-release>.srcversion and the real .mod files with expected/<kernel-release>.mod, so a change of
#      the kernel's behaviour or of a case without regenerated goldens is caught.
#   A case whose case.txt says "build-fails: <release-glob> <why>" for this kernel must fail to build; then no .ko
#   exists, every module is "-" on the real side, and the binary must say so. If the build fails before Kbuild writes
#   modules.order (a compile error), from-build must refuse the tree (exit 2, naming modules.order).
#
#   Exit 0 only if everything is equal; 1 on any difference (both sides are printed) or when something needed is
#   missing (the binary, the kernel, dkms, a golden): a missing prerequisite is a failure, never a pass.
#   SRCV_KEEP_BUILD=1 keeps the scratch build (its path is printed).
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || usage 4,5
bin=$1 rel=$2 dir=${3%/}

need_built_binary
need_dir
case "$rel" in
  *+deb13-*) ;;  # kbuild-build.sh sets these up with scripts/kbuild7-on-bookworm.sh (and fails loudly if it cannot)
  *) need_kernel "$rel" "is not installed (/lib/modules/$rel/build/Makefile missing): run scripts/install-deps.sh" ;;
esac
modinfo=$(command -v modinfo || echo /sbin/modinfo)
[ -x "$modinfo" ] || fail "modinfo not found: install kmod"

make_kept_work srcv-itest 'the build'

# ---- 1. the real build
is_case=0 expect_fail=0 why=
if [ -f "$dir/dkms.conf" ]; then
  kind=dkms
  dkms_build_checked "$work/dkms"
  build=$dkms_built
else
  kind=kbuild
  [ -f "$dir/Kbuild" ] || [ -f "$dir/Makefile" ] || fail "'$dir' has neither dkms.conf nor a Kbuild/Makefile"
  if [ -f "$dir/case.txt" ]; then
    is_case=1
    read_build_fails
  fi
  build=$work/build
  kbuild_build_checked "$build"
fi
# The M= directories to compare: the build directory itself, or, for a DKMS package whose MAKE runs one M= build per
# subdirectory (no modules.order at the top, e.g. ddcci), each distinct BUILT_MODULE_LOCATION[] of its dkms.conf.
subs=()
if [ -f "$build/modules.order" ]; then
  subs=(.)
elif [ $kind = dkms ]; then
  add_dkms_module_locations
fi
if [ ${#subs[@]} = 0 ] && [ $kind = kbuild ] && [ "$expect_fail" = 1 ]; then
  # A build that fails by design before Kbuild writes modules.order (a compile error, e.g. the module's own #error):
  # there is nothing built to read, and from-build must say so (bad input, exit 2), not invent an answer.
  "$bin" from-build "$build" > "$work/out" 2> "$work/err"
  rc=$?
  if [ $rc = 2 ] && [ ! -s "$work/out" ] && grep -q 'modules.order' "$work/err"; then
    echo "real-kbuild-from-build: PASS $dir on $rel (build fails by design before modules.order; from-build: exit 2, $(head -c 200 "$work/err"))"
    exit 0
  fi
  echo "--- from-build stdout:" >&2; cat "$work/out" >&2; echo "--- stderr:" >&2; cat "$work/err" >&2
  fail "the build of $dir for $rel failed by design before writing modules.order; from-build should exit 2 naming modules.order, it exited $rc"
fi
[ ${#subs[@]} -gt 0 ] || fail "the build of $dir for $rel wrote no modules.order ($build)"

# ---- 2. and 3.: for each M= directory, the real answer from modinfo and the binary's answer
# modules.order: 6.1 lists /abs/M/x.ko, 6.12 /abs/M/x.o, 7.x x.o relative to M (dkms builds the same ways). dkms may
# have compressed the .ko (x.ko.xz etc., as the kernel's CONFIG_MODULE_COMPRESS_* says); modinfo reads those too.
: > "$work/real"
: > "$work/predicted"
: > "$work/predicted.err"
status=0
for sub in "${subs[@]}"; do
  d=$build
  prefix=
  if [ "$sub" != . ]; then d=$build/$sub prefix="$sub/"; fi
  n0=$(wc -l < "$work/real")
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    m=${line#"$d"/}
    m=${m%.ko}
    m=${m%.o}
    sv=-
    for ko in "$d/$m.ko" "$d/$m.ko.xz" "$d/$m.ko.zst" "$d/$m.ko.gz"; do
      [ -f "$ko" ] || continue
      sv=$("$modinfo" -F srcversion "$ko") || fail "modinfo failed on $ko"
      [ -n "$sv" ] || sv=-
      break
    done
    printf '%s%s %s\n' "$prefix" "$m" "$sv" >> "$work/real"
  done < "$d/modules.order"
  [ "$(wc -l < "$work/real")" -gt "$n0" ] || fail "modules.order of the build of $dir for $rel is empty ($d)"

  "$bin" from-build "$d" > "$work/predicted.one" 2> "$work/predicted.one.err"
  brc=$?
  sed "s|^|$prefix|" "$work/predicted.one" >> "$work/predicted"
  sed "s|^|from-build $d: |" "$work/predicted.one.err" >> "$work/predicted.err"
  want_rc=0
  if tail -n +"$((n0 + 1))" "$work/real" | grep -q ' -$'; then want_rc=3; fi
  if [ $brc -ne $want_rc ]; then
    echo "real-kbuild-from-build: $dir on $rel: from-build $d exited $brc, expected $want_rc" \
         "($([ $want_rc = 3 ] && echo 'some module has no srcversion' || echo 'every module has a srcversion'))" >&2
    status=1
  fi
done

show_diff() {  # $1 label A, $2 file A, $3 label B, $4 file B
  echo "---- $1 | $3" >&2
  paste -d'|' "$2" "$4" | awk -F'|' '{ mark = ($1 == $2) ? "  " : "!="; printf "%s %-48s %s\n", mark, $1, $2 }' >&2
  local na nb; na=$(wc -l < "$2"); nb=$(wc -l < "$4")
  [ "$na" = "$nb" ] || echo "   ($1 has $na lines, $3 has $nb)" >&2
}
if ! cmp -s "$work/real" "$work/predicted"; then
  echo "real-kbuild-from-build: $dir on $rel: from-build differs from the real build" >&2
  show_diff "real (modinfo)" "$work/real" "from-build" "$work/predicted"
  status=1
fi
if [ $status != 0 ] && [ -s "$work/predicted.err" ]; then echo "---- from-build stderr:" >&2; cat "$work/predicted.err" >&2; fi

# ---- 4. goldens of a torture case
if [ $is_case = 1 ]; then
  golden=$dir/expected/$rel.srcversion
  if [ ! -f "$golden" ]; then
    echo "real-kbuild-from-build: $dir has no golden for $rel ($golden): run scripts/regen-goldens.sh --kernel $rel $(basename "$dir")" >&2
    status=1
  else
    if ! cmp -s "$golden" "$work/real"; then
      echo "real-kbuild-from-build: $dir on $rel: the real build differs from the stored golden (regenerate it if the change is intended)" >&2
      show_diff "golden" "$golden" "real (modinfo)" "$work/real"
      status=1
    fi
    if ! cmp -s "$golden" "$work/predicted"; then
      echo "real-kbuild-from-build: $dir on $rel: from-build differs from the stored golden" >&2
      show_diff "golden" "$golden" "from-build" "$work/predicted"
      status=1
    fi
  fi
  gmod=$dir/expected/$rel.mod
  if [ -f "$gmod" ]; then
    : > "$work/real.mod"
    while read -r m _; do
      printf '== %s\n' "$m" >> "$work/real.mod"
      if [ -f "$build/$m.mod" ]; then sed "s|$build|@M@|g" "$build/$m.mod" >> "$work/real.mod"; fi
    done < "$work/real"
    if ! cmp -s "$gmod" "$work/real.mod"; then
      echo "real-kbuild-from-build: $dir on $rel: the real .mod files differ from the stored golden $gmod" >&2
      diff "$gmod" "$work/real.mod" >&2
      status=1
    fi
  fi
fi

n=$(wc -l < "$work/real")
if [ $status = 0 ]; then
  extra=
  [ $expect_fail = 1 ] && extra=", build fails by design"
  echo "real-kbuild-from-build: PASS $dir on $rel ($kind build, $n module(s)$extra)"
else
  echo "real-kbuild-from-build: FAIL $dir on $rel ($kind build, $n module(s))" >&2
fi
exit $status
