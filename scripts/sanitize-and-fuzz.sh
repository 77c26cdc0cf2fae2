#!/bin/bash
# The sanitizer and fuzzing job (CTest's `sanitize` test, run by scripts/test.sh):
#   1. configures and builds build-san/ (reused when present): clang 19, AddressSanitizer and
#      UndefinedBehaviorSanitizer on the project's own code, the libFuzzer targets of tests/fuzz/;
#   2. runs the unit tests (CTest's unit.*: GoogleTest and the real-modpost goldens) under the sanitizers;
#   3. predicts examples/hello twice with an empty cache directory (the cold path: the kernel profile captured, gcc's
#      macros and fixdep's rules probed, the directive store filled; then everything served from the caches);
#   4. runs the end-to-end test tests/integration/predict-check-verify.sh with the build-san binary on one kernel;
#   5. replays every input of tests/fuzz/regressions/<target>/, then runs each fuzz target for a bounded time over its
#      seed corpus (tests/fuzz/corpus/<target>/) and the regression inputs, as many targets at a time as build jobs.
# Any sanitizer report fails the job, also from a command whose exit status a test does not look at: reports of
# steps 2-4 go to log files (ASAN_OPTIONS/UBSAN_OPTIONS log_path) that must stay empty, with an exit code (86) that
# no command of the product uses. Leak detection is on, with no suppression (none is needed). The options every
# build-san binary needs whoever runs it are built in (cmake/sanitizer_defaults.cpp).
# A fuzzer's crash input is kept in build-san/fuzz-findings/<target>/; once the bug is fixed, it goes to
# tests/fuzz/regressions/<target>/ with the fix.
#
# usage: scripts/sanitize-and-fuzz.sh [--fuzz-seconds N] [--kernel RELEASE] [--skip-e2e]
#   --fuzz-seconds N   seconds per fuzz target (default: $SRCVER_FUZZ_SECONDS, else 30)
#   --kernel RELEASE   kernel of steps 3-4 (default 6.1.0-56-amd64)
#   --skip-e2e         leave out steps 3-4 (they need the kernel's headers, dkms and the acpi-call-dkms corpus)
# Environment: SRCVER_SAN_JOBS (build jobs, default nproc), TMPDIR. Exit 0 when everything is clean; 1 on a test
# failure, a sanitizer report or a fuzzer crash; 2 when a prerequisite is missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-san
fuzz_seconds=${SRCVER_FUZZ_SECONDS:-30}
kernel=6.1.0-56-amd64
e2e=1
while [ $# -gt 0 ]; do
  case "$1" in
    --fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --skip-e2e) e2e=0; shift ;;
    *) sed -n '/^# usage:/,/^# Environment/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
[[ "$fuzz_seconds" =~ ^[0-9]+$ ]] || { echo "sanitize-and-fuzz: --fuzz-seconds wants a number" >&2; exit 2; }

say() { echo "sanitize-and-fuzz: $*" >&2; }
missing() { say "MISSING PREREQUISITE: $* (scripts/install-deps.sh installs it)"; exit 2; }
failed() { say "FAILED: $*"; exit 1; }

# ---- prerequisites
for tool in cmake clang-19 clang++-19; do command -v $tool >/dev/null || missing "$tool"; done
runtime=$(clang++-19 -print-resource-dir)/lib/linux
for lib in libclang_rt.asan-x86_64.a libclang_rt.ubsan_standalone-x86_64.a libclang_rt.fuzzer-x86_64.a; do
  [ -f "$runtime/$lib" ] || missing "$runtime/$lib (libclang-rt-19-dev)"
done
if [ $e2e = 1 ]; then
  [ -e "/lib/modules/$kernel/build/Makefile" ] || missing "kernel headers of $kernel"
  command -v dkms >/dev/null || missing "dkms"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sanitize-and-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/logs"
export TMPDIR=$work/tmp
start=$SECONDS
phase_start=$SECONDS
times=()
phase_done() { times+=("$1 $((SECONDS - phase_start)) s"); phase_start=$SECONDS; }

# ---- 1. build
cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRCVER_SANITIZE=ON -DSRCVER_FUZZ=ON -DSRCVER_WERROR=ON >/dev/null ||
  failed "cmake could not configure $build"
cmake --build "$build" -j"${SRCVER_SAN_JOBS:-$(nproc)}" >"$work/build.log" 2>&1 ||
  { tail -50 "$work/build.log" >&2; failed "the build of $build failed (last lines above)"; }
phase_done build

# Reports of steps 2-4 go to files (checked after each step) and end the process with exit status 86.
san_common="exitcode=86:log_path=$work/logs/report:print_summary=1"
export ASAN_OPTIONS="$san_common:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="$san_common:halt_on_error=1"
check_reports() {
  if compgen -G "$work/logs/report*" >/dev/null; then
    cat "$work"/logs/report* >&2
    failed "sanitizer report(s) during $1 (above)"
  fi
}

# ---- 2. unit tests
(cd "$build" && ctest -R '^unit\.' -j"${SRCVER_SAN_JOBS:-$(nproc)}" --output-on-failure >"$work/unit.log" 2>&1) ||
  { grep -v '^ *[0-9]*/[0-9]* Test .*Passed' "$work/unit.log" | tail -60 >&2; check_reports "the unit tests"
    failed "unit tests under the sanitizers (above)"; }
check_reports "the unit tests"
say "$(grep -E 'tests passed|tests failed' "$work/unit.log")"
phase_done "unit tests"

# ---- 3. and 4. the product end to end
if [ $e2e = 1 ]; then
  bin=$build/srcversion-predict
  cold=$work/cold-cache
  for run in cold warm; do
    "$bin" --cache-dir "$cold" "$top/examples/hello" "$kernel" --all-versions=yes >"$work/hello.$run" 2>"$work/err" ||
      { cat "$work/err" >&2; check_reports "predict ($run cache)"; failed "predict examples/hello, $run cache"; }
  done
  check_reports "predict with a cold and a warm cache"
  cmp -s "$work/hello.cold" "$work/hello.warm" || failed "cold and warm predictions differ"
  "$top/tests/integration/predict-check-verify.sh" "$bin" "$kernel" >"$work/e2e.log" 2>&1 ||
    { tail -40 "$work/e2e.log" >&2; check_reports "the end-to-end test"; failed "the end-to-end test (above)"; }
  check_reports "the end-to-end test"
  say "$(tail -1 "$work/e2e.log")"
  phase_done "end to end"
fi

# ---- 5. fuzzing: reports on stderr, where libFuzzer reads them; libFuzzer's exit status tells a crash. The targets
# run $jobs at a time (the machine is this job's alone: CTest runs it RUN_SERIAL).
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1"
mapfile -t targets < <(cd "$build/fuzz" && ls fuzz_* | sed 's/^fuzz_//')
[ ${#targets[@]} -ge 6 ] || failed "fuzz targets missing from $build/fuzz: ${targets[*]}"
# fuzz_one <target>: its regression inputs once each, then fuzzing; the log in $work/<target>.log.
fuzz_one() {
  local t=$1 seeds=$top/tests/fuzz/corpus/$1 regressions=$top/tests/fuzz/regressions/$1
  local dirs=("$work/corpus/$t" "$seeds") inputs=()
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  [ -d "$seeds" ] || { echo "no seed corpus $seeds" >"$work/$t.log"; return 1; }
  if [ -d "$regressions" ]; then
    dirs+=("$regressions")
    mapfile -t inputs < <(find "$regressions" -type f | sort)
  fi
  if [ ${#inputs[@]} -gt 0 ]; then
    "$build/fuzz/fuzz_$t" -artifact_prefix="$work/artifacts/$t/" "${inputs[@]}" >"$work/$t.log" 2>&1 ||
      { echo "a regression input fails again" >>"$work/$t.log"; return 1; }
  fi
  # -timeout: one input taking over 10 s is a finding; -rss_limit_mb: libFuzzer's default, stated.
  "$build/fuzz/fuzz_$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$t/" "${dirs[@]}" >>"$work/$t.log" 2>&1
}
jobs=${SRCVER_SAN_JOBS:-$(nproc)}
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  { if fuzz_one "$t"; then echo 0; else echo 1; fi >"$work/$t.rc"; } &
done
wait
bad=()
for t in "${targets[@]}"; do
  if [ "$(cat "$work/$t.rc" 2>/dev/null)" = 0 ]; then
    say "fuzz_$t: $(grep -E '^stat::number_of_executed_units' "$work/$t.log" | awk '{print $2}') runs in" \
      "$fuzz_seconds s, $(grep -E '^#[0-9]+.*DONE' "$work/$t.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')"
  else
    tail -80 "$work/$t.log" >&2
    if compgen -G "$work/artifacts/$t/*" >/dev/null; then
      kept=$build/fuzz-findings/$t
      mkdir -p "$kept" && cp "$work/artifacts/$t"/* "$kept/"
      say "fuzz_$t FAILED (above); the input is kept in $kept/: fix the bug, then move the input to" \
        "tests/fuzz/regressions/$t/"
    else
      say "fuzz_$t FAILED (above)"
    fi
    bad+=("$t")
  fi
done
[ ${#bad[@]} -eq 0 ] || failed "fuzz targets with findings: ${bad[*]}"
phase_done "fuzzing"

say "clean: ${times[*]}; total $((SECONDS - start)) s"
