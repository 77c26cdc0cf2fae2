#!/usr/bin/env bash
# modpost-oracle.sh: writes the golden srcversions of testdata/modpost/<case>/expected/<kernel-release> by running the
# kernels' REAL modpost on each case's crafted tree. Nobody types those goldens by hand; this script is their only writer.
#
# usage: scripts/modpost-oracle.sh [--kernel <release>]... [--check] [--keep] [-v] [case-dir...]
#   --kernel <release>  a kernel to ask (repeatable). Default: every kernel in DEFAULT_KERNELS below. A kernel whose
#                       Kbuild is not installed is an error (exit 2) naming what to install; it is never skipped.
#   --check             write nothing; compare modpost's answers with the stored expected/ files (exit 1 on any difference)
#   --keep              keep the temporary run directories (printed with -v) for debugging
#   -v                  print each modpost command line and its stderr
#   case-dir            default: every directory testdata/modpost/*/ that has a case.txt
#
# What one run does, per case and kernel (see testdata/modpost/README.md for the case format):
#   1. copy the case's tree/ to a temporary directory; put a real module object at tree/<module>.o (a minimal module
#      built once per kernel with that kernel's real Kbuild, cached under
#      ${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/oracle/<release>/carrier.o);
#   2. run that kernel's modpost with its working directory = the copied tree, with exactly the arguments its
#      scripts/Makefile.modpost passes for an external module, plus -a (CONFIG_MODULE_SRCVERSION_ALL) and minus -m
#      (CONFIG_MODVERSIONS) unless the case's optional `flags` file adds it. The argument list is checked against the
#      command line the carrier's own real build recorded in .Module.symvers.cmd;
#   3. write expected/<release>: the 23-hex srcversion from <module>.mod.c, or `none` (modpost succeeded, no srcversion
#      line), or `fatal: <line>` (modpost exited non-zero or died; its exit status alone decides, so a warning is never
#      taken for a failure). <line> is modpost's first stderr line that is not a `WARNING:` (else its first line),
#      without the program-name prefix (`modpost: `, `/path/modpost: `) and the temporary directory; the paths
#      modpost names stay relative to tree/.
#   A case's -m stands for CONFIG_MODVERSIONS=y. For a kernel configured without it (Debian's 7.2) the oracle adds -w
#   (KBUILD_MODPOST_WARN), because modpost -m then wants a "module_layout" export that kernel's Module.symvers lacks.
#
# Exit status: 0 done (or --check: all equal); 1 --check found a difference; 2 usage error or a kernel not installed;
# 3 the oracle itself failed (carrier build, malformed case, modpost left no .mod.c after success).

# shellcheck disable=SC2016,SC2015 # make text in single quotes is literal; `a && b || die` means "die if either fails"
set -u -o pipefail
export LC_ALL=C   # modpost's messages (strerror) in English, whatever the caller's locale

DEFAULT_KERNELS=(6.1.0-56-amd64 6.12.111+deb12-amd64 7.2.12+deb13-amd64)
KBUILD7_BIN=/var/lib/srcv-kbuild7/bin # gcc-14's name for Debian's 7.x Kbuild on Debian 12 (kbuild7-on-bookworm.sh)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
testdata=$top/testdata/modpost
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/oracle

kernels=() cases=() check=0 keep=0 verbose=0
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) [ $# -ge 2 ] || { echo "modpost-oracle: --kernel needs a release" >&2; exit 2; }; kernels+=("$2"); shift 2 ;;
    --kernel=*) kernels+=("${1#--kernel=}"); shift ;;
    --check) check=1; shift ;;
    --keep) keep=1; shift ;;
    -v) verbose=1; shift ;;
    -h|--help) sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; cases+=("$@"); break ;;
    -*) echo "modpost-oracle: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) cases+=("$1"); shift ;;
  esac
done
[ ${#kernels[@]} -gt 0 ] || kernels=("${DEFAULT_KERNELS[@]}")
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$testdata"/*/; do [ -f "$d/case.txt" ] && cases+=("${d%/}"); done
  [ ${#cases[@]} -gt 0 ] || { echo "modpost-oracle: no cases under $testdata" >&2; exit 2; }
fi

log() { [ "$verbose" = 1 ] && printf '%s\n' "$*" >&2; return 0; }
die() { echo "modpost-oracle: $*" >&2; exit 3; }

install_hint() {
  case $1 in
    7.*+deb13-amd64) echo "run scripts/kbuild7-on-bookworm.sh (Debian's ${1%-amd64} Kbuild from trixie-backports, made to run on Debian 12)" ;;
    *) echo "install it: apt-get install linux-headers-$1" ;;
  esac
}

# ---- per kernel: check the installation, learn its modpost argv, build (or reuse) the carrier module -------------
declare -A BUILD STYLE HAS_M EXTRA CARRIER MODVERSIONS
missing=0
for rel in "${kernels[@]}"; do
  b=/lib/modules/$rel/build
  for f in scripts/mod/modpost scripts/Makefile.modpost Module.symvers include/config/auto.conf Makefile; do
    if [ ! -e "$b/$f" ]; then
      echo "modpost-oracle: kernel $rel is not installed ($b/$f is missing): $(install_hint "$rel")" >&2
      missing=1; continue 2
    fi
  done
  BUILD[$rel]=$(readlink -f "$b")
done
[ "$missing" = 0 ] || exit 2

[ -d "$KBUILD7_BIN" ] && export PATH="$KBUILD7_BIN:$PATH"

for rel in "${kernels[@]}"; do
  b=${BUILD[$rel]}
  mf=$(readlink -f "$b/scripts/Makefile.modpost")
  # How this Kbuild hands the module list to modpost (every layout seen from 6.1 to 7.2):
  #   stdin: 6.1     sed 's/ko$/o/' modules.order | modpost <args> -T -     (modules.order lists <name>.ko)
  #   order: 6.2+    modpost <args> -T modules.order                        (modules.order lists <name>.o)
  if grep -q -- '| $(MODPOST) $(modpost-args) -T -' "$mf"; then STYLE[$rel]=stdin
  elif grep -qE -- '-T (\$\(MODORDER\)|modules\.order)' "$mf"; then STYLE[$rel]=order
  else die "$rel: $mf hands the module list to modpost in a way this script does not know; teach it"; fi
  if grep -q -- '$(if $(CONFIG_MODULES),-M)' "$mf"; then HAS_M[$rel]=1; else HAS_M[$rel]=0; fi
  # flags Kbuild adds from the kernel's config (besides -m and -a, which the cases control)
  conf=$b/include/config/auto.conf extra=()
  grep -q '^CONFIG_SECTION_MISMATCH_WARN_ONLY=y' "$conf" || extra+=(-E)
  grep -q '^CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS=y' "$conf" && extra+=(-N)
  EXTRA[$rel]="${extra[*]}"
  if grep -q '^CONFIG_MODVERSIONS=y' "$conf"; then MODVERSIONS[$rel]=1; else MODVERSIONS[$rel]=0; fi

  cdir=$cache_root/$rel
  CARRIER[$rel]=$cdir/carrier.o
  if [ ! -s "$cdir/carrier.o" ] || [ ! -s "$cdir/Module.symvers.cmd" ] || [ "$b/Module.symvers" -nt "$cdir/carrier.o" ]; then
    echo "modpost-oracle: building the carrier module for $rel with its real Kbuild (once; cached in $cdir)" >&2
    mkdir -p "$cdir" || die "cannot create $cdir"
    m=$(mktemp -d "${TMPDIR:-/tmp}/modpost-oracle-carrier.XXXXXX") || die "mktemp failed"
    cat > "$m/carrier.c" <<'EOF'
// Carrier object for modpost-oracle.sh: modpost needs a real module ELF with .modinfo at <module>.o.
#include <linux/module.h>
static int __init carrier_init(void) { return 0; }
static void __exit carrier_exit(void) { }
module_init(carrier_init);
module_exit(carrier_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict modpost oracle carrier");
EOF
    echo 'obj-m := carrier.o' > "$m/Kbuild"
    # CONFIG_MODULE_SRCVERSION_ALL=y so the recorded modpost command line shows -a too; BTF off (it runs after modpost
    # and needs a pahole that Debian 12 may lack for newer kernels).
    if ! make -C "$b" M="$m" modules CONFIG_MODULE_SRCVERSION_ALL=y CONFIG_DEBUG_INFO_BTF_MODULES= > "$cdir/build.log" 2>&1 \
       || [ ! -s "$m/carrier.o" ] || [ ! -s "$m/.Module.symvers.cmd" ]; then
      tail -n 20 "$cdir/build.log" >&2
      rm -rf "$m"; die "$rel: building the carrier module failed (log: $cdir/build.log)"
    fi
    sed "s|$m|<M>|g" "$m/.Module.symvers.cmd" > "$cdir/Module.symvers.cmd"
    cp "$m/carrier.o" "$cdir/carrier.o.tmp" && mv "$cdir/carrier.o.tmp" "$cdir/carrier.o" || die "cannot write $cdir/carrier.o"
    rm -rf "$m"
  fi
done

# modpost's argument list for one kernel; $1 = release, $2 = the case's extra flags (from its `flags` file)
modpost_args() {
  local rel=$1 flags=$2 a=()
  [ "${HAS_M[$rel]}" = 1 ] && a+=(-M)
  # shellcheck disable=SC2206 # word splitting wanted: flags are whitespace-separated options
  a+=($flags -a ${EXTRA[$rel]} -o Module.symvers)
  if [ "${STYLE[$rel]}" = stdin ]; then
    a+=(-e -i "${BUILD[$rel]}/Module.symvers" -T -)
  else
    a+=(-T modules.order -i "${BUILD[$rel]}/Module.symvers" -e)
  fi
  printf '%s\n' "${a[@]}"
}

# Check our argument list against the one the carrier's real build used (paths normalised, -m dropped: the cases
# decide -m). Recorded forms: 6.1 `sed 's/ko$$/o/' <M>/modules.order | scripts/mod/modpost -m -a -o <M>/Module.symvers
# -e -i Module.symvers -T -`; 6.12 `scripts/mod/modpost -M -m -a -o <M>/Module.symvers -T <M>/modules.order -i
# Module.symvers -e`; 7.2 `<build>/scripts/mod/modpost -M -a -o Module.symvers -T modules.order -i <build>/Module.symvers -e`.
for rel in "${kernels[@]}"; do
  b=${BUILD[$rel]}
  b_re=$(printf '%s' "$b" | sed 's/[].[\\*^$()+?{|]/\\&/g')
  rec=$(sed -n '1{s/^[a-z]*cmd_[^ ]* := *//; s/.*| *//; p}' "$cache_root/$rel/Module.symvers.cmd")
  norm() { sed -E "s#(^| )(<M>/|$b_re/)#\\1#g; s#(^| )scripts/mod/modpost( |\$)#\\1\\2#; s/(^| )-m( |\$)/\\1\\2/g; s/  +/ /g; s/^ //; s/ \$//"; }
  want=$(printf '%s' "$rec" | norm)
  got=$(modpost_args "$rel" "" | tr '\n' ' ' | norm)
  [ "$want" = "$got" ] || die "$rel: modpost arguments differ from the real build's (.Module.symvers.cmd): real '$want', ours '$got'"
  log "$rel: modpost $(modpost_args "$rel" "" | tr '\n' ' ')(style ${STYLE[$rel]}; checked against the real build)"
done

# ---- per case ------------------------------------------------------------------------------------------------------
# one_run <case-dir> <release>: prints the expected/ line
one_run() {
  local c=$1 rel=$2 tmp module flags="" rc out
  module=$(head -n 1 "$c/module")
  [ -f "$c/flags" ] && flags=$(tr '\n' ' ' < "$c/flags")
  # A case's -m stands for CONFIG_MODVERSIONS=y. On a kernel configured without it (Debian's 7.2), modpost -m then
  # demands "module_layout", which that kernel's Module.symvers lacks: an artefact of this set-up, not of the case.
  # KBUILD_MODPOST_WARN's -w keeps that a warning; file errors (what the -m cases are about) stay fatal.
  case " $flags " in *" -m "*) [ "${MODVERSIONS[$rel]}" = 1 ] || flags+=" -w" ;; esac
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/modpost-oracle.XXXXXX") || die "mktemp failed"
  cp -a "$c/tree" "$tmp/tree" || die "cannot copy $c/tree"
  mkdir -p "$(dirname "$tmp/tree/$module.o")" && cp "${CARRIER[$rel]}" "$tmp/tree/$module.o" || die "cannot place the carrier"
  local -a args
  mapfile -t args < <(modpost_args "$rel" "$flags")
  local mp=${BUILD[$rel]}/scripts/mod/modpost
  log "[$(basename "$c") @ $rel] (cd $tmp/tree && $mp ${args[*]})"
  # modpost's own stderr goes to $tmp/stderr; the shell's (e.g. "Aborted" when modpost dies) to $tmp/shell-stderr
  if [ "${STYLE[$rel]}" = stdin ]; then
    printf '%s.ko\n' "$module" > "$tmp/tree/modules.order"
    (cd "$tmp/tree" && sed 's/ko$/o/' modules.order | timeout 120 "$mp" "${args[@]}" > "$tmp/stdout" 2> "$tmp/stderr") \
      2> "$tmp/shell-stderr"
  else
    printf '%s.o\n' "$module" > "$tmp/tree/modules.order"
    (cd "$tmp/tree" && timeout 120 "$mp" "${args[@]}" > "$tmp/stdout" 2> "$tmp/stderr") 2> "$tmp/shell-stderr"
  fi
  rc=$?   # modpost's exit status (pipefail; sed does not fail); > 128: killed by a signal
  if [ "$verbose" = 1 ]; then
    [ -s "$tmp/stderr" ] && sed 's/^/    stderr: /' "$tmp/stderr" >&2
    [ "$rc" -gt 128 ] && echo "    (modpost killed by signal $((rc - 128)))" >&2
  fi
  [ "$rc" = 124 ] && die "$c @ $rel: modpost timed out"
  if [ "$rc" = 0 ]; then
    [ -f "$tmp/tree/$module.mod.c" ] || die "$c @ $rel: modpost succeeded but wrote no $module.mod.c"
    out=$(sed -n 's/^MODULE_INFO(srcversion, "\([0-9A-F]*\)");$/\1/p' "$tmp/tree/$module.mod.c")
    [ -n "$out" ] || out=none
    if [ -s "$tmp/stderr" ]; then log "    (warnings above did not fail modpost)"; fi
  else
    # The reason: modpost's first stderr line that is not a warning (a warning can precede the failure, e.g.
    # 6.1's "malformed line" before it aborts), else its first line. Program-name prefixes (`modpost: `,
    # `/path/to/modpost: `, `ERROR: modpost: `, keeping the ERROR:/FATAL: level) and the temporary directory go.
    local line="" l
    local -a lines
    mapfile -t lines < <(sed -E 's#^((ERROR|FATAL|WARNING): )?[^ :]*modpost[^ :]*: #\1#' "$tmp/stderr")
    for l in "${lines[@]}"; do case $l in "WARNING: "*) ;; *) line=$l; break ;; esac; done
    [ -n "$line" ] || line=${lines[0]:-}
    line=${line//"$tmp/tree/"/}
    line=${line//"$tmp"/<tmp>}
    [ -n "$line" ] || line="(modpost printed nothing; exit status $rc)"
    out="fatal: $line"
  fi
  if [ "$keep" = 1 ]; then log "    kept $tmp"; else rm -rf "$tmp"; fi
  printf '%s\n' "$out"
}

# kernel_version <release>: VERSION.PATCHLEVEL.SUBLEVEL from the kernel's Makefile (Debian's per-flavour Makefile
# includes the common one). The unit tests choose each golden's era from it (testdata/modpost/kernels.txt).
kernel_version() {
  local mk=/lib/modules/$1/build/Makefile inc
  inc=$(awk '$1 == "include" { print $2; exit }' "$mk")
  if [ -n "$inc" ] && [ -f "$inc" ]; then mk=$inc; fi
  awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 } $1 == "SUBLEVEL" { s = $2 }
                 END { if (v != "" && p != "" && s != "") print v "." p "." s; else exit 1 }' "$mk"
}

status=0 start=$SECONDS disagree=()
if [ "$check" != 1 ]; then
  list=$(dirname "$0")/../testdata/modpost/kernels.txt
  touch "$list"
  for rel in "${kernels[@]}"; do
    ver=$(kernel_version "$rel") || die "cannot read the version of kernel $rel from its Makefile"
    { grep -v "^$rel " "$list" || true; echo "$rel $ver"; } | sort > "$list.new" && mv "$list.new" "$list"
  done
fi
for c in "${cases[@]}"; do
  c=${c%/}
  name=$(basename "$c")
  [ -f "$c/case.txt" ] && [ -f "$c/module" ] && [ -d "$c/tree" ] || die "$c: not a case (needs case.txt, module, tree/)"
  module=$(head -n 1 "$c/module")
  [ -n "$module" ] && [ "$(wc -l < "$c/module")" = 1 ] || die "$c/module: must hold exactly one line"
  for f in "$module.o" "$module.mod.c" modules.order Module.symvers; do
    [ ! -e "$c/tree/$f" ] || die "$c/tree/$f: the oracle creates this file; remove it from the case"
  done
  row="$name" firstval="" same=1
  for rel in "${kernels[@]}"; do
    val=$(one_run "$c" "$rel") || exit 3
    row+="  $rel=$val"
    if [ -z "$firstval" ]; then firstval=$val; elif [ "$val" != "$firstval" ]; then same=0; fi
    if [ "$check" = 1 ]; then
      old=$(cat "$c/expected/$rel" 2>/dev/null || echo '<missing>')
      if [ "$old" != "$val" ]; then echo "DIFF $name @ $rel: stored '$old', modpost now '$val'"; status=1; fi
    else
      mkdir -p "$c/expected" && printf '%s\n' "$val" > "$c/expected/$rel" || die "cannot write $c/expected/$rel"
    fi
  done
  [ "$same" = 1 ] || { row+="  <-- kernels disagree"; disagree+=("$name"); }
  echo "$row"
done
echo "modpost-oracle: ${#cases[@]} cases x ${#kernels[@]} kernels in $((SECONDS - start)) s" \
     "(${#disagree[@]} where the kernels disagree${disagree[*]:+: ${disagree[*]}})"
exit $status
