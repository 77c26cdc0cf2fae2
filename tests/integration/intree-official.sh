#!/bin/bash
# Integration test: `srcversion-predict check --in-tree` against Debian's own in-tree build.
#
# usage: intree-official.sh <binary> <dir>
#
#   <dir> is a directory of testdata/intree.txt (e.g. net/bluetooth). Its sources come from the pinned linux-source-6.1
#   6.1.192-2 (scripts/fetch-linux-source.sh), the modules Debian built from them in-tree from the pinned
#   linux-image-6.1.0-56-amd64 6.1.192-2 (scripts/fetch-linux-image.sh), never from this tool. Runs
#     <binary> check --in-tree=<dir> <sources> 6.1.0-56-amd64 <image>/kernel/<dir>
#   (the kernel's own setting: Debian's modpost runs without -a, so only modules with MODULE_VERSION carry a
#   srcversion, and the others must be predicted to carry none) and requires exit 0 with every module of the
#   directory compared and "equal". Prints a summary line: modules, how many carry a srcversion.
#   Exit 1 on any difference or when a prerequisite is missing (a missing prerequisite is a failure, never a pass).
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || usage 4
binary=$1 dir=$2
need_binary "$binary" 'not found'
src=$("$root/scripts/fetch-linux-source.sh" "$dir") || fail "scripts/fetch-linux-source.sh $dir failed"
image=$("$root/scripts/fetch-linux-image.sh") || fail "scripts/fetch-linux-image.sh failed"
[ -d "$image/kernel/$dir" ] || fail "Debian's image has no kernel/$dir"

out=$("$binary" check --in-tree="$dir" "$src" 6.1.0-56-amd64 "$image/kernel/$dir")
rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "check --in-tree=$dir exited $rc (expected 0: every module equal to Debian's)"
modules=$("$binary" plan "$src" 6.1.0-56-amd64 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["modules"]))') ||
  fail "plan of $src failed"
compared=$(echo "$out" | grep -c ' equal ')
[ "$compared" -eq "$modules" ] || fail "$modules modules planned, $compared compared equal"
with=$(echo "$out" | awk '$2 == "equal" && $4 != "-"' | wc -l)
echo "intree-official: $dir: $modules modules equal to Debian's official build ($with with a srcversion)"
