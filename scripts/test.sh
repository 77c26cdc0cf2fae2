#!/bin/bash
# The README's second command: the whole test suite. Makes sure every prerequisite exists first (dependencies,
# the build, Debian's Kbuild 7.2 for the E7 tests, the pinned *-dkms packages, upstream DKMS 3.2.2 unpacked
# privately), then runs CTest: unit tests,
# real-modpost fixture goldens, and the integration tests that build real modules with real Kbuild on
# 6.1.0-56, 6.12.111 and 7.2.12 and compare from-build with modinfo.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/install-deps.sh
scripts/build.sh
scripts/kbuild7-on-bookworm.sh >/dev/null
scripts/fetch-corpus.sh >/dev/null
scripts/fetch-linux-source.sh >/dev/null
scripts/fetch-linux-image.sh >/dev/null
scripts/fetch-dkms-upstream.sh >/dev/null

cd build
ctest --output-on-failure -j"${SRCVER_TEST_JOBS:-2}" "$@"
