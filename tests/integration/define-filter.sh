#!/bin/bash
# The front end's define filter (--define-filter; frontend/src/scanner.cpp) against a real kernel: it leaves out the #defines of the
# kernel's headers whose names no earlier unit looked up, then checks each unit's identifier table and runs the unit
# again when a name it left out was looked up after all. Its set of kept names is a matter of speed, never of answers:
#  1. with an empty set (a new cache), the check fires (more preprocessor runs than units) and the dependency lists
#     and srcversions equal those of, on testdata/modules/kernel-macro-lookups (kernel macros
#     decide its includes in every way: #if, IS_ENABLED's pasting, #ifdef, a stringified #include operand...);
#  2. with the set it learns, the same lists, and after a few runs one run per unit;
#  3. with a damaged set (garbage, empty lines, every name of the kernel's headers kept), the same lists;
#  4. fs/btrfs of linux-source-6.1 (57 units) when it is fetched: the same lists with and without the filter.
# (The lists themselves are compared with the real build's .o.cmd files by real-kbuild-plan.sh for the same module.)
# usage: define-filter.sh <binary> <kernel-release>
. "$(dirname "$0")/lib.sh"
bin=$1 rel=$2
need_binary "$bin"
need_kernel "$rel"

make_work
module=$root/testdata/modules/kernel-macro-lookups
cache=$work/cache

runs() { # the "N units, M preprocessor runs" of a -v log
  sed -n 's/.* \([0-9]*\) units, \([0-9]*\) preprocessor runs.*/\1 \2/p' "$1" | tail -1
}

"$bin" plan --deps "$module" "$rel" --cache-dir "$work/exact-cache" > "$work/exact.txt" ||
  fail "plan --deps failed"
grep -q '0x00001000.h' "$work/exact.txt" || fail "the stringified include is not in the exact lists"

# 1. an empty set of kept names
"$bin" plan --deps "$module" "$rel" --define-filter --cache-dir "$cache" -v > "$work/empty.txt" 2> "$work/empty.log" ||
  fail "plan --deps with an empty kept set failed: $(cat "$work/empty.log")"
cmp -s "$work/exact.txt" "$work/empty.txt" || fail "lists with an empty kept set differ: $(diff "$work/exact.txt" "$work/empty.txt" | head -5)"
read -r units unit_runs <<< "$(runs "$work/empty.log")"
[ -n "${units:-}" ] || fail "no unit count in the -v log"
[ "$unit_runs" -gt "$units" ] || fail "the check never fired with an empty kept set ($units units, $unit_runs runs)"
[ -s "$cache/kept-defines" ] || fail "no kept names written to the cache"
"$bin" "$module" "$rel" --all-versions=yes --define-filter --cache-dir "$work/c1" > "$work/p-filter.txt" || fail "predict failed"
"$bin" "$module" "$rel" --all-versions=yes --cache-dir "$work/c2" > "$work/p-exact.txt" ||
  fail "predict failed"
cmp -s "$work/p-filter.txt" "$work/p-exact.txt" || fail "srcversions differ: $(cat "$work/p-filter.txt" "$work/p-exact.txt")"

# 2. the learnt set: each run keeps the names its units looked up; a unit whose filtered run took another branch may
#    find more the next time, so a few runs may be needed, then one run per unit
converged=
for pass in 1 2 3 4 5; do
  "$bin" plan --deps "$module" "$rel" --define-filter --cache-dir "$cache" -v > "$work/warm.txt" 2> "$work/warm.log" ||
    fail "plan --deps with the learnt set failed (pass $pass)"
  cmp -s "$work/exact.txt" "$work/warm.txt" || fail "lists with the learnt set differ (pass $pass)"
  read -r units unit_runs <<< "$(runs "$work/warm.log")"
  if [ "$unit_runs" = "$units" ]; then converged=$pass; break; fi
done
[ -n "$converged" ] || fail "units still run again after 5 passes with the learnt set ($units units, $unit_runs runs)"

# 3. damaged sets
printf '\n\n\x01garbage\n%s\n' "$(head -c 3000 /dev/urandom | tr -dc 'A-Za-z_\n')" > "$cache/kept-defines"
"$bin" plan --deps "$module" "$rel" --define-filter --cache-dir "$cache" -v > "$work/damaged.txt" 2> "$work/damaged.log" ||
  fail "plan --deps with a damaged set failed"
grep -q "damaged cache entry ignored.*kept-defines" "$work/damaged.log" || fail "the damaged kept set was not reported"
cmp -s "$work/exact.txt" "$work/damaged.txt" || fail "lists with a damaged kept set differ"
grep -rhoE '^[[:space:]]*#[[:space:]]*define[[:space:]]+[A-Za-z_][A-Za-z0-9_]*' "/lib/modules/$rel/build/include" \
  "$(readlink -f "/lib/modules/$rel/build")/include" 2>/dev/null | awk '{print $NF}' | sed 's/.*define//' |
  sort -u > "$work/all-names"
[ -s "$work/all-names" ] || fail "no names read from the kernel's headers"
# As a checked cache entry (kbuild-shim/cache_file.hpp): the names, a newline, the checksum trailer.
{ cat "$work/all-names"; echo; echo "srcversion-predict checksum sha256=$(sha256sum < "$work/all-names" | cut -d' ' -f1)" \
  "size=$(stat -c %s "$work/all-names")" | tr -s ' ' ' '; } > "$cache/kept-defines"
"$bin" plan --deps "$module" "$rel" --define-filter --cache-dir "$cache" -v > "$work/all.txt" 2> "$work/all.log" ||
  fail "plan --deps with every name kept failed"
grep -q "damaged" "$work/all.log" && fail "the kept set written as a checked entry was read as damaged"
cmp -s "$work/exact.txt" "$work/all.txt" || fail "lists with every name kept differ"

# 4. a large module, when its source is fetched (scripts/fetch-linux-source.sh; the 6.1 kernel only)
case "$rel" in
  6.1.*)
    btrfs=$("$root/scripts/fetch-linux-source.sh" fs/btrfs) || fail "fs/btrfs of linux-source-6.1 could not be fetched"
    "$bin" plan --deps "$btrfs" "$rel" --cache-dir "$work/b-exact" > "$work/b-exact.txt" ||
      fail "btrfs without the filter failed"
    "$bin" plan --deps "$btrfs" "$rel" --define-filter --cache-dir "$work/b-filter" -v > "$work/b-filter.txt" 2> "$work/b.log" ||
      fail "btrfs with the filter failed"
    cmp -s "$work/b-exact.txt" "$work/b-filter.txt" || fail "btrfs lists differ with the filter"
    echo "define-filter: btrfs: $(runs "$work/b.log") (units, runs) with an empty kept set: lists equal"
    ;;
esac
echo "define-filter: $rel: ok (one run per unit from pass $converged)"
