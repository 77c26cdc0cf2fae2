"""Shared by the benchmarks: a module directory's translation units as `plan --json` gives them, and the same units
as `gcc -E` and clang-scan-deps-19 commands (the alternatives the front end is measured against)."""
import json, os, subprocess, time

CLEAN = {k: v for k, v in os.environ.items()
         if k not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'KBUILD_EXTMOD', 'ARCH', 'CROSS_COMPILE', 'CC', 'LLVM')}
CLEAN['LC_ALL'] = 'C'


def env_with(path):
    e = dict(CLEAN)
    e['PATH'] = path
    return e


def plan_units(binary, rel, env, dirs):
    """Every object `plan` plans for the directories, as compilation database entries; a directory that does not
    plan on this kernel is left out."""
    units = []
    for d in dirs:
        r = subprocess.run([binary, 'plan', d, rel, '--json'], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            continue
        plan = json.loads(r.stdout)
        for m in plan['modules']:
            for o in m['objects']:
                units.append({'directory': plan['make_dir'], 'arguments': o['command'], 'file': o['source']})
    return units


def gcc_e(unit, n, work):
    """The unit's own compile command with -c -o <obj> replaced by -E -o /dev/null (its -Wp,-MMD kept, pointed at a
    scratch file)."""
    args, i = [], 0
    a = unit['arguments']
    while i < len(a):
        w = a[i]
        if w == '-c':
            args.append('-E')
        elif w == '-o':
            args += ['-o', '/dev/null']
            i += 1
        elif w.startswith('-Wp,-MMD,') or w.startswith('-Wp,-MD,'):
            args.append('-Wp,-MMD,%s/gcc-%d.d' % (work, n))
        else:
            args.append(w)
        i += 1
    return args


PP_SEPARATE = ('-I', '-iquote', '-isystem', '-idirafter', '-D', '-U', '-include', '-imacros')


def clang_args(unit):
    """The unit as a clang-19 command with its preprocessor options only: clang rejects many of gcc's kernel flags,
    and the rest does not change what is included."""
    a, out, i = unit['arguments'], ['clang-19'], 1
    src = unit['file']
    out += ['-x', 'assembler-with-cpp' if src.endswith('.S') else 'c']
    while i < len(a):
        w = a[i]
        if w in PP_SEPARATE:
            out += [w, a[i + 1]]
            i += 2
            continue
        if w == '-nostdinc' or w.startswith('-std=') or (w[:2] in ('-I', '-D', '-U') and len(w) > 2):
            out.append(w)
        i += 1
    return out + ['-c', src, '-o', '/dev/null']


def timed(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def run_ok(cmd, env, cwd=None, who='bench'):
    r = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       errors='replace')
    if r.returncode != 0:
        raise SystemExit('%s: failed (%d): %s\n%s' % (who, r.returncode, ' '.join(cmd[:6]), r.stderr[-2000:]))
    return r.stdout
