#!/bin/bash
# The project's own style checks: clang-format on every C++ file, and clang-tidy's naming scheme (.clang-tidy)
# over the compilation database of build/. Exit non-zero on any finding.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run -Werror "${files[@]}"
[ -f build/compile_commands.json ] || { echo "lint: build/compile_commands.json missing: run scripts/build.sh" >&2; exit 1; }
mapfile -t sources < <(git ls-files '*.cpp')
out=$(clang-tidy --quiet -p build --extra-arg=-Wno-unknown-warning-option "${sources[@]}" 2>/dev/null | grep -E 'warning:|error:' || true)
if [ -n "$out" ]; then echo "$out"; exit 1; fi
echo "lint: clean" >&2
