#!/bin/bash
# Fault injection into every on-disk cache (issue 13): a damaged entry is detected, never believed. For each kind of
# entry (predictions/, kernels/, directives/, macros/, fixdep/, kept-defines), many times over: a pristine cache filled
# by predicting a torture module, one of its files damaged at a random position (one bit flipped, a run of bytes
# changed, or the file cut short), then a prediction must
#   - print the srcversion real Kbuild gave (the case's golden, testdata/modules/<case>/expected/<rel>.srcversion),
#     exit 0;
#   - say under -v that it ignored a damaged entry (the store's index and every entry the module reads are checked);
#   - write the entry again: the next run reads it without complaint.
# usage: cache-damage.sh <binary> <kernel-release> [rounds per kind, default 12]
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || usage 10
bin=$1 rel=$2 rounds=${3:-12}
need_binary "$bin"
need_kernel "$rel"
need_tools 'is not installed' python3

case_name=subdir-objects
golden=$root/testdata/modules/$case_name/expected/$rel.srcversion
[ -f "$golden" ] || fail "no golden $golden (scripts/regen-goldens.sh makes it with real Kbuild)"

make_work cache-damage
cp -a "$root/testdata/modules/$case_name" "$work/mod"
sleep 2.1 # inputs younger than 2 s are never cached
pristine=$work/pristine
export XDG_CACHE_HOME=$work/xdg
cache=$XDG_CACHE_HOME/srcversion-predict

predict() { # predict <log> [options...]: output in $work/out
  local log=$1; shift
  "$bin" "$work/mod" "$rel" --all-versions=yes -v "$@" > "$work/out" 2> "$log"
}

# A pristine cache with every kind of entry (the define filter's kept names too), then checked by a clean run.
predict "$work/fill.log" --define-filter || fail "the first prediction failed: $(cat "$work/fill.log")"
cmp -s "$work/out" "$golden" || fail "the first prediction '$(cat "$work/out")' is not the golden '$(cat "$golden")'"
for kind in predictions kernels directives macros fixdep kept-defines; do
  [ -n "$(find "$cache/$kind" -type f 2>/dev/null)" ] || fail "the filled cache has no $kind entry"
done
predict "$work/clean.log" --define-filter || fail "a prediction from the pristine cache failed"
grep -q "damaged" "$work/clean.log" && fail "the pristine cache is reported damaged: $(cat "$work/clean.log")"
grep -q "prediction from the cache" "$work/clean.log" || fail "the pristine cache did not answer"
cp -a "$cache" "$pristine"

# damage <file> <seed>: one bit flipped, 1-20 bytes XORed with non-zero values, or the file cut short.
damage() {
  python3 - "$1" "$2" <<'EOF'
import random, sys
path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
data = bytearray(open(path, 'rb').read())
how = rng.choice(['bit', 'bytes', 'cut'])
if how == 'cut':
    data = data[:rng.randrange(len(data))]
else:
    at = rng.randrange(len(data))
    for i in range(1 if how == 'bit' else rng.randint(1, 20)):
        if at + i < len(data):
            data[at + i] ^= (1 << rng.randrange(8)) if how == 'bit' else rng.randint(1, 255)
open(path, 'wb').write(bytes(data))
print(how, len(data))
EOF
}

runs=0
for kind in predictions kernels directives macros fixdep kept-defines; do
  # Which options make the run read this kind: the prediction cache answers before anything else is read.
  opts=(--no-prediction-cache)
  [ "$kind" = predictions ] && opts=()
  [ "$kind" = kept-defines ] && opts+=(--define-filter)
  for ((round = 1; round <= rounds; round++)); do
    rm -rf "$cache" && cp -a "$pristine" "$cache"
    file=$(find "$cache/$kind" -type f | sort | head -1)
    seed=$((RANDOM * 32768 + RANDOM))
    how=$(damage "$file" "$seed")
    what="$kind round $round (seed $seed, $how: ${file#"$cache"/})"
    predict "$work/damaged.log" "${opts[@]}" || fail "$what: exit $?: $(cat "$work/damaged.log")"
    cmp -s "$work/out" "$golden" || fail "$what: printed '$(cat "$work/out")', real Kbuild gave '$(cat "$golden")'"
    grep -q "damaged cache entry ignored" "$work/damaged.log" ||
      fail "$what: the damage was not reported: $(cat "$work/damaged.log")"
    predict "$work/again.log" "${opts[@]}" || fail "$what: the run after it failed: $(cat "$work/again.log")"
    cmp -s "$work/out" "$golden" || fail "$what: the run after it printed '$(cat "$work/out")'"
    grep -q "damaged" "$work/again.log" && fail "$what: the entry was not written again: $(cat "$work/again.log")"
    runs=$((runs + 2))
  done
done
echo "cache-damage: $rel: 6 kinds x $rounds damaged entries, $runs predictions, every one the real build's srcversion"
