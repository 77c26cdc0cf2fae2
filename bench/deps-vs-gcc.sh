#!/bin/bash
# Benchmark (not a test): the front end's dependency lists next to `gcc -E` and clang-scan-deps-19 on the same
# translation units.
#
# usage: bench/deps-vs-gcc.sh [binary]
#
#   The translation units: every object that `<binary> plan --json` plans for the torture modules
#   (testdata/modules/*) on each installed kernel, and for the in-tree directories of linux-source-6.1
#   (scripts/fetch-linux-source.sh, testdata/intree.txt) on 6.1.0-56-amd64. They are grouped per kernel into a
#   compilation database (directory, arguments), and per group, measured in one run, interleaved (a, b, c, a, b, c...):
#     (a) gcc -E: each unit's own compile command with -c -o <obj> replaced by -E -o /dev/null (its -Wp,-MMD,<file>
#         kept, pointed at a scratch file), two at a time (the machine's cores; the front end uses two threads too);
#     (b) clang-scan-deps-19 -format=make -j 2 on the same units, each given as a clang-19 command with the
#         unit's preprocessor options only (language, -std, -nostdinc, include directories, -D/-U, -include,
#         -imacros): clang rejects many of gcc's kernel flags, and the rest does not change what is included;
#     (c) <binary> deps <database> <release> --json -j 2, warm: its cache (gcc's macros, fixdep's rules) filled by one
#         untimed run first;
#   and, separately, (d) the same as (c) cold: a fresh empty cache each run, so gcc -dM runs for every flag set.
#   It prints, per kernel, the median wall time of each and the ratios (a)/(c) and (b)/(c), as a markdown table.
#   One untimed run of each comes first, so all start with warm file caches. Units whose list the front end calls
#   unknown before a build (torture case generated-header) are left out of every column, and said so.
#
# Environment:
#   BENCH_RUNS   timed runs of each (default 3)
# Needs python3, gcc (the kernels' compilers; for 7.x /var/lib/srcv-kbuild7/bin, scripts/kbuild7-on-bookworm.sh) and
# clang-tools-19 (scripts/install-deps.sh installs them). Exit 1 if a command fails or nothing could be measured.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/srcversion-predict}
case "$bin" in */*) ;; *) bin=$(command -v "$bin" || echo "$bin") ;; esac
[ -f "$bin" ] && [ -x "$bin" ] || { echo "deps-vs-gcc: binary '$bin' missing: cmake --build build" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
command -v python3 >/dev/null || { echo "deps-vs-gcc: python3 not found" >&2; exit 1; }
command -v clang-scan-deps-19 >/dev/null || { echo "deps-vs-gcc: clang-scan-deps-19 not found (clang-tools-19)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/srcv-bench-deps.XXXXXX")
work=$(cd "$work" && pwd -P)
trap 'rm -rf "$work"' EXIT

# "release PATH dir..." per group
groups=()
intree=$("$root/scripts/fetch-linux-source.sh" 2>/dev/null | tr '\n' ' ') ||
  { echo "deps-vs-gcc: scripts/fetch-linux-source.sh failed" >&2; exit 1; }
for k in /lib/modules/*/build/Makefile; do
  [ -e "$k" ] || continue
  rel=${k#/lib/modules/}
  rel=${rel%/build/Makefile}
  path=$PATH
  case "$rel" in
    *+deb13-*)
      priv=${KBUILD7_PRIV:-/var/lib/srcv-kbuild7}
      [ -x "$priv/bin/x86_64-linux-gnu-gcc-14" ] || { echo "deps-vs-gcc: skipping $rel ($priv/bin not set up)" >&2; continue; }
      path=$priv/bin:$PATH ;;
  esac
  dirs=$(ls -d "$root"/testdata/modules/*/ | tr '\n' ' ')
  [ "$rel" = 6.1.0-56-amd64 ] && dirs+=" $intree"
  groups+=("$rel $path $dirs")
done
[ ${#groups[@]} -gt 0 ] || { echo "deps-vs-gcc: no kernel build directory under /lib/modules" >&2; exit 1; }

PYTHONPATH=$root/bench BIN=$bin WORK=$work RUNS=${BENCH_RUNS:-3} python3 - "${groups[@]}" <<'PY'
import concurrent.futures, json, os, statistics, subprocess, sys
from units import env_with, plan_units as plan_dirs, gcc_e as gcc_e_in, clang_args, timed, run_ok as run_checked

BIN, WORK, RUNS = os.environ['BIN'], os.environ['WORK'], int(os.environ['RUNS'])

def plan_units(rel, path, dirs):
    return plan_dirs(BIN, rel, env_with(path), dirs)

def gcc_e(unit, n):
    return gcc_e_in(unit, n, WORK)

def run_ok(cmd, env, cwd=None):
    run_checked(cmd, env, cwd, 'deps-vs-gcc')

rows = []
for spec in sys.argv[1:]:
    rel, path, *dirs = spec.split(' ')
    dirs = [d for d in dirs if d]
    env = env_with(path)
    units = plan_units(rel, path, dirs)
    if not units:
        print('deps-vs-gcc: no units planned for %s' % rel, file=sys.stderr); continue
    db = os.path.join(WORK, 'db-%s.json' % rel)
    json.dump(units, open(db, 'w'))
    # units whose list the front end calls unknown (a header the build generates) are left out of every column
    first = subprocess.run([BIN, 'deps', db, rel, '--json', '--no-cache'], env=env, capture_output=True, text=True)
    known = [u for u, g in zip(units, json.loads(first.stdout)) if 'deps' in g]
    if len(known) != len(units):
        print('deps-vs-gcc: %s: %d unit(s) left out: their list is unknown before a build' %
              (rel, len(units) - len(known)), file=sys.stderr)
    units = known
    json.dump(units, open(db, 'w'))
    cdb_dir = os.path.join(WORK, 'clang-%s' % rel); os.makedirs(cdb_dir, exist_ok=True)
    json.dump([{'directory': u['directory'], 'arguments': clang_args(u), 'file': u['file']} for u in units],
              open(os.path.join(cdb_dir, 'compile_commands.json'), 'w'))
    warm = os.path.join(WORK, 'cache-%s' % rel)

    def run_gcc():
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda p: run_ok(gcc_e(p[1], p[0]), env, p[1]['directory']), enumerate(units)))
    def run_csd():
        run_ok(['clang-scan-deps-19', '-compilation-database=' + os.path.join(cdb_dir, 'compile_commands.json'),
                '-format=make', '-j', '2'], env)
    def run_ours(cache):
        r = subprocess.run([BIN, 'deps', db, rel, '--json', '-j', '2', '--cache-dir', cache], env=env,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit('deps-vs-gcc: %s deps failed (%d):\n%s' % (BIN, r.returncode, r.stderr[-2000:]))
        return json.loads(r.stdout)
    # untimed first runs; the front end's answer is checked to be complete
    run_gcc(); run_csd()
    got = run_ours(warm)
    unknown = [g['file'] for g in got if 'deps' not in g]
    if unknown:
        raise SystemExit('deps-vs-gcc: no dependency list for %d unit(s), e.g. %s' % (len(unknown), unknown[0]))
    t = {'gcc': [], 'csd': [], 'warm': [], 'cold': []}
    for r in range(RUNS):
        t['gcc'].append(timed(run_gcc))
        t['csd'].append(timed(run_csd))
        t['warm'].append(timed(lambda: run_ours(warm)))
        cold = os.path.join(WORK, 'cold-%s-%d' % (rel, r))
        t['cold'].append(timed(lambda: run_ours(cold)))
    med = {k: statistics.median(v) for k, v in t.items()}
    rows.append((rel, len(units), med))
    print('deps-vs-gcc: %s: %d units measured' % (rel, len(units)), file=sys.stderr)

if not rows:
    sys.exit(1)
print('| kernel | units | (a) gcc -E | (b) clang-scan-deps-19 | (c) deps, warm | (d) deps, cold | (a)/(c) | (b)/(c) |')
print('|---|---|---|---|---|---|---|---|')
for rel, n, m in rows:
    print('| %s | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.1fx | %.2fx |' %
          (rel, n, m['gcc'], m['csd'], m['warm'], m['cold'], m['gcc'] / m['warm'], m['csd'] / m['warm']))
print('\nmedians of %d interleaved runs; two processes (gcc) or threads (clang-scan-deps, deps) at a time' % RUNS)
PY
