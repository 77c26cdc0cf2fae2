#!/bin/bash
# Configures and builds the project into build/ (the binary: build/srcversion-predict). Warnings are errors.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRCVER_WERROR=ON >/dev/null
cmake --build "$top/build" -j"$(nproc)"
