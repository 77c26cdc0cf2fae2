#!/bin/bash
# The real-world regression suite: predictions against real Kbuild on real third-party and in-tree modules.
#
# usage: scripts/regression-suite.sh [ctest-arg...]
#
#   Fetches the pinned inputs (each once, into ${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict):
#     scripts/fetch-corpus.sh         22 Debian 12 *-dkms packages (apt-get download, dpkg -x), and iptables-netflow
#     scripts/fetch-linux-source.sh   12 in-tree directories of linux-source-6.1 6.1.192-2
#     scripts/fetch-linux-image.sh    Debian's linux-image-6.1.0-56-amd64 6.1.192-2, its official in-tree modules
#   then runs the CTest tests that judge them (scripts/test.sh runs these and all the others; CI runs scripts/test.sh):
#     plan.<kernel>.dkms.<pkg>         the plan, every deps list and every prediction, made before a real `dkms build`
#                                      of the package on each kernel where it builds, against what that build wrote
#                                      and modinfo (tests/integration/real-kbuild-plan.sh)
#     integration.<kernel>.dkms.<pkg>  from-build of the same real build against modinfo
#     plan.* / from-build.*.intree.*   the same for the in-tree directories built with M=
#     official.*.intree.*              check --in-tree against Debian's official modules
#     e2e.<kernel>.*                   predict, check and verify end to end
#   Extra arguments go to ctest (e.g. -R 6.1.0-56 for one kernel). Exit status: ctest's.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x build/srcversion-predict ] || scripts/build.sh
scripts/kbuild7-on-bookworm.sh >/dev/null
scripts/fetch-corpus.sh >/dev/null
scripts/fetch-linux-source.sh >/dev/null
scripts/fetch-linux-image.sh >/dev/null
cd build
ctest --output-on-failure -j"${SRCVER_TEST_JOBS:-2}" -L 'dkms|intree|official|e2e' "$@"
