#!/bin/bash
# Benchmark (not a test): how long `srcversion-predict plan` takes next to Kbuild's own dry run, `make -n`.
#
# usage: bench/plan-vs-make-n.sh [binary] [kernel-release...]
#
#   For a one-object module (examples/hello, copied to a scratch directory) and each kernel (default: every
#   /lib/modules/<release>/build with a Makefile), measured in one run, interleaved (a, b, a, b, ...):
#     (a) make -n -C /lib/modules/<release>/build M=<dir> modules
#     (b) <binary> plan <dir> <release> --json, warm: its cache (--cache-dir, a scratch directory) filled by one
#         untimed run first
#   and prints the median wall time of each, the ratio (a)/(b), and the median of cold runs of (b) (each with
#   --cache-dir set to a fresh empty directory, so the kernel's profile is captured every time), as a markdown table.
#   One untimed run of (a) comes first too, so both start with warm file caches.
#   Both run in the environment kbuild-build.sh gives a real build (make's and Kbuild's variables removed, LC_ALL=C);
#   a 7.x kernel from Debian 13 gets /var/lib/srcv-kbuild7/bin (KBUILD7_PRIV) first on PATH, or is skipped if that
#   is not set up (scripts/kbuild7-on-bookworm.sh).
#
# Environment:
#   BENCH_RUNS        timed runs of (a) and of warm (b) per kernel (default 20)
#   BENCH_COLD_RUNS   timed cold runs of (b) per kernel (default 5)
# Needs bash and python3 (standard library) only. Exit 1 if a command fails or nothing could be measured.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/srcversion-predict}
[ $# -gt 0 ] && shift
case "$bin" in */*) ;; *) bin=$(command -v "$bin" || echo "$bin") ;; esac
[ -f "$bin" ] && [ -x "$bin" ] || { echo "plan-vs-make-n: binary '$bin' missing: cmake --build build" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
command -v python3 >/dev/null || { echo "plan-vs-make-n: python3 not found" >&2; exit 1; }
command -v make >/dev/null || { echo "plan-vs-make-n: make not found" >&2; exit 1; }

kernels=("$@")
if [ ${#kernels[@]} = 0 ]; then
  for k in /lib/modules/*/build/Makefile; do
    [ -e "$k" ] || continue
    k=${k#/lib/modules/}
    kernels+=("${k%/build/Makefile}")
  done
fi
[ ${#kernels[@]} -gt 0 ] || { echo "plan-vs-make-n: no kernel build directory under /lib/modules" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/srcv-bench.XXXXXX")
work=$(cd "$work" && pwd -P)
trap 'rm -rf "$work"' EXIT
cp -a "$root/examples/hello" "$work/hello" || exit 1

# "release PATH" per kernel, for the harness
specs=()
for rel in "${kernels[@]}"; do
  kdir=/lib/modules/$rel/build
  if [ ! -e "$kdir/Makefile" ]; then echo "plan-vs-make-n: skipping $rel: $kdir/Makefile missing" >&2; continue; fi
  path=$PATH
  case "$rel" in
    *+deb13-*)
      priv=${KBUILD7_PRIV:-/var/lib/srcv-kbuild7}
      if [ ! -x "$priv/bin/x86_64-linux-gnu-gcc-14" ]; then
        echo "plan-vs-make-n: skipping $rel: $priv/bin is not set up (scripts/kbuild7-on-bookworm.sh)" >&2
        continue
      fi
      path=$priv/bin:$PATH ;;
  esac
  specs+=("$rel" "$path")
done
[ ${#specs[@]} -gt 0 ] || { echo "plan-vs-make-n: no kernel to measure" >&2; exit 1; }

python3 - "$bin" "$work" "${BENCH_RUNS:-20}" "${BENCH_COLD_RUNS:-5}" "${specs[@]}" <<'PY'
import os, platform, statistics, subprocess, sys, time

binary, work, runs, cold_runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
specs = list(zip(sys.argv[5::2], sys.argv[6::2]))
module = os.path.join(work, 'hello')

# what kbuild-build.sh clears for a real build
cleared = ['KBUILD_EXTMOD', 'KBUILD_OUTPUT', 'KBUILD_SRC', 'ARCH', 'CROSS_COMPILE', 'CC', 'LD', 'LLVM', 'MAKEFLAGS',
           'MFLAGS', 'GNUMAKEFLAGS', 'MAKELEVEL', 'M', 'O', 'V', 'W', 'C', 'KCFLAGS', 'KCPPFLAGS', 'KERNELRELEASE']

def dry_run_stop(r):
    # `make -n` of an M= directory prints the compile commands and then stops where modpost needs modules.order,
    # which a dry run never writes (6.1, 6.12 and 7.2 alike): exit 2, "No rule to make target .../modules.order"
    return r.returncode == 2 and b'modules.order' in r.stderr and b'No rule to make target' in r.stderr

def timed(argv, env, accept=lambda r: r.returncode == 0):
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t = time.perf_counter() - t0
    if not accept(r):
        sys.exit('plan-vs-make-n: %s exited %d:\n%s' % (' '.join(argv), r.returncode, r.stderr.decode(errors='replace')[-2000:]))
    return t

def ms(seconds):
    return '%.0f' % (seconds * 1000) if seconds >= 0.1 else '%.1f' % (seconds * 1000)

def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'

print('plan vs make -n, module examples/hello (one object); %s' % time.strftime('%Y-%m-%d %H:%M:%S %Z'))
print('host: %s, %d CPUs, load average %s; binary %s' % (cpu_model(), os.cpu_count() or 0,
      ' '.join('%.2f' % x for x in os.getloadavg()), binary))
print('runs: %d interleaved of (a) and warm (b), then %d cold (b); times are medians of wall time' % (runs, cold_runs))
print()
print('| kernel | (a) `make -n` ms | (b) `plan` warm ms | (a)/(b) | `plan` cold ms |')
print('|---|---:|---:|---:|---:|')
sys.stdout.flush()

make_status = {}
for rel, path in specs:
    env = {k: v for k, v in os.environ.items() if k not in cleared}
    env['LC_ALL'] = 'C'
    env['PATH'] = path
    make = ['make', '-n', '-C', '/lib/modules/%s/build' % rel, 'M=%s' % module, 'modules']
    cache = os.path.join(work, 'cache-' + rel)
    plan = [binary, 'plan', module, rel, '--json', '--cache-dir', cache]
    def accept_make(r, rel=rel):
        make_status.setdefault(rel, set()).add('0' if r.returncode == 0 else '2 (stopped before modpost)')
        return r.returncode == 0 or dry_run_stop(r)
    timed(make, env, accept_make)   # untimed: warm file caches
    timed(plan, env)                # untimed: fills the cache
    a, b = [], []
    for _ in range(runs):
        a.append(timed(make, env, accept_make))
        b.append(timed(plan, env))
    cold = []
    for i in range(cold_runs):
        fresh = os.path.join(work, 'cold-%s-%d' % (rel, i))
        cold.append(timed([binary, 'plan', module, rel, '--json', '--cache-dir', fresh], env))
    ma, mb = statistics.median(a), statistics.median(b)
    mc = statistics.median(cold) if cold else float('nan')
    print('| %s | %s | %s | %.1f | %s |' % (rel, ms(ma), ms(mb), ma / mb, ms(mc) if cold else '-'))
    sys.stdout.flush()

print()
print('(a) exit status: %s.' % '; '.join('%s: %s' % (rel, ', '.join(sorted(st))) for rel, st in make_status.items()))
print('A dry run writes no modules.order, so `make -n` stops before modpost (exit 2) after printing the compile')
print('commands; (b) gives more: it also runs Kbuild\'s .mod and modules.order writers (in a scratch copy).')
print('load average after: %s' % ' '.join('%.2f' % x for x in os.getloadavg()))
PY
