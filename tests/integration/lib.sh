# shellcheck shell=bash
# The preamble and the steps the integration scripts share. Each script sources it first:
#   . "$(dirname "$0")/lib.sh"
# Sourcing sets bash's -u and pipefail (never -e: the scripts look at each status themselves) and
#   here          this directory (absolute)          root   the source tree's top
#   me            the script's name without .sh, which starts each of its messages
#   kbuild_build  scripts/kbuild-build.sh, the real Kbuild build
# A missing prerequisite (the binary, a kernel's headers, a tool) fails the test (exit 1, said on stderr), never passes
# it. The functions below that read or set the scripts' own variables (bin, rel, dir, work, build, subs, expect_fail,
# why) say so.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
me=$(basename "$0" .sh)
kbuild_build=$root/scripts/kbuild-build.sh

# fail <message>: the test fails: "<me>: FAIL: <message>" on stderr, exit 1. (bad-inputs.sh has a fail of its own.)
fail() {
  echo "$me: FAIL: $*" >&2
  exit 1
}

# usage <lines>: lines <lines> of the script's header comment (a sed address: 4, or 4,5), its usage, without their
# "# ", on stderr; exit 1. For a call with the wrong arguments.
usage() {
  sed -n "${1}p" "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
}

# missing <message>: a prerequisite is missing, which is a failure: "<me>: FAIL: <message>" on stderr, exit 1.
# A script that sets missing_plain=1 says "<me>: <message>" instead (its words since before this library).
missing() {
  if [ "${missing_plain:-0}" = 1 ]; then
    echo "$me: $*" >&2
    exit 1
  fi
  fail "$@"
}

# need_binary <path> [<words>]: <path> is executable, else missing "binary '<path>' <words>" (default "missing").
need_binary() {
  [ -x "$1" ] || missing "binary '$1' ${2:-missing}"
}

# need_kernel <release> [<words>]: the kernel's headers are installed (/lib/modules/<release>/build/Makefile), else
# missing "kernel <release> <words>" (default "not installed: run scripts/install-deps.sh").
need_kernel() {
  [ -e "/lib/modules/$1/build/Makefile" ] || missing "kernel $1 ${2:-not installed: run scripts/install-deps.sh}"
}

# need_tools <words> <tool>...: each <tool> is on PATH, else missing "<tool> <words>" for the first one that is not.
need_tools() {
  local words=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || missing "$tool $words"
  done
}

# make_work [<name>]: a scratch directory in $work, removed when the script exits (remove_work, the EXIT trap).
# Named <name>.XXXXXX under ${TMPDIR:-/tmp}, or as `mktemp -d` names it when no <name> is given.
# shellcheck disable=SC2120 # the name is optional
make_work() {
  if [ $# -gt 0 ]; then work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX"); else work=$(mktemp -d); fi
  trap remove_work EXIT
}

# remove_work: removes $work, made writable first (a test may leave read-only files or directories in it). A script
# with more to clean up calls it from its own EXIT trap.
remove_work() {
  chmod -R u+rwX "$work" 2>/dev/null
  rm -rf "$work"
}

# ---- the real-Kbuild comparisons (real-kbuild-from-build.sh, real-kbuild-plan.sh): <binary> <kernel-release> <dir>

# need_built_binary: $bin (looked up on PATH when it has no /) is an executable file, else missing, saying how to
# build it. Sets bin to what was found.
need_built_binary() {
  case "$bin" in */*) ;; *) bin=$(command -v "$bin" || echo "$bin") ;; esac
  [ -f "$bin" ] && [ -x "$bin" ] ||
    missing "binary '$bin' does not exist or is not executable: build srcversion-predict first (cmake -S . -B build && cmake --build build)"
}

# need_dir: $dir is a directory, else fail; sets dir to its physical absolute path.
need_dir() {
  [ -d "$dir" ] || fail "'$dir' is not a directory"
  dir=$(cd "$dir" && pwd -P)
}

# make_kept_work <name> <what>: like make_work (named), $work a physical path; kept when SRCV_KEEP_BUILD=1, saying
# "<me>: keeping <what> in <work>" on stderr.
make_kept_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  work=$(cd "$work" && pwd -P)
  if [ "${SRCV_KEEP_BUILD:-0}" = 1 ]; then
    echo "$me: keeping $2 in $work" >&2
  else
    trap remove_work EXIT
  fi
}

# read_build_fails: for a torture case, expect_fail=1 and why=<why> when $dir/case.txt has a line
# "build-fails: <release-glob> <why>" whose glob matches $rel (the last such line wins); else both are left alone.
read_build_fails() {
  local glob reason
  while read -r glob reason; do
    # shellcheck disable=SC2053
    if [[ $rel == $glob ]]; then expect_fail=1 why=$reason; fi
  done < <(sed -n 's/^build-fails:[[:space:]]*//p' "$dir/case.txt")
}

# kbuild_build_checked <out-dir>: the real Kbuild build of $dir for $rel into <out-dir>, held to the case's
# expectation (expect_fail, why): it must succeed, or fail at make when case.txt says `build-fails:` for this kernel.
kbuild_build_checked() {
  local out=$1 rc make_args=()
  # A torture case's extra make arguments: its kbuild-make-args, one per line (blank and # lines left out).
  [ -f "$dir/kbuild-make-args" ] && mapfile -t make_args < <(grep -v -E '^(#|$)' "$dir/kbuild-make-args")
  "$kbuild_build" "$rel" "$dir" "$out" "${make_args[@]}" 2>"$work/build.err"
  rc=$?
  if [ $rc -ne 0 ] && [ "$expect_fail" = 0 ]; then
    cat "$work/build.err" >&2; fail "the real Kbuild build of $dir for $rel failed (output above)"
  fi
  if [ $rc -eq 0 ] && [ "$expect_fail" = 1 ]; then
    fail "the real build of $dir for $rel succeeded, but case.txt says it fails on this kernel ($why)"
  fi
  if [ $rc -ne 0 ] && ! grep -q '^kbuild-build: make failed' "$work/build.err"; then
    cat "$work/build.err" >&2; fail "kbuild-build.sh could not run the build of $dir for $rel (output above)"
  fi
}

# dkms_build_checked <out-dir>: Debian's real `dkms build` of $dir for $rel (kbuild-build.sh --dkms) into <out-dir>;
# dkms_built is the build directory dkms made. A failed build fails the test, its output shown.
dkms_build_checked() {
  dkms_built=$("$kbuild_build" --dkms "$rel" "$dir" "$1" 2>"$work/build.err") || {
    cat "$work/build.err" >&2; fail "the real dkms build of $dir for $rel failed (output above)"; }
}

# dkms_conf <dir> <dkms-tree> <bash-code>: runs <bash-code> in <dir> after sourcing its dkms.conf (whose own output
# is dropped), with the variables dkms sets for it when building for $rel.
dkms_conf() {
  (cd "$1" && kernelver=$rel kernel_source_dir=/lib/modules/$rel/build arch=$(uname -m) dkms_tree=$2 \
     bash -c ". ./dkms.conf >/dev/null 2>&1; $3")
}

# add_dkms_module_locations: for a DKMS package whose MAKE runs one M= build per subdirectory (no modules.order at
# the top of $build, e.g. ddcci), adds to subs each distinct BUILT_MODULE_LOCATION[] of its dkms.conf (without its
# trailing /; "." for none). Each must hold a modules.order, else fail.
add_dkms_module_locations() {
  local loc
  while IFS= read -r loc; do
    loc=${loc%/}
    [ -n "$loc" ] || loc=.
    case " ${subs[*]} " in *" $loc "*) continue ;; esac
    [ -f "$build/$loc/modules.order" ] || fail "the dkms build of $dir for $rel has no modules.order at the top nor in BUILT_MODULE_LOCATION '$loc' ($build)"
    subs+=("$loc")
  done < <(dkms_conf "$build" "${build%/*/*/build}" \
             'for ((i = 0; i < ${#BUILT_MODULE_NAME[@]}; i++)); do echo "${BUILT_MODULE_LOCATION[$i]:-}"; done')
}

# make_twin <release> <dir> <twin-release>: a twin of kernel <release> in <dir>: its build directory copied (relative
# symlinks made absolute), the release changed where the kernel's build reads it (include/config/kernel.release,
# include/generated/utsrelease.h, Debian's .kernelvariables). Same files otherwise, same Module.symvers
# (../shared/DESIGN.md section 4). Fails the test when it cannot be made.
make_twin() {
  local from to=$2 link
  from=$(readlink -f "/lib/modules/$1/build") || fail "kernel $1 has no build directory"
  cp -a "$from" "$to" || fail "cannot copy $from"
  for link in "$to"/*; do
    [ -L "$link" ] && { ln -sfn "$(readlink -f "$from/${link##*/}")" "$link" || fail "cannot relink $link"; }
  done
  sed -i "s/$1/$3/" "$to/include/config/kernel.release" "$to/include/generated/utsrelease.h" \
    "$to/.kernelvariables" || fail "cannot rename the twin's release"
}
