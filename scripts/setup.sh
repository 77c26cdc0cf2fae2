#!/bin/bash
# The README's first command: installs every dependency (Debian 12), builds srcversion-predict into build/, then
# runs the main job on the bundled example: predicts the srcversion of examples/hello without building it, then
# `verify` builds a copy with real Kbuild and prints the prediction next to what the built module carries.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${SRCVER_EXAMPLE_KERNEL:-6.1.0-56-amd64}

scripts/install-deps.sh
scripts/build.sh

echo "== build/srcversion-predict examples/hello $kernel --all-versions=yes   (predicted, nothing built)" >&2
build/srcversion-predict examples/hello "$kernel" --all-versions=yes
echo "== build/srcversion-predict verify examples/hello $kernel   (a copy built by real Kbuild, modinfo compared)" >&2
build/srcversion-predict verify examples/hello "$kernel"
