#!/bin/bash
# Integration test: srcversion-predict's `plan` against a real Kbuild build.
#
# usage: real-kbuild-plan.sh <binary> <kernel-release> <dir>
#        real-kbuild-plan.sh --self-test
#
#   <dir> is either a torture case (testdata/modules/<case>, or any directory with a Kbuild/Makefile) or a DKMS source
#   directory (holding dkms.conf, e.g. a line printed by scripts/fetch-corpus.sh).
#   1. Copies <dir> to the scratch directory the real build will run in (a torture case: the M= directory
#      scripts/kbuild-build.sh builds in; a DKMS source: the build directory `dkms build` makes,
#      <dkms tree>/<name>/<version>/build), and runs `<binary> plan <that dir> <kernel-release> --json --deps`, BEFORE
#      anything is built. Compile commands hold absolute paths, so the plan must name the directory that is built.
#      For a 7.x kernel the plan runs with /var/lib/srcv-kbuild7/bin (KBUILD7_PRIV) first on PATH, as the real build
#      does; the binary is told nothing else. The plan must not write into the directory it plans.
#   2. Builds <dir> for real with scripts/kbuild-build.sh at that same path (it removes the directory and copies <dir>
#      there afresh; a DKMS source with Debian's real `dkms build`, honouring its dkms.conf).
#   3. Compares the plan with what real Kbuild wrote:
#      - the planned modules (paths, order) with the build's modules.order;
#      - each module's mod_entries with its real .mod file, line by line; its objects with the .mod's entries that
#        are not .a;
#      - for each object, the planned command with the `cmd_<target> :=` (6.1) / `savedcmd_<target> :=` (6.3+) line of
#        the real .<object>.cmd, token by token (the line is make syntax: `$$` is `$` and `$(pound)` is `#`; the
#        command is split as the shell splits it, up to its first unquoted `;`), and the planned source with its
#        `source_<target> :=` line;
#      - for each object, the planned deps (the front end) with the real `deps_<target> :=` section, entry by entry
#        (same paths, spelling and order; the `$(wildcard include/config/...)` lines left out), and the same for
#        `<binary> deps` run on a compilation database of the planned compiles. A case.txt line
#        "deps-unknown: <object> <text>" says the plan must instead call that object's list unknown, with <text> in
#        its reason (a header the build generates); "deps-unknown-on: <release-glob> <object> <text>" the same on
#        some kernels only (an #error reached on them).
#      A DKMS package whose MAKE runs a separate M= build in each subdirectory (no modules.order at the top, e.g.
#      ddcci) is compared per distinct BUILT_MODULE_LOCATION[] of its dkms.conf; the plan's module paths are relative
#      to the DKMS source directory, so a module of location <loc> is expected as "<loc>/<module>".
#   A case whose case.txt says "build-fails: <release-glob> <why>" for this kernel must fail to build. Then what the
#   failing build did write is compared, and what it did not reach is listed, not counted as a difference; the plan
#   may refuse (exit 3) only if the failing build did not write every modules.order, .mod and object .cmd file.
#
#   Exit 0 only if everything is equal; 1 on any difference (printed: the first differing tokens of a command) or when
#   something needed is missing (the binary, the kernel, dkms, python3): a missing prerequisite is a failure, never a
#   pass. SRCV_KEEP_BUILD=1 keeps the scratch build and the plan (their path is printed).
#   --self-test checks this script's own .cmd reader (make unescaping, shell splitting) against bash and exits.
#   The comparison itself is real_kbuild_plan.py, beside this script.
. "$(dirname "$0")/lib.sh"
compare_py=$here/real_kbuild_plan.py
# The environment kbuild-build.sh clears for a real build is cleared for the plan too.
clean_env=(-u KBUILD_EXTMOD -u KBUILD_OUTPUT -u KBUILD_SRC -u ARCH -u CROSS_COMPILE -u CC -u LD -u LLVM -u MAKEFLAGS
           -u MFLAGS -u GNUMAKEFLAGS -u MAKELEVEL -u M -u O -u V -u W -u C -u KCFLAGS -u KCPPFLAGS -u KERNELRELEASE)

main() {
  need_tools 'not found (needed for the comparison)' python3
  if [ "${1:-}" = --self-test ]; then python3 "$compare_py" self-test; exit $?; fi
  [ $# -eq 3 ] || usage 4,5
  bin=$1 rel=$2 dir=${3%/}
  need_built_binary
  bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
  need_dir
  set_up_kernel
  make_kept_work srcv-plantest 'the build and the plan'

  choose_build_dir   # 1. where the real build will run,
  plan_before_build  #    and the plan of that directory, before building
  build_for_real     # 2. the real build, in the same directory
  find_module_dirs
  compare_and_report # 3. the comparison
  exit $status
}

# set_up_kernel: kdir, the kernel's build directory, and plan_path, the PATH its real build uses (kbuild-build.sh's
# rules): a 7.x Kbuild from Debian 13 needs the gcc-14 wrapper of scripts/kbuild7-on-bookworm.sh, which is set up
# here (idempotently) because the plan runs before the build. A kernel that is not installed fails.
set_up_kernel() {
  kdir=/lib/modules/$rel/build
  plan_path=$PATH
  case "$rel" in
    *+deb13-*)
      local bin
      bin=$("$root/scripts/kbuild7-on-bookworm.sh" --ensure "$rel") ||
        fail "scripts/kbuild7-on-bookworm.sh failed to set up $rel"
      plan_path=$bin:$PATH
      ;;
  esac
  need_kernel "$rel" \
    "is not installed ($kdir/Makefile missing): run scripts/install-deps.sh (6.1/6.12) or scripts/kbuild7-on-bookworm.sh (7.x)"
}

# choose_build_dir: kind (kbuild or dkms), out (what kbuild-build.sh is given) and build, the directory the real
# build will run in (a torture case: the M= directory; a DKMS source: <dkms tree>/<name>/<version>/build, which
# kbuild-build.sh puts at <out>/dkms); and the case's expectations (expect_fail, why, deps_unknown).
choose_build_dir() {
  expect_fail=0 why= deps_unknown=
  if [ -f "$dir/dkms.conf" ]; then
    kind=dkms
    # PACKAGE_NAME and PACKAGE_VERSION as dkms (and kbuild-build.sh) read them.
    read -r name version < <(dkms_conf "$dir" /nonexistent 'echo "$PACKAGE_NAME $PACKAGE_VERSION"')
    [ -n "${name:-}" ] && [ -n "${version:-}" ] || fail "cannot read PACKAGE_NAME and PACKAGE_VERSION from $dir/dkms.conf"
    out=$work/dkms
    build=$out/dkms/$name/$version/build
  else
    kind=kbuild
    [ -f "$dir/Kbuild" ] || [ -f "$dir/Makefile" ] || fail "'$dir' has neither dkms.conf nor a Kbuild/Makefile"
    if [ -f "$dir/case.txt" ]; then
      read_build_fails
      read_deps_unknown
    fi
    if [ -f "$dir/kbuild-make-args" ] &&
       grep -v -E '^[[:space:]]*(#|$)|^CONFIG_MODULE_SRCVERSION_ALL=' "$dir/kbuild-make-args" | grep -q .; then
      echo "real-kbuild-plan: note: $dir/kbuild-make-args gives the real build make arguments that plan is not told" >&2
    fi
    out=$work/build
    build=$out
  fi
}

# read_deps_unknown: deps_unknown, the "<object> <text>" lines of case.txt's "deps-unknown: <object> <text>" and of
# its "deps-unknown-on: <release-glob> <object> <text>" whose glob matches $rel.
read_deps_unknown() {
  local glob object text
  deps_unknown=$(sed -n 's/^deps-unknown:[[:space:]]*//p' "$dir/case.txt")
  while read -r glob object text; do
    # shellcheck disable=SC2053
    if [[ $rel == $glob ]]; then deps_unknown+=$'\n'"$object $text"; fi
  done < <(sed -n 's/^deps-unknown-on:[[:space:]]*//p' "$dir/case.txt")
}

# plan_before_build: <dir> copied to $build, then, before anything is built, plan (prc, plan.json, plan.err), the
# deps subcommand on the same compiles (deps.json) and the prediction (predict.out, predict.err) in $work; status=1
# when they wrote into $build.
plan_before_build() {
  mkdir -p "$(dirname "$build")" || fail "cannot create $(dirname "$build")"
  cp -a "$dir" "$build" || fail "cannot copy $dir to $build"
  local before after
  before=$(snapshot)
  run_plan
  status=0
  # The deps subcommand on the same compiles, as a compilation database (directory, arguments, file): its lists are
  # compared with the real .o.cmd files too.
  if [ $prc -eq 0 ] || [ $prc -eq 3 ]; then
    run_deps
  fi
  run_predict
  after=$(snapshot)
  if [ "$before" != "$after" ]; then
    echo "real-kbuild-plan: DIFF: plan changed the directory it planned ($build):" >&2
    diff <(echo "$before") <(echo "$after") >&2
    status=1
  fi
}

# snapshot: every file of $build with its type, size, time and mode.
snapshot() { (cd "$build" && find . -printf '%p %y %s %T@ %m\n' | LC_ALL=C sort); }

# in_plan_env <command...>: runs the command in $work with the environment of the real build (clean_env, LC_ALL=C,
# plan_path).
in_plan_env() { (cd "$work" && env "${clean_env[@]}" LC_ALL=C PATH="$plan_path" "$@"); }

# run_plan: `plan <build> <rel> --json --deps` into plan.json and plan.err, its status in prc; 0 or 3, else fail.
run_plan() {
  in_plan_env "$bin" plan "$build" "$rel" --json --deps > "$work/plan.json" 2> "$work/plan.err"
  prc=$?
  if [ $prc -ne 0 ] && [ $prc -ne 3 ]; then
    cat "$work/plan.err" >&2
    fail "plan $build $rel exited $prc (stderr above)"
  fi
  if [ $prc -eq 3 ]; then
    echo "real-kbuild-plan: plan $build $rel exited 3:" >&2
    sed 's/^/  /' "$work/plan.err" >&2
  fi
}

# run_deps: the deps subcommand on the plan's compiles (db.json) into deps.json and deps.err; 0 or 3, else fail.
run_deps() {
  python3 "$compare_py" compile-db "$work/plan.json" "$work/db.json"
  in_plan_env "$bin" deps "$work/db.json" "$rel" --json > "$work/deps.json" 2> "$work/deps.err"
  local drc=$?
  if [ $drc -ne 0 ] && [ $drc -ne 3 ]; then
    cat "$work/deps.err" >&2
    fail "deps $work/db.json $rel exited $drc (stderr above)"
  fi
}

# run_predict: the prediction itself into predict.out and predict.err, with -a as the real build runs modpost
# (CONFIG_MODULE_SRCVERSION_ALL=y on make's command line, unless the case's kbuild-make-args switches it off again);
# 0 or 3, else fail.
run_predict() {
  local all_versions=yes pprc
  if [ -f "$dir/kbuild-make-args" ] && grep -q '^CONFIG_MODULE_SRCVERSION_ALL=[[:space:]]*$' "$dir/kbuild-make-args"; then
    all_versions=no
  fi
  in_plan_env "$bin" "$build" "$rel" --all-versions=$all_versions > "$work/predict.out" 2> "$work/predict.err"
  pprc=$?
  if [ $pprc -ne 0 ] && [ $pprc -ne 3 ]; then
    cat "$work/predict.err" >&2
    fail "srcversion-predict $build $rel exited $pprc (stderr above)"
  fi
}

# build_for_real: the real build at $build (kbuild-build.sh removes it and copies <dir> there afresh), held to the
# case's expectation; dkms must build where the plan ran.
build_for_real() {
  if [ $kind = dkms ]; then
    dkms_build_checked "$out"
    [ "$dkms_built" = "$build" ] ||
      fail "dkms built in $dkms_built, not in $build where the plan ran (kbuild-build.sh and this script disagree)"
  else
    kbuild_build_checked "$build"
  fi
}

# find_module_dirs: subs, the M= directories to compare: the build directory itself, or, for a DKMS package whose
# MAKE runs one M= build per subdirectory (no modules.order at the top, e.g. ddcci), each distinct
# BUILT_MODULE_LOCATION[] of its dkms.conf.
find_module_dirs() {
  subs=()
  if [ -f "$build/modules.order" ] || [ $kind = kbuild ]; then
    subs=(.)
  else
    add_dkms_module_locations
    [ ${#subs[@]} -gt 0 ] || fail "the dkms build of $dir for $rel wrote no modules.order ($build)"
  fi
}

# compare_and_report: the plan against the real build (real_kbuild_plan.py), then the verdict: PASS on stdout or
# FAIL on stderr, with the comparison's summary; status=1 on any difference.
compare_and_report() {
  local summary extra
  summary=$(SRCV_DEPS_UNKNOWN=$deps_unknown python3 "$compare_py" "$work/plan.json" "$prc" "$build" "$rel" "$expect_fail" "${subs[@]}") || status=1
  if [ $status != 0 ] && [ -s "$work/plan.err" ] && [ $prc -eq 0 ]; then
    echo "---- plan stderr:" >&2; cat "$work/plan.err" >&2
  fi
  if [ $status = 0 ]; then
    extra=
    [ $expect_fail = 1 ] && extra=", build fails by design"
    [ $prc = 3 ] && extra+=", plan refused (exit 3)"
    echo "real-kbuild-plan: PASS $dir on $rel ($kind build, $summary$extra)"
  else
    echo "real-kbuild-plan: FAIL $dir on $rel ($kind build, $summary)" >&2
  fi
}

main "$@"
