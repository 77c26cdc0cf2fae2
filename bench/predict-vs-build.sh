#!/bin/bash
# Benchmark (not a test): `srcversion-predict <dir> <kernel>` against the real build of the same module, next to
# `gcc -E` and clang-scan-deps-19 on the same objects, all measured in one run.
#
# usage: bench/predict-vs-build.sh [binary]
#
#   Subjects, on 6.1.0-56-amd64 (where all of them build):
#     hello      examples/hello, 1 object, real build: make M= (scripts/kbuild-build.sh)
#     acpi-call  the pinned acpi-call-dkms package, 1 object, real build: Debian's real `dkms build`
#     btrfs      fs/btrfs of the pinned linux-source-6.1 (scripts/fetch-linux-source.sh), 57 objects, make M=
#   Per subject, interleaved, BENCH_RUNS times (medians printed):
#     real       the real build with CONFIG_MODULE_SRCVERSION_ALL=y (-j2, this machine's cores), sources copied afresh;
#     cold       the prediction (--all-versions=yes, the same setting) with an empty tool cache: the kernel's profile
#                captured (its top-level Makefile run), gcc -dM and fixdep probed;
#     new        the kernel already known to the cache, filled by predicting another module once (examples/hello;
#                for hello, testdata/modules/kernel-macro-lookups), the module new: a fresh copy of it at a new path
#                (the DKMS case: a package built for the first time on a kernel), with a fresh copy of that cache
#                each run, so that nothing the subject's own earlier runs left (its headers' directives) is used;
#     unchanged  a copy predicted again, nothing changed (answered from the prediction cache of its own cache);
#     kbuild -n  the real Kbuild evaluated dry on a fresh copy (make -C <kernel> M=<copy> -n modules): the top-level
#                Makefile and its compiler probes, then the module's makefile; what a first prediction must run too
#                (the tool runs the same makefiles), so real/this bounds the ratio a cold prediction can reach;
#     gcc -E     every object's own command with -E (two at a time), the preprocessing alone;
#     csd        clang-scan-deps-19 -j 2 on the same objects (their preprocessor options).
#   Every prediction is checked against `modinfo -F srcversion` of the real build first: a ratio of a wrong answer
#   would mean nothing. Copies are made outside the timed part; a copy is 2 s old before its "unchanged" runs (an
#   entry is not cached while an input is younger).
#
# Environment: BENCH_RUNS (default 3), BENCH_SUBJECTS (default "hello acpi-call btrfs").
# Needs python3, modinfo, dkms, clang-tools-19 (scripts/install-deps.sh). Exit 1 if anything fails.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/srcversion-predict}
[ -x "$bin" ] || { echo "predict-vs-build: binary '$bin' missing: cmake --build build" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for tool in python3 modinfo clang-scan-deps-19; do
  command -v $tool >/dev/null || { echo "predict-vs-build: $tool not found (scripts/install-deps.sh)" >&2; exit 1; }
done
rel=6.1.0-56-amd64
subjects=${BENCH_SUBJECTS:-hello acpi-call btrfs}
specs=()
for s in $subjects; do
  case "$s" in
    hello) specs+=("hello plain $root/examples/hello") ;;
    acpi-call) d=$("$root/scripts/fetch-corpus.sh" acpi-call-dkms) || exit 1; specs+=("acpi-call dkms $d") ;;
    btrfs) d=$("$root/scripts/fetch-linux-source.sh" fs/btrfs) || exit 1; specs+=("btrfs plain $d") ;;
    *) echo "predict-vs-build: unknown subject $s" >&2; exit 1 ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/srcv-bench-predict.XXXXXX")
work=$(cd "$work" && pwd -P)
trap 'rm -rf "$work"' EXIT

PYTHONPATH=$root/bench ROOT=$root BIN=$bin WORK=$work REL=$rel RUNS=${BENCH_RUNS:-3} python3 - "${specs[@]}" <<'PY'
import concurrent.futures, json, os, shutil, statistics, subprocess, sys, time
from units import CLEAN, plan_units, gcc_e, clang_args, timed, run_ok

ROOT, BIN, WORK, REL, RUNS = (os.environ[k] for k in ('ROOT', 'BIN', 'WORK', 'REL', 'RUNS'))
RUNS = int(RUNS)
ENV = dict(CLEAN)
BUILD = os.path.join(ROOT, 'scripts', 'kbuild-build.sh')
counter = [0]

def fresh_copy(src, tag):
    counter[0] += 1
    d = os.path.join(WORK, 'copies', '%s-%d' % (tag, counter[0]), os.path.basename(src))
    shutil.copytree(src, d, symlinks=True)
    return d

def predict(d, cache):
    out = run_ok([BIN, d, REL, '--all-versions=yes', '--cache-dir', cache], ENV, who='predict-vs-build')
    return dict(l.split(' ', 1) for l in out.splitlines())

def real_build(kind, src, n):
    out = os.path.join(WORK, 'real-%d' % n)
    args = [BUILD] + (['--dkms'] if kind == 'dkms' else []) + [REL, src, out]
    printed = run_ok(args, ENV, who='predict-vs-build').strip()
    return printed if kind == 'dkms' else out

def modinfo(build, module):
    for suffix in ('.ko', '.ko.xz', '.ko.zst', '.ko.gz'):
        f = os.path.join(build, module + suffix)
        if os.path.exists(f):
            return run_ok(['modinfo', '-F', 'srcversion', f], ENV).strip()
    raise SystemExit('predict-vs-build: %s not built in %s' % (module, build))

def kbuild_dry(d):
    # Dry, the modpost step stops (modules.order was not written): the run counts when it printed the compile of
    # an object of the copy, that is when Kbuild's per-directory makefile was evaluated.
    r = subprocess.run(['make', '-s', '-C', '/lib/modules/%s/build' % REL, 'M=' + d, '-n', 'modules'], env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors='replace')
    if not any(' -c -o ' + d + '/' in line for line in r.stdout.splitlines()):
        raise SystemExit('predict-vs-build: make -n printed no compile in %s:\n%s' % (d, r.stderr[-2000:]))

# The kernel known to a cache, from another module than the subject: what "new" starts from (copied for each run).
known = {}
for warmer in ('examples/hello', 'testdata/modules/kernel-macro-lookups'):
    known[warmer] = os.path.join(WORK, 'cache-known-' + os.path.basename(warmer))
    predict(fresh_copy(os.path.join(ROOT, warmer), 'warmer'), known[warmer])
counter_cache = [0]

def known_copy(name):
    counter_cache[0] += 1
    warmer = 'testdata/modules/kernel-macro-lookups' if name == 'hello' else 'examples/hello'
    d = os.path.join(WORK, 'cache-new-%d' % counter_cache[0])
    shutil.copytree(known[warmer], d, symlinks=True)
    return d

rows = []
for spec in sys.argv[1:]:
    name, kind, src = spec.split(' ', 2)
    units = plan_units(BIN, REL, ENV, [src])
    # the real build, once untimed, is the judge of every prediction below
    build = real_build(kind, src, 0)
    probe = fresh_copy(src, name + '-probe')
    answer = predict(probe, os.path.join(WORK, 'cache-probe'))
    for module, sv in answer.items():
        if sv != modinfo(build, module):
            raise SystemExit('predict-vs-build: %s: %s predicted %s, the real build gives %s' %
                             (name, module, sv, modinfo(build, module)))
    db = os.path.join(WORK, 'csd-' + name)
    os.makedirs(db, exist_ok=True)
    json.dump([{'directory': u['directory'], 'arguments': clang_args(u), 'file': u['file']} for u in units],
              open(os.path.join(db, 'compile_commands.json'), 'w'))
    def run_gcc():
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda p: run_ok(gcc_e(p[1], p[0], WORK), ENV, p[1]['directory']), enumerate(units)))
    def run_csd():
        run_ok(['clang-scan-deps-19', '-compilation-database=' + os.path.join(db, 'compile_commands.json'),
                '-format=make', '-j', '2'], ENV)
    unchanged = fresh_copy(src, name + '-unchanged')
    unchanged_cache = known_copy(name)
    time.sleep(2.1)
    predict(unchanged, unchanged_cache)  # fills the prediction cache
    t = {k: [] for k in ('real', 'dry', 'cold', 'new', 'unchanged', 'gcc', 'csd')}
    for r in range(RUNS):
        t['real'].append(timed(lambda: real_build(kind, src, r + 1)))
        d = fresh_copy(src, name + '-dry')
        t['dry'].append(timed(lambda: kbuild_dry(d)))
        d = fresh_copy(src, name + '-cold')
        cache = os.path.join(WORK, 'cache-cold-%s-%d' % (name, r))
        t['cold'].append(timed(lambda: predict(d, cache)))
        d = fresh_copy(src, name + '-new')
        cache = known_copy(name)
        t['new'].append(timed(lambda: predict(d, cache)))
        t['unchanged'].append(timed(lambda: predict(unchanged, unchanged_cache)))
        t['gcc'].append(timed(run_gcc))
        t['csd'].append(timed(run_csd))
        shutil.rmtree(os.path.join(WORK, 'real-%d' % (r + 1)), ignore_errors=True)
    med = {k: statistics.median(v) for k, v in t.items()}
    rows.append((name, len(units), len(answer), med))
    print('predict-vs-build: %s: %d objects, %d module(s), predictions equal to the real build' %
          (name, len(units), len(answer)), file=sys.stderr)

def ms(v):
    return '%.0f ms' % v if v >= 10 else '%.1f ms' % v
print('| module | objects | real build | Kbuild dry (`make -n`) | gcc -E | clang-scan-deps-19 | predict, cold | '
      'predict, kernel known | predict, unchanged | real/dry | real/csd | real/cold | real/known | real/unchanged |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for name, n, mods, m in rows:
    print('| %s | %d | %s | %s | %s | %s | %s | %s | %s | %.1fx | %.1fx | %.1fx | %.1fx | %.0fx |' %
          (name, n, ms(m['real']), ms(m['dry']), ms(m['gcc']), ms(m['csd']), ms(m['cold']), ms(m['new']),
           ms(m['unchanged']), m['real'] / m['dry'], m['real'] / m['csd'], m['real'] / m['cold'],
           m['real'] / m['new'], m['real'] / m['unchanged']))
print('\n%s, medians of %d interleaved runs measured in one run; real builds and gcc -E two jobs at a time, '
      'clang-scan-deps-19 and predict two threads' % (REL, RUNS))
PY
