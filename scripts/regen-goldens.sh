#!/bin/bash
# Regenerates the goldens of the torture modules from real Kbuild builds.
#
# usage: regen-goldens.sh [--keep] [--kernel <release>]... [case...]
#
#   For every case (default: every directory of testdata/modules with a case.txt) and every kernel (default: the three
#   ground-truth kernels below), builds the case with scripts/kbuild-build.sh in a scratch directory and writes
#     testdata/modules/<case>/expected/<release>.srcversion  one line per module, in modules.order order:
#                                                           "<module> <srcversion>", or "<module> -" when modinfo shows
#                                                           none (<module> = the .ko's path relative to the module
#                                                           directory, without .ko: hello, sub/foo)
#     testdata/modules/<case>/expected/<release>.mod        per module in the same order: "== <module>", then the lines
#                                                           of the real .mod file, the absolute build dir written @M@
#     testdata/modules/<case>/expected/<release>.fails      only for a kernel on which case.txt says the build fails
#                                                           ("build-fails: <release-glob> <why>"): the error lines of
#                                                           make's output. Then no .ko exists and every module is "-".
#   A build that fails unexpectedly, or succeeds although case.txt says it fails, is an error: the other builds go on,
#   the goldens of that case and kernel are left as they were, and the script exits 1.
#   --keep leaves the scratch builds in place (their path is printed).
#
# Environment: SRCV_GOLDEN_KERNELS (space-separated releases) replaces the default kernel list.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cases_dir=$root/testdata/modules
build=$root/scripts/kbuild-build.sh
default_kernels=${SRCV_GOLDEN_KERNELS:-"6.1.0-56-amd64 6.12.111+deb12-amd64 7.2.12+deb13-amd64"}

kernels=() cases=() keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) [ $# -ge 2 ] || { echo "regen-goldens: --kernel needs a release" >&2; exit 1; }; kernels+=("$2"); shift 2 ;;
    --kernel=*) kernels+=("${1#--kernel=}"); shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '4,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "regen-goldens: unknown option $1" >&2; exit 1 ;;
    *) cases+=("${1%/}"); shift ;;
  esac
done
[ ${#kernels[@]} -gt 0 ] || read -r -a kernels <<< "$default_kernels"
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$cases_dir"/*/; do [ -f "$d/case.txt" ] && cases+=("$(basename "$d")"); done
fi
modinfo=$(command -v modinfo || echo /sbin/modinfo)
[ -x "$modinfo" ] || { echo "regen-goldens: modinfo not found: install kmod" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/srcv-goldens.XXXXXX")
scratch=$(cd "$scratch" && pwd -P)
if [ $keep = 0 ]; then trap 'rm -rf "$scratch"' EXIT; fi

# "build-fails: <glob> <why>" lines of case.txt: does the build of case $1 on kernel $2 fail by design?
expected_to_fail() {
  local glob why
  while read -r glob _; do
    # shellcheck disable=SC2053
    [[ $2 == $glob ]] && return 0
  done < <(sed -n 's/^build-fails:[[:space:]]*//p' "$cases_dir/$1/case.txt")
  return 1
}

# modules.order lines -> module names relative to the build dir, without .ko/.o
# (6.1: /abs/M/x.ko; 6.12: /abs/M/x.o; 7.x: x.o relative to M)
module_names() {
  local out=$1 line
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    line=${line#"$out"/}
    line=${line%.ko}
    line=${line%.o}
    printf '%s\n' "$line"
  done < "$out/modules.order"
}

status=0
t0=$(date +%s.%N)
for c in "${cases[@]}"; do
  [ -f "$cases_dir/$c/case.txt" ] || { echo "regen-goldens: $c: no such case ($cases_dir/$c/case.txt)" >&2; status=1; continue; }
  for k in "${kernels[@]}"; do
    out=$scratch/$k/$c
    log=$scratch/$k/$c.log
    mkdir -p "$scratch/$k"
    t1=$(date +%s.%N)
    # The case's extra make arguments: its kbuild-make-args, one per line (blank and # lines left out).
    make_args=()
    [ -f "$cases_dir/$c/kbuild-make-args" ] && mapfile -t make_args < <(grep -v -E '^(#|$)' "$cases_dir/$c/kbuild-make-args")
    KBUILD_BUILD_LOG=$log "$build" "$k" "$cases_dir/$c" "$out" "${make_args[@]}" 2>/dev/null
    rc=$?
    secs=$(echo "$(date +%s.%N) - $t1" | bc)
    fails=0
    if expected_to_fail "$c" "$k"; then fails=1; fi
    if [ $rc -ne 0 ] && [ ! -e "$log" ]; then
      echo "regen-goldens: $c on $k: kbuild-build.sh could not run:" >&2
      "$build" "$k" "$cases_dir/$c" "$out" "${make_args[@]}" >&2
      status=1; continue
    fi
    if [ $rc -ne 0 ] && [ $fails = 0 ]; then
      echo "regen-goldens: $c on $k: build FAILED (exit $rc); make output:" >&2
      cat "$log" >&2
      status=1; continue
    fi
    if [ $rc -eq 0 ] && [ $fails = 1 ]; then
      echo "regen-goldens: $c on $k: build succeeded although case.txt says build-fails; fix case.txt" >&2
      status=1; continue
    fi
    if [ ! -f "$out/modules.order" ]; then
      echo "regen-goldens: $c on $k: no modules.order in the build" >&2
      cat "$log" >&2
      status=1; continue
    fi
    exp=$cases_dir/$c/expected
    mkdir -p "$exp"
    : > "$exp/$k.srcversion.new"
    : > "$exp/$k.mod.new"
    while IFS= read -r m; do
      sv=-
      if [ -f "$out/$m.ko" ]; then
        sv=$("$modinfo" -F srcversion "$out/$m.ko") || { echo "regen-goldens: modinfo failed on $out/$m.ko" >&2; status=1; }
        [ -n "$sv" ] || sv=-
      fi
      printf '%s %s\n' "$m" "$sv" >> "$exp/$k.srcversion.new"
      printf '== %s\n' "$m" >> "$exp/$k.mod.new"
      if [ -f "$out/$m.mod" ]; then
        sed "s|$out|@M@|g" "$out/$m.mod" >> "$exp/$k.mod.new"
      fi
    done < <(module_names "$out")
    mv "$exp/$k.srcversion.new" "$exp/$k.srcversion"
    mv "$exp/$k.mod.new" "$exp/$k.mod"
    if [ $fails = 1 ]; then
      grep -E 'ERROR|[Ee]rror:|No such file' "$log" | grep -v '^make\(\[[0-9]*\]\)\?: \*\*\*' | sed "s|$out|@M@|g" > "$exp/$k.fails"
    else
      rm -f "$exp/$k.fails"
    fi
    printf 'regen-goldens: %-20s %-22s %5.1fs %s\n' "$c" "$k" "$secs" "$([ $fails = 1 ] && echo '(fails as expected)' || tr '\n' ' ' < "$exp/$k.srcversion")" >&2
  done
done
printf 'regen-goldens: %d case(s) x %d kernel(s) in %.0fs\n' "${#cases[@]}" "${#kernels[@]}" "$(echo "$(date +%s.%N) - $t0" | bc)" >&2
if [ $keep = 1 ]; then echo "regen-goldens: builds kept in $scratch" >&2; fi
exit $status
