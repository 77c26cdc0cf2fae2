"""The comparison of real-kbuild-plan.sh (python3, standard library only): a plan made before the build against
what real Kbuild then wrote. Invoked by that script as
  real_kbuild_plan.py self-test
      checks the .cmd reader (make unescaping, shell splitting) against bash;
  real_kbuild_plan.py compile-db <plan.json> <db.json>
      writes the plan's compiles as a compilation database (directory, arguments, file) for the deps subcommand;
  real_kbuild_plan.py <plan.json> <plan-exit-status> <build-dir> <kernel-release> <expect-fail 0|1> <sub>...
      compares (predict.out, predict.err and deps.json beside plan.json too): notes and differences on stderr, the
      summary on stdout, exit 1 on any difference. $SRCV_DEPS_UNKNOWN holds case.txt's "<object> <text>" lines of
      objects whose dependency list the plan must call unknown.
"""
import difflib, json, os, re, subprocess, sys

class ShellSyntax(Exception):
    pass

def unmake(text):
    """The command as Kbuild's make-cmd wrote it into a .cmd file, back to shell text: $$ -> $, $(pound) -> #."""
    out, i = [], 0
    while i < len(text):
        if text.startswith('$$', i):
            out.append('$'); i += 2
        elif text.startswith('$(pound)', i):
            out.append('#'); i += 8
        else:
            out.append(text[i]); i += 1
    return ''.join(out)

def shell_words(text):
    """POSIX shell word splitting of the first command of `text` (no expansions are done).
    Returns (words, what ended the command, notes). The first unquoted ; (or & | newline) ends it;
    quotes and backslashes are removed as the shell removes them; an unquoted # starting a word starts a comment."""
    words, notes = [], []
    word, in_word, i, n = [], False, 0, len(text)
    def finish():
        nonlocal word, in_word
        if in_word:
            words.append(''.join(word))
        word, in_word = [], False
    while i < n:
        c = text[i]
        if c in ' \t':
            finish(); i += 1
        elif c in ';&|\n':
            finish()
            op = text[i:i + 2] if text[i:i + 2] in ('&&', '||', ';;') else c
            return words, op, notes
        elif c in '<>()':
            raise ShellSyntax("unquoted shell operator %r before the first ';': its argv is not a plain word list" % c)
        elif c == '#' and not in_word:
            j = text.find('\n', i)
            if j < 0:
                break
            i = j
        elif c == "'":
            j = text.find("'", i + 1)
            if j < 0:
                raise ShellSyntax("unterminated single quote")
            word.append(text[i + 1:j]); in_word = True; i = j + 1
        elif c == '"':
            in_word = True; i += 1
            while True:
                if i >= n:
                    raise ShellSyntax("unterminated double quote")
                d = text[i]
                if d == '"':
                    i += 1; break
                if d == '\\' and i + 1 < n and text[i + 1] in '$`"\\\n':
                    if text[i + 1] != '\n':
                        word.append(text[i + 1])
                    i += 2; continue
                if d in '$`':
                    notes.append("expansion character %r inside double quotes taken literally" % d)
                word.append(d); i += 1
        elif c == '\\':
            if i + 1 < n:
                if text[i + 1] != '\n':
                    word.append(text[i + 1]); in_word = True
                i += 2
            else:
                word.append(c); in_word = True; i += 1
        else:
            if c in '$`':
                notes.append("unquoted expansion character %r taken literally" % c)
            word.append(c); in_word = True; i += 1
    finish()
    return words, None, notes

CMD_RE = re.compile(r'^(savedcmd|cmd)_(\S+) := (.*)$')
SOURCE_RE = re.compile(r'^source_(\S+) := (.*)$')

def read_deps(path):
    """The deps_<target> entries of a .cmd file, in order, without the $(wildcard include/config/...) lines;
    None if it has no deps_ section."""
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        lines = f.read().split('\n')
    deps, inside = None, False
    for line in lines:
        if not inside:
            if re.match(r'^deps_\S+ := \\$', line):
                inside, deps = True, []
            continue
        if not line.strip():
            break
        entry = line.strip()
        if entry.endswith('\\'):
            entry = entry[:-1].rstrip()
        if entry.startswith('$(wildcard '):
            continue
        deps.append(entry)
    return deps

def read_cmd_file(path):
    """(target, command words, source or None, notes) of an object's .cmd file."""
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        lines = f.read().split('\n')
    cmd = source = None
    for line in lines:
        if cmd is None:
            m = CMD_RE.match(line)
            if m:
                cmd = m
                continue
        if source is None:
            m = SOURCE_RE.match(line)
            if m:
                source = m.group(2)
    if cmd is None:
        raise ShellSyntax("no cmd_<target> := / savedcmd_<target> := line")
    words, op, notes = shell_words(unmake(cmd.group(3)))
    if op not in (None, ';'):
        notes.append("the first command ends at %r, not at ';'" % op)
    return cmd.group(2), words, source, notes

def self_test():
    # (text of a .cmd line's command, as in the file; expected words, or None to ask bash only)
    cases = [
        ("  gcc -c -o /m/a.o /m/a.c; ./tools/objtool/objtool --module /m/a.o", ['gcc', '-c', '-o', '/m/a.o', '/m/a.c']),
        ("gcc -DKBUILD_BASENAME='\"a\"' -DKBUILD_MODNAME='\"a\"' -c a.c", ['gcc', '-DKBUILD_BASENAME="a"', '-DKBUILD_MODNAME="a"', '-c', 'a.c']),
        ("gcc '-DX=\"a;b\"' -c a.c ; next", ['gcc', '-DX="a;b"', '-c', 'a.c']),
        ("gcc \"-DY=a;b\" -DZ='c;d' x;y", ['gcc', '-DY=a;b', '-DZ=c;d', 'x']),
        ("gcc -DH='$$x' -DP=$(pound)1 -DQ='$$(pound)' -DR=\\$$HOME", ['gcc', '-DH=$x', '-DP=#1', '-DQ=$(pound)', '-DR=$HOME']),
        ("gcc a\\ b \"c\\\"d\" \"e\\f\" 'g\\h' '' x", ['gcc', 'a b', 'c"d', 'e\\f', 'g\\h', '', 'x']),
        ("gcc -Wp,-MMD,./.a.o.d   -c\t-o a.o a.c", ['gcc', '-Wp,-MMD,./.a.o.d', '-c', '-o', 'a.o', 'a.c']),
        ("gcc x $(pound) comment ; y", ['gcc', 'x']),
        ("gcc x$(pound)y \"$(pound)\" z", ['gcc', 'x#y', '#', 'z']),
        ("gcc a && b", ['gcc', 'a']),
        ("gcc 'a'\"b\"c d", ['gcc', 'abc', 'd']),
        ("gcc 'it'\\''s' x", ['gcc', "it's", 'x']),
        ("gcc -DS='\\'' x", None),  # the shell: -DS=\ then an unterminated quote -> syntax error
    ]
    bad = 0
    for text, want in cases:
        shell = unmake(text)
        try:
            got = shell_words(shell)[0]
        except ShellSyntax as e:
            got = 'ShellSyntax: %s' % e
        # bash as the oracle: a function prints its arguments NUL-separated and exits, so only the first command runs;
        # $x and $HOME are set to themselves, so that bash expanding them gives what the literal reading gives
        script = "set -f; p() { printf '%s\\0' \"$@\"; exit 0; }; p " + shell + "\n"
        r = subprocess.run(['bash', '--norc', '--noprofile', '-c', script], capture_output=True,
                           env={'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': '$HOME', 'x': '$x'})
        oracle = 'ShellSyntax' if r.returncode != 0 else r.stdout.decode().split('\0')[:-1]
        ok = True
        if want is not None and got != want:
            ok = False
        if oracle == 'ShellSyntax':
            ok = ok and isinstance(got, str)
        elif oracle is not None and got != oracle:
            ok = False
        print('%s %r -> %r%s' % ('ok  ' if ok else 'FAIL', text, got, '' if oracle is None else '  (bash: %r)' % (oracle,)))
        bad += not ok
    print('self-test: %s' % ('PASS' if not bad else '%d FAILED' % bad))
    return 1 if bad else 0

def read_lines(path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        text = f.read()
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return lines

def strip_module_suffix(s):
    for suffix in ('.ko', '.o'):
        if s.endswith(suffix):
            return s[:-len(suffix)]
    return s

def side_by_side(label_a, a, label_b, b, limit=40):
    out = ['    %-60s | %s' % (label_a, label_b)]
    for k in range(max(len(a), len(b))):
        x = a[k] if k < len(a) else '(none)'
        y = b[k] if k < len(b) else '(none)'
        out.append('  %s %-60s | %s' % ('  ' if x == y else '!=', x, y))
        if k + 1 >= limit:
            out.append('    ... (%d and %d lines in all)' % (len(a), len(b)))
            break
    return '\n'.join(out)

def token_diff(planned, real):
    out = ['    planned %d tokens, real %d tokens' % (len(planned), len(real))]
    first = next((k for k in range(min(len(planned), len(real))) if planned[k] != real[k]), min(len(planned), len(real)))
    out.append('    first difference at token %d:' % first)
    for k in range(max(0, first - 1), min(max(len(planned), len(real)), first + 3)):
        x = repr(planned[k]) if k < len(planned) else '(none)'
        y = repr(real[k]) if k < len(real) else '(none)'
        out.append('      %s [%d] planned %s' % ('  ' if x == y else '!=', k, x))
        out.append('      %s [%d] real    %s' % ('  ' if x == y else '!=', k, y))
    shown = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=planned, b=real, autojunk=False).get_opcodes():
        if tag == 'equal':
            continue
        out.append('    %-7s planned[%d:%d] %r -> real[%d:%d] %r' % (tag, i1, i2, planned[i1:i2][:6], j1, j2, real[j1:j2][:6]))
        shown += 1
        if shown == 8:
            out.append('    ... (more differences)')
            break
    return '\n'.join(out)

def compare(plan_file, plan_rc, build, rel, expect_fail, subs):
    problems, notes = [], []
    counts = {'modules': 0, 'mods': 0, 'objects': 0, 'deps': 0, 'deps_entries': 0, 'deps_unknown': 0, 'deps_cmd': 0,
              'predicted': 0, 'predict_unknown': 0}
    # the prediction made before the build, per module: "<path> <srcversion>" or "<path> -"
    predicted = {}
    try:
        for line in read_lines(os.path.join(os.path.dirname(plan_file), 'predict.out')):
            if ' ' in line:
                predicted[line.rsplit(' ', 1)[0]] = line.rsplit(' ', 1)[1]
    except OSError:
        pass
    predict_notes = open(os.path.join(os.path.dirname(plan_file), 'predict.err'), errors='replace').read() \
        if os.path.exists(os.path.join(os.path.dirname(plan_file), 'predict.err')) else ''
    # the deps subcommand's lists, by source (the same compiles as the plan's objects)
    try:
        deps_cmd = {d['file']: d for d in json.load(open(os.path.join(os.path.dirname(plan_file), 'deps.json')))}
    except (OSError, ValueError):
        deps_cmd = {}
    # case.txt's "deps-unknown: <object> <name>" lines: objects whose list the plan must call unknown, naming <name>
    deps_unknown = dict(x.split(' ', 1) for x in os.environ.get('SRCV_DEPS_UNKNOWN', '').split('\n') if ' ' in x)

    # the real side: modules.order of each M= directory
    real = []                 # (normalized path relative to <build>, M= directory, module relative to it)
    missing_order = []
    for sub in subs:
        d = build if sub == '.' else os.path.join(build, sub)
        prefix = '' if sub == '.' else sub + '/'
        order = os.path.join(d, 'modules.order')
        if not os.path.isfile(order):
            missing_order.append(order)
            continue
        for line in read_lines(order):
            if not line:
                continue
            m = os.path.relpath(line, d) if os.path.isabs(line) else line
            m = strip_module_suffix(m)
            real.append((os.path.normpath(prefix + m), d, m))
    for order in missing_order:
        (notes if expect_fail else problems).append('the real build wrote no %s' % order)

    def where(path):  # M= directory and module path relative to it, for a planned module path
        for p, d, m in real:
            if p == os.path.normpath(path):
                return d, m
        for sub in subs:
            if sub != '.' and os.path.normpath(path).startswith(os.path.normpath(sub) + '/'):
                return os.path.join(build, sub), os.path.relpath(path, sub)
        return build, path

    def plan_json():
        try:
            with open(plan_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None
    if plan_rc != 0 and (plan_json() or {}).get('modules'):
        # exit 3 with a whole plan: only some objects' dependency lists are unknown (deps_error, compared below)
        notes.append('plan exited %d with a plan: some dependency lists are unknown' % plan_rc)
    elif plan_rc != 0:
        # exit 3: acceptable only for a build that fails by design and did not write everything a plan describes
        reached = not missing_order
        unreached = []
        for p, d, m in real:
            mod = os.path.join(d, m + '.mod')
            if not os.path.isfile(mod):
                unreached.append(mod); continue
            for e in read_lines(mod):
                if not e or e.endswith('.a'):
                    continue
                o = e if os.path.isabs(e) else os.path.join(d, e)
                cmd = os.path.join(os.path.dirname(o), '.' + os.path.basename(o) + '.cmd')
                if not os.path.isfile(cmd):
                    unreached.append(cmd)
        reached = reached and not unreached
        if not expect_fail:
            problems.append('plan exited %d, but real Kbuild builds this directory' % plan_rc)
        elif reached:
            problems.append('plan exited %d, but the (failing by design) real build wrote modules.order, every .mod and '
                            'every object .cmd file: the plan should describe them' % plan_rc)
        else:
            notes.append('plan exited %d; the real build fails by design before writing %s' %
                         (plan_rc, ', '.join((missing_order + unreached)[:3]) + (' ...' if len(missing_order + unreached) > 3 else '')))
        return problems, notes, counts

    with open(plan_file) as f:
        plan = json.load(f)
    if plan.get('module_dir') != build:
        problems.append('plan module_dir is %r, the directory planned and built is %r' % (plan.get('module_dir'), build))
    if plan.get('kernel', {}).get('release') != rel:
        problems.append('plan kernel.release is %r, not %r' % (plan.get('kernel', {}).get('release'), rel))

    planned = plan.get('modules', [])
    if not planned:
        problems.append('plan exited 0 with no module (a directory that builds nothing is exit 3)')
    planned_paths = [os.path.normpath(m.get('path', '')) for m in planned]
    real_paths = [p for p, _, _ in real]
    if not missing_order and planned_paths != real_paths:
        problems.append('modules (in modules.order order) differ:\n' +
                        side_by_side('planned', planned_paths, 'real modules.order', real_paths))
    elif missing_order and real_paths and planned_paths[:len(real_paths)] != real_paths:
        problems.append('modules differ from the modules.order files the failing build wrote:\n' +
                        side_by_side('planned', planned_paths, 'real modules.order', real_paths))

    for m in planned:
        path = m.get('path', '')
        label = 'module %s' % path
        if os.path.basename(strip_module_suffix(path)) != m.get('name'):
            problems.append('%s: name is %r' % (label, m.get('name')))
        d, rel_m = where(path)
        counts['modules'] += 1
        mod = os.path.join(d, rel_m + '.mod')
        if not os.path.isfile(mod):
            (notes if expect_fail else problems).append('%s: the real build wrote no %s' % (label, mod))
            continue
        real_entries = read_lines(mod)
        counts['mods'] += 1
        # the prediction against modinfo of the built module
        ko = next((os.path.join(d, rel_m + x) for x in ('.ko', '.ko.xz', '.ko.zst', '.ko.gz')
                   if os.path.exists(os.path.join(d, rel_m + x))), None)
        want = predicted.get(path)
        if ko is None:
            notes.append('%s: no module file was built: the prediction (%s) is not compared' % (label, want))
        else:
            r = subprocess.run(['modinfo', '-F', 'srcversion', ko], capture_output=True, text=True)
            real_sv = r.stdout.strip() or '-'
            if want is None:
                problems.append('%s: srcversion-predict printed no line for it' % label)
            elif want == '-' and real_sv == '-':
                counts['predicted'] += 1  # "no srcversion", as the real build
            elif want == '-':
                unknown_ok = any(os.path.basename(o.get('object', '')) in deps_unknown for o in m.get('objects', []))
                if unknown_ok or ('%s: cannot predict' % m.get('path')) in predict_notes:
                    counts['predict_unknown'] += 1
                    notes.append('%s: not predicted (real: %s): %s' % (label, real_sv, predict_notes.strip()[:300]))
                else:
                    problems.append('%s: predicted "-" without a reason, real build gives %s' % (label, real_sv))
            elif want != real_sv:
                problems.append('%s: PREDICTED %s, the real build gives %s (modinfo of %s)' % (label, want, real_sv, ko))
            else:
                counts['predicted'] += 1
        if m.get('mod_entries') != real_entries:
            problems.append('%s: mod_entries differ from %s:\n' % (label, mod) +
                            side_by_side('planned mod_entries', m.get('mod_entries', []), 'real .mod', real_entries))
        real_objects = [e for e in real_entries if e and not e.endswith('.a')]
        planned_objects = [o.get('object') for o in m.get('objects', [])]
        if planned_objects != real_objects:
            problems.append('%s: objects differ from the .mod entries that are not .a:\n' % label +
                            side_by_side('planned objects', planned_objects, 'real .mod (no .a)', real_objects))
        for o in m.get('objects', []):
            obj = o.get('object', '')
            p = obj if os.path.isabs(obj) else os.path.join(d, obj)
            cmdf = os.path.join(os.path.dirname(p), '.' + os.path.basename(p) + '.cmd')
            olabel = '%s, object %s' % (label, obj)
            want = deps_unknown.get(os.path.basename(obj))
            if want is not None:
                if 'deps_error' not in o:
                    problems.append('%s: case.txt expects "cannot predict" for its dependency list (%s), the plan gives one'
                                    % (olabel, want))
                elif want not in o['deps_error']:
                    problems.append('%s: the plan cannot predict its dependency list as case.txt expects, but its reason '
                                    'does not name %r: %s' % (olabel, want, o['deps_error']))
                else:
                    counts['deps_unknown'] += 1
                    notes.append('%s: dependency list unknown, as case.txt expects: %s' % (olabel, o['deps_error']))
            if not os.path.isfile(cmdf):
                (notes if expect_fail else problems).append('%s: the real build wrote no %s' % (olabel, cmdf))
                continue
            try:
                target, words, source, cmd_notes = read_cmd_file(cmdf)
            except ShellSyntax as e:
                problems.append('%s: cannot read the command of %s: %s' % (olabel, cmdf, e))
                continue
            counts['objects'] += 1
            for note in cmd_notes:
                notes.append('%s: %s: %s' % (olabel, cmdf, note))
            planned_words = o.get('command', [])
            if planned_words != words:
                problems.append('%s: command differs from %s (target %s):\n' % (olabel, cmdf, target) +
                                token_diff(planned_words, words))
            if source is None:
                notes.append('%s: %s has no source_ line' % (olabel, cmdf))
            elif o.get('source') != source:
                problems.append('%s: source %r, real %s says %r' % (olabel, o.get('source'), cmdf, source))
            # the front end: the planned deps against the real deps_ section, entry by entry
            real_deps = read_deps(cmdf)
            if real_deps is None:
                problems.append('%s: %s has no deps_ section' % (olabel, cmdf))
            elif os.path.basename(obj) in deps_unknown:
                pass  # checked above
            elif 'deps_error' in o:
                problems.append('%s: the plan cannot predict its dependency list (%s), but real Kbuild built it' %
                                (olabel, o['deps_error']))
            elif 'deps' not in o:
                problems.append('%s: the plan has no deps (was --deps given?)' % olabel)
            else:
                counts['deps'] += 1
                counts['deps_entries'] += len(real_deps)
                if o['deps'] != real_deps:
                    diff = list(difflib.unified_diff(real_deps, o['deps'], 'real deps_', 'planned deps', lineterm='', n=1))
                    problems.append('%s: deps differ from %s (%d planned, %d real):\n    ' %
                                    (olabel, cmdf, len(o['deps']), len(real_deps)) + '\n    '.join(diff[:40]))
                from_cmd = deps_cmd.get(o.get('source'))
                if from_cmd is None:
                    problems.append('%s: the deps subcommand gave nothing for %s' % (olabel, o.get('source')))
                elif from_cmd.get('deps') != real_deps:
                    problems.append('%s: the deps subcommand differs from %s: %s' %
                                    (olabel, cmdf, from_cmd.get('deps_error') or '%d entries, real %d' %
                                     (len(from_cmd.get('deps') or []), len(real_deps))))
                else:
                    counts['deps_cmd'] += 1
    return problems, notes, counts

def compile_db(plan_file, db_file):
    """The plan's compiles as a compilation database (directory, arguments, file), for the deps subcommand."""
    try:
        plan = json.load(open(plan_file))
    except ValueError:
        plan = {"modules": []}
    json.dump([{"directory": plan["make_dir"], "arguments": o["command"], "file": o["source"]}
               for m in plan.get("modules", []) for o in m["objects"]], open(db_file, "w"))
    return 0

def main(argv):
    if argv[1:2] == ['self-test']:
        return self_test()
    if argv[1:2] == ['compile-db']:
        return compile_db(argv[2], argv[3])
    plan_file, plan_rc, build, rel, expect_fail = argv[1], int(argv[2]), argv[3], argv[4], argv[5] == '1'
    subs = argv[6:]
    problems, notes, counts = compare(plan_file, plan_rc, build, rel, expect_fail, subs)
    for note in notes:
        print('real-kbuild-plan: note: ' + note, file=sys.stderr)
    for problem in problems:
        print('real-kbuild-plan: DIFF: ' + problem, file=sys.stderr)
    print('%d module(s), %d .mod file(s), %d command(s), %d deps list(s) of %d entries (and %d of the deps '
          'subcommand) compared, %d srcversion(s) predicted equal to modinfo (%d not predicted)%s' %
          (counts['modules'], counts['mods'], counts['objects'], counts['deps'], counts['deps_entries'], counts['deps_cmd'],
           counts['predicted'], counts['predict_unknown'],
           ', %d deps list(s) unknown as expected' % counts['deps_unknown'] if counts['deps_unknown'] else ''))
    return 1 if problems else 0

sys.exit(main(sys.argv))
