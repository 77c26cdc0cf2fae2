#!/bin/bash
# The README's first command: installs every dependency (Debian 12), builds srcversion-predict into build/, then
# runs the main job on the bundled example: builds examples/hello for real with Kbuild and prints, side by side,
# what `srcversion-predict from-build` computes and what `modinfo -F srcversion` reads from the built module.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${SRCVER_EXAMPLE_KERNEL:-6.1.0-56-amd64}

scripts/install-deps.sh
scripts/build.sh

out=$(mktemp -d "${TMPDIR:-/tmp}/srcver-example.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "== building examples/hello with real Kbuild ($kernel)" >&2
scripts/kbuild-build.sh "$kernel" examples/hello "$out/hello"
echo "== build/srcversion-predict from-build $out/hello" >&2
build/srcversion-predict from-build "$out/hello"
echo "== modinfo -F srcversion (real modpost)" >&2
echo "hello $(modinfo -F srcversion "$out/hello/hello.ko")"
