#!/bin/bash
# The per-kernel cache of `plan`, against a real kernel build directory:
#  1. a cold run captures the kernel's profile into the cache; a warm run gives the same plan;
#  2. a damaged cache entry is rebuilt, not trusted;
#  3. several runs sharing one empty cache at once all succeed with the same plan;
#  4. changing the kernel build directory (a copy of it, then a file in it touched) makes a new entry;
#  5. the module directory is never written to.
# usage: plan-cache.sh <binary> <kernel-release>
. "$(dirname "$0")/lib.sh"
bin=$1 rel=$2
need_binary "$bin"
kdir=$(readlink -f "/lib/modules/$rel/build") || fail "kernel $rel not installed"
need_kernel "$rel"

make_work
cp -a "$here/../../examples/hello" "$work/hello"
snapshot() { (cd "$work/hello" && find . -printf '%p %s %T@ %m\n' | sort); }
before=$(snapshot)
chmod -R a-w "$work/hello"   # any write attempt into the module directory fails the plan

cache=$work/cache
"$bin" plan "$work/hello" "$rel" --json --cache-dir "$cache" > "$work/cold.json" || fail "cold plan failed"
entries=("$cache"/kernels/*.json)
[ ${#entries[@]} = 1 ] && [ -s "${entries[0]}" ] || fail "cold plan did not write one cache entry"
"$bin" plan "$work/hello" "$rel" --json --cache-dir "$cache" > "$work/warm.json" || fail "warm plan failed"
cmp -s "$work/cold.json" "$work/warm.json" || fail "warm plan differs from cold plan"
grep -q '"command"' "$work/warm.json" || fail "plan has no command"

# 2. damaged entry
head -c 100 "${entries[0]}" > "$work/half" && cp "$work/half" "${entries[0]}"
"$bin" plan "$work/hello" "$rel" --json --cache-dir "$cache" > "$work/repaired.json" || fail "plan with a damaged cache entry failed"
cmp -s "$work/cold.json" "$work/repaired.json" || fail "plan with a damaged cache entry differs"
# Rebuilt: a checked entry again (kbuild-shim/cache_file.hpp: the JSON, a newline, the checksum trailer).
python3 -c '
import hashlib, json, sys
data = open(sys.argv[1], "rb").read()
content, trailer = data[:-1].rsplit(b"\n", 1)
assert trailer == b"srcversion-predict checksum sha256=%s size=%d" % (
    hashlib.sha256(content).hexdigest().encode(), len(content)), trailer
json.loads(content)' "${entries[0]}" || fail "damaged cache entry was not rebuilt"

# 3. concurrent runs on an empty cache
pids=()
for i in 1 2 3 4; do
  "$bin" plan "$work/hello" "$rel" --json --cache-dir "$work/shared" > "$work/c$i.json" 2> "$work/c$i.err" & pids+=($!)
done
for i in 1 2 3 4; do wait "${pids[$((i-1))]}" || fail "concurrent plan $i failed: $(cat "$work/c$i.err")"; done
for i in 1 2 3 4; do cmp -s "$work/cold.json" "$work/c$i.json" || fail "concurrent plan $i differs"; done
[ "$(ls "$work/shared/kernels" | grep -c '\.json$')" = 1 ] || fail "concurrent plans left other than one entry"
ls "$work/shared/kernels" | grep -q tmp && fail "concurrent plans left temporary files"

# 4. a changed kernel build directory gets its own entry
cp -a "$kdir" "$work/kbuild"
# Debian's 7.x flavour Makefile pins KBUILD_OUTPUT to its own path: a relocated copy points it at itself.
sed -i "s|^KBUILD_OUTPUT=.*|KBUILD_OUTPUT=$work/kbuild|" "$work/kbuild/Makefile"
"$bin" plan "$work/hello" "$work/kbuild" --json --cache-dir "$work/inval" > /dev/null || fail "plan against a copied kernel failed"
touch "$work/kbuild/Module.symvers"
"$bin" plan "$work/hello" "$work/kbuild" --json --cache-dir "$work/inval" > /dev/null || fail "plan after touching the kernel failed"
[ "$(ls "$work/inval/kernels" | grep -c '\.json$')" = 2 ] || fail "touching Module.symvers did not invalidate the cached profile"

# 5. the module directory is unchanged
chmod -R u+w "$work/hello"
after=$(snapshot)
[ "$(echo "$before" | cut -d' ' -f1-3)" = "$(echo "$after" | cut -d' ' -f1-3)" ] || fail "the module directory changed"
echo "plan-cache: ok ($rel)"
