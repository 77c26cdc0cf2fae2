#!/bin/bash
# Peak memory (maximum resident set size, GNU time's %M) of a prediction of the largest module of the corpus,
# fs/btrfs of linux-source-6.1 (57 objects; scripts/fetch-linux-source.sh), and of examples/hello (one object), each
# cold (an empty cache), with the kernel known (a cache filled by another module), and unchanged (the prediction
# cache answers), with 1 thread and with the default (the number of cores). %M is the larger of the tool's own peak
# and that of the largest program it waited for (cold: the kernel's top-level make and its compiler probes).
# usage: bench/peak-memory.sh [binary] [kernel-release]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/build/srcversion-predict}
rel=${2:-6.1.0-56-amd64}
[ -x "$bin" ] || { echo "peak-memory: no binary $bin (scripts/build.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "peak-memory: GNU time is not installed (apt-get install time)" >&2; exit 1; }
btrfs=$("$top/scripts/fetch-linux-source.sh" fs/btrfs)

work=$(mktemp -d "${TMPDIR:-/tmp}/peak-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$btrfs" "$work/btrfs"
cp -a "$top/examples/hello" "$work/hello"
sleep 2.1 # so that the unchanged run can be cached

peak() { # peak <cache> <args...>: prints the peak RSS in MiB
  local cache=$1; shift
  /usr/bin/time -f %M -o "$work/rss" "$bin" "$@" --all-versions=yes --cache-dir "$cache" > /dev/null
  awk '{printf "%.0f", $1 / 1024}' "$work/rss"
}

printf '| module | objects | threads | cold | kernel known | unchanged |\n|---|---:|---:|---:|---:|---:|\n'
for m in hello btrfs; do
  objects=$("$bin" plan "$work/$m" "$rel" --json --cache-dir "$work/plan" |
    python3 -c 'import json, sys; print(sum(len(m["objects"]) for m in json.load(sys.stdin)["modules"]))')
  for jobs in 1 0; do
    j=() && [ "$jobs" != 0 ] && j=(-j "$jobs")
    rm -rf "$work/cold" "$work/known"
    cold=$(peak "$work/cold" "${j[@]}" "$work/$m" "$rel")
    "$bin" "$top/testdata/modules/kernel-macro-lookups" "$rel" --cache-dir "$work/known" > /dev/null
    known=$(peak "$work/known" "${j[@]}" "$work/$m" "$rel")
    unchanged=$(peak "$work/known" "${j[@]}" "$work/$m" "$rel")
    printf '| %s | %s | %s | %s MiB | %s MiB | %s MiB |\n' "$m" "$objects" "${jobs/#0/$(nproc)}" "$cold" "$known" \
      "$unchanged"
  done
done
