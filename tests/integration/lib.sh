# Shared by the integration scripts (sourced). Needs: kbuild_build, rel, dir, work, expect_fail, why; and fail().

# kbuild_build_checked <out-dir>: the real Kbuild build of $dir for $rel into <out-dir>, held to the case's
# expectation: it must succeed, or fail at make when case.txt says `build-fails:` for this kernel.
kbuild_build_checked() {
  local out=$1 rc
  "$kbuild_build" "$rel" "$dir" "$out" 2>"$work/build.err"
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
