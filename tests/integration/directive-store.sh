#!/bin/bash
# The directive store (frontend/src/directive_store.cpp) against a real kernel: the directives of the kernel's headers
# kept in <cache>/directives/ between runs, served while each file's stamp is unchanged. A matter of speed only:
#  1. plan --deps of examples/hello and of torture modules (kernel macros deciding includes, include flags, the
#     preprocessor's corners) without a cache, then twice with a new one: the first run stores the kernel's headers,
#     the second serves them (its -v log says how many); the three outputs are identical;
#  2. a damaged store (cut short, garbage): the same lists;
#  3. a header outside the module (an absolute -I), stored, then changed: the lists follow the change, and the
#     changed file is no longer served;
#  4. fs/btrfs of linux-source-6.1 (57 units; scripts/fetch-linux-source.sh), with 6.1: the lists with a store warmed by hello
#     equal those without a cache.
# (The lists themselves are compared with real builds' .o.cmd files by real-kbuild-plan.sh, which runs with the
# user's cache and so with its store.)
# usage: directive-store.sh <binary> <kernel-release>
. "$(dirname "$0")/lib.sh"
bin=$1 rel=$2
need_binary "$bin"
need_kernel "$rel"

make_work
cache=$work/cache

served() { # the "N header(s) from the directive store" of a -v log
  sed -n 's/.* \([0-9]*\) header(s) from the directive store.*/\1/p' "$1" | tail -1
}

modules="$root/examples/hello"
for m in kernel-macro-lookups include-flags preprocessor-corners header-spellings; do
  modules+=" $root/testdata/modules/$m"
done

# 1. without a store, filling one, served from it
for m in $modules; do
  name=$(basename "$m")
  "$bin" plan --deps "$m" "$rel" --no-cache > "$work/$name.none" 2> "$work/$name.none.log" ||
    fail "$name: plan --deps --no-cache failed: $(cat "$work/$name.none.log")"
  for pass in fill served; do
    "$bin" plan --deps "$m" "$rel" --cache-dir "$cache" -v > "$work/$name.$pass" 2> "$work/$name.$pass.log" ||
      fail "$name: plan --deps ($pass) failed: $(cat "$work/$name.$pass.log")"
    cmp -s "$work/$name.none" "$work/$name.$pass" ||
      fail "$name: lists differ with the store ($pass): $(diff "$work/$name.none" "$work/$name.$pass" | head -5)"
  done
  n=$(served "$work/$name.served.log")
  [ -n "$n" ] || fail "$name: no directive store count in the -v log"
  [ "$n" -gt 0 ] || fail "$name: nothing served from the store on the second run"
  echo "directive-store: $name: lists identical without a store, filling it and served from it ($n headers)"
done
ls "$cache"/directives/*.store > /dev/null 2>&1 || fail "no store written under $cache/directives"

# 2. a damaged store
store=$(ls "$cache"/directives/*.store | head -1)
for damage in cut garbage; do
  case $damage in
    cut) truncate -s $(($(stat -c %s "$store") / 2)) "$store" ;;
    garbage) head -c 100000 /dev/urandom > "$store" ;;
  esac
  "$bin" plan --deps "$root/examples/hello" "$rel" --cache-dir "$cache" > "$work/damaged.$damage" ||
    fail "plan --deps with a damaged store ($damage) failed"
  cmp -s "$work/hello.none" "$work/damaged.$damage" || fail "lists differ with a damaged store ($damage)"
done
echo "directive-store: a damaged store (cut, garbage) gives the same lists"

# 3. a header outside the module, changed after it was stored
ext=$work/ext/include
mkdir -p "$ext" "$work/extmod"
printf '#ifndef EXT_H\n#define EXT_H\n#include "ext-a.h"\n#endif\n' > "$ext/ext.h"
printf '#define EXT_A 1\n' > "$ext/ext-a.h"
printf '#define EXT_B 1\n' > "$ext/ext-b.h"
printf '#include <linux/module.h>\n#include <ext.h>\nMODULE_LICENSE("GPL");\n' > "$work/extmod/extmod.c"
printf 'obj-m := extmod.o\nccflags-y := -I%s\n' "$ext" > "$work/extmod/Kbuild"
sleep 2.1 # younger files are not stored
"$bin" plan --deps "$work/extmod" "$rel" --cache-dir "$cache" > /dev/null || fail "plan --deps of extmod failed"
"$bin" plan --deps "$work/extmod" "$rel" --cache-dir "$cache" -v > "$work/ext1" 2> "$work/ext1.log" ||
  fail "plan --deps of extmod (served) failed"
grep -q "$ext/ext-a.h" "$work/ext1" || fail "ext-a.h is not in extmod's list"
printf '#ifndef EXT_H\n#define EXT_H\n#include "ext-b.h"\n#endif\n' > "$ext/ext.h.new"
mv "$ext/ext.h.new" "$ext/ext.h"
"$bin" plan --deps "$work/extmod" "$rel" --cache-dir "$cache" -v > "$work/ext2" 2> "$work/ext2.log" ||
  fail "plan --deps of extmod (after the change) failed"
grep -q "$ext/ext-b.h" "$work/ext2" || fail "the changed header's new include is not in the list (a stale store entry?)"
grep -q "$ext/ext-a.h" "$work/ext2" && fail "the changed header's old include is still in the list (a stale store entry)"
[ "$(served "$work/ext2.log")" -lt "$(served "$work/ext1.log")" ] ||
  fail "the changed header was still served ($(served "$work/ext1.log") then $(served "$work/ext2.log") served)"
echo "directive-store: a stored header outside the module, changed: read again, the lists follow"

# 4. fs/btrfs
if [ "$rel" = 6.1.0-56-amd64 ]; then
  btrfs=$("$root/scripts/fetch-linux-source.sh" fs/btrfs) || fail "fs/btrfs of linux-source-6.1 could not be fetched"
  "$bin" plan --deps "$btrfs" "$rel" --no-cache > "$work/b-none.txt" || fail "plan --deps of fs/btrfs failed"
  "$bin" plan --deps "$btrfs" "$rel" --cache-dir "$cache" -v > "$work/b-store.txt" 2> "$work/b.log" ||
    fail "plan --deps of fs/btrfs with the store failed"
  cmp -s "$work/b-none.txt" "$work/b-store.txt" || fail "fs/btrfs: lists differ with the store"
  echo "directive-store: fs/btrfs: lists identical with a store warmed by hello ($(served "$work/b.log") headers served)"
fi
echo "directive-store: PASS ($rel)"
