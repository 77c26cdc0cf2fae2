#!/bin/bash
# The docs cannot drift from the tool: for each subcommand, the options its --help lists must be exactly the options
# of its synopsis in README.md and exactly the options the man page's OPTIONS section gives that subcommand (an entry
# with no "(subcommand, ...)" list is for every subcommand); each man page option is listed once; every --era value
# the docs offer is accepted; the exit statuses are listed 0, 1, 2, 3, 4 in the help, the README and the man page.
#
# usage: docs-match-help.sh <binary> <source-root>
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || usage 7
bin=$1 root=$2
missing_plain=1 # a missing prerequisite is said without "FAIL:" (it fails all the same)
need_binary "$bin" 'not found'
need_tools 'is not installed' python3
make_work docs-match-help

subcommands=(predict check verify from-build plan deps record reuse store)
for sub in "${subcommands[@]}"; do
  "$bin" "$sub" --help >"$work/help.$sub" 2>&1 || { echo "docs-match-help: $sub --help failed" >&2; exit 1; }
done
"$bin" --help >"$work/help.top" 2>&1 || { echo "docs-match-help: --help failed" >&2; exit 1; }
# Each --era value the README or the man page offers must be accepted (a refused value says "era '...'").
for era in $(grep -ohE '\bE[1-7](/F[1-3])?\b' "$root/README.md" "$root/docs/srcversion-predict.1" | sort -u); do
  "$bin" from-build --era "$era" "$work/no-such-tree" >/dev/null 2>"$work/era.err"
  if grep -q "era '" "$work/era.err"; then
    echo "docs-match-help: FAIL: the docs offer --era $era, which the tool refuses: $(cat "$work/era.err")" >&2
    exit 1
  fi
done

python3 - "$work" "$root/README.md" "$root/docs/srcversion-predict.1" "${subcommands[@]}" <<'PY'
import re, sys

work, readme_path, man_path, subs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
failures = []
option = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b")


def help_options(sub):
    text = open(f"{work}/help.{sub}").read()
    section = text.split("srcversion-predict options:", 1)[1].split("EXIT STATUS", 1)[0]
    return {m.group(1) for m in re.finditer(r"^  (--[a-z][a-z-]*|-[a-z])\b", section, re.M)}


def readme_synopses():
    """Each synopsis in a ``` block: a line 'srcversion-predict <sub> ...' (or '[predict]') and its indented lines."""
    found = {}
    current, fenced = None, False
    for line in open(readme_path).read().splitlines():
        if line.startswith("```"):
            fenced, current = not fenced, None
            continue
        if not fenced:
            continue
        m = re.match(r"srcversion-predict (\[predict\]|[a-z-]+)", line)
        if m:
            current = "predict" if m.group(1) == "[predict]" else m.group(1)
            if current in found:
                failures.append(f"README: two synopses of {current}")
            found[current] = set()
        elif not line.startswith(" "):
            current = None
        if current:
            found[current] |= set(option.findall(line))
    return found


def man_options():
    """OPTIONS section: option -> set of subcommands (None: every subcommand)."""
    text = open(man_path).read()
    section = text.split(".SH OPTIONS", 1)[1].split("\n.SH ", 1)[0]
    entries = {}
    for item in section.split("\n.TP\n")[1:]:
        head, _, body = item.partition("\n")
        name = re.sub(r"^\.B[IR]? ", "", head).replace("\\-", "-").split()[0].split("=")[0].strip('"')
        if name in entries:
            failures.append(f"man page: {name} is listed twice in OPTIONS")
        m = re.match(r"\(([a-z, -]+)\)", body)
        entries[name] = {s.strip() for s in m.group(1).split(",")} if m else None
    return entries


readme = readme_synopses()
man = man_options()
all_help = set()
for sub in subs:
    want = help_options(sub)
    all_help |= want
    if sub not in readme:
        failures.append(f"README: no synopsis of {sub}")
    elif readme[sub] != want:
        failures.append(f"README synopsis of {sub}: missing {sorted(want - readme[sub])}, "
                        f"not in --help {sorted(readme[sub] - want)}")
    in_man = {name for name, where in man.items() if where is None or sub in where}
    if in_man != want:
        failures.append(f"man page OPTIONS for {sub}: missing {sorted(want - in_man)}, "
                        f"not in --help {sorted(in_man - want)}")
for name in sorted(set(man) - all_help):
    failures.append(f"man page: {name} is not an option of any subcommand")

# Exit statuses in order 0..4 everywhere.
top = open(f"{work}/help.top").read().split("EXIT STATUS", 1)[1]
orders = {
    "--help": re.findall(r"^  ([0-9])  ", top, re.M),
    "README": re.findall(r"^\| ([0-9]) \|", open(readme_path).read().split("### Exit status", 1)[1].split("\n#", 1)[0], re.M),
    "man page": re.findall(r"^\.B ([0-9])$", open(man_path).read().split(".SH EXIT STATUS", 1)[1].split("\n.SH ", 1)[0], re.M),
}
for where, order in orders.items():
    if order != ["0", "1", "2", "3", "4"]:
        failures.append(f"{where}: exit statuses listed {order}, not 0, 1, 2, 3, 4")

for f in failures:
    print("docs-match-help: FAIL: " + f, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"docs-match-help: ok ({len(subs)} subcommands, {len(all_help)} options)")
PY
