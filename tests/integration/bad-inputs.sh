#!/bin/bash
# The bad-input contract (README, "Bad inputs"): one named check per row of that table, on one kernel (6.1.0-56).
# Every row runs the built binary on the bad input and holds it to the row: the exit status; a message on stderr whose
# first line starts with "srcversion-predict: " and names the file (one line, unless make's own lines follow); no
# crash signal; no raw control or invalid UTF-8 bytes on stderr; no srcversion printed where none can be known;
# nothing written into the module directory (snapshot before and after) or the kernel's build directory; nothing left
# in a private $TMPDIR. A srcversion printed for odd but valid input is compared with a real Kbuild build: verify
# (which builds a copy with real Kbuild and compares), real make against a damaged kernel copy, the real modpost run
# on a damaged built tree; never with the tool itself.
#
# usage: bad-inputs.sh <binary> <kernel-release>
#   Exit 0 only if every row holds; a missing prerequisite (kernel, xz, zstd, gzip, objcopy, modinfo, python3, setpriv
#   when run as root) fails loudly.
. "$(dirname "$0")/lib.sh"

row="setup"
fail() {
  echo "$me: FAIL [$row]: $*" >&2
  [ -s "$work/out" ] && { echo "--- stdout:" >&2; head -c 4000 "$work/out" >&2; }
  [ -s "$work/err" ] && { echo "--- stderr:" >&2; head -c 4000 "$work/err" >&2; }
  exit 1
}
[ $# -eq 2 ] || usage 11
bin=$1 rel=$2
missing_plain=1 # a missing prerequisite is said without "FAIL:" (it fails all the same)
need_binary "$bin" 'not found'
need_kernel "$rel" 'is not installed'
need_tools 'is not installed (scripts/install-deps.sh)' xz zstd gzip objcopy modinfo python3 make
if [ "$(id -u)" = 0 ]; then
  need_tools '(util-linux) is not installed' setpriv
fi
kdir=$(readlink -f "/lib/modules/$rel/build")
started=$(date +%s)

make_work bad-inputs
chmod 755 "$work" # the unreadable-source row runs the tool as another user
export TMPDIR=$work/tmp LC_ALL=C
mkdir -p "$TMPDIR" && chmod 1777 "$TMPDIR"
cache=$work/cache
hello=$root/examples/hello

snap() { (cd "$1" && find . -printf '%p %y %s %T@ %m %l\n' | sort); }
kernel_before=$(snap "$kdir")
watch="" # the directory a row's command must not write into ("" = none)

# run <want-status> <command...>: stdout in $work/out, stderr in $work/err; the checks every row shares.
run() {
  local want=$1 before="" rc
  shift
  [ -n "$watch" ] && before=$(snap "$watch")
  "$@" >"$work/out" 2>"$work/err"
  rc=$?
  [ $rc -lt 128 ] || fail "killed by signal $((rc - 128)): $*"
  [ $rc -eq "$want" ] || fail "exit $rc, expected $want: $*"
  if [ -n "$(ls -A "$TMPDIR")" ]; then fail "left in \$TMPDIR: $(ls -A "$TMPDIR")"; fi
  if [ -n "$watch" ] && [ "$(snap "$watch")" != "$before" ]; then
    diff <(echo "$before") <(snap "$watch") >&2
    fail "wrote into $watch"
  fi
  printable "$work/err" || fail "raw control or invalid UTF-8 bytes on stderr"
  if [ "$want" -ne 0 ]; then
    [ -s "$work/err" ] || fail "exit $want without a message"
    head -1 "$work/err" | grep -q '^srcversion-predict: ' || fail "the message does not start with 'srcversion-predict: '"
  fi
}
# printable <file>: only printable UTF-8 and line breaks (no C0/C1 control, DEL, invalid byte)
printable() {
  ! grep -qaP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1" && iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1
}
# says <text>...: each text on stderr (fixed strings)
says() { for s in "$@"; do grep -qF -- "$s" "$work/err" || fail "stderr does not say '$s'"; done; }
# one_line: the message is one line
one_line() { [ "$(wc -l <"$work/err")" -eq 1 ] || fail "the message is not one line"; }
# no_srcversion: stdout names no srcversion (check's lines: no predicted one)
no_srcversion() {
  if grep -qE '(^| )[0-9A-F]{23}( |$)' "$work/out"; then fail "a srcversion was printed"; fi
}
no_predicted() { awk '$3 != "-" { exit 1 }' "$work/out" || fail "check printed a predicted srcversion"; }
row_start=$(date +%s)
ok() {
  echo "bad-inputs: ok: $row ($(($(date +%s) - row_start)) s)"
  row_start=$(date +%s)
}
# mod <name> [file...]: a copy of examples/hello at $work/<name> (its path in $m)
mod() { m=$work/$1; rm -rf "$m"; mkdir -p "$(dirname "$m")"; cp -a "$hello" "$m"; }
# verified <dir> [verify options]: verify (real Kbuild) says equal for every module; the srcversion in $sv
verified() {
  local dir=$1
  shift
  run 0 "$bin" verify --cache-dir "$cache" "$@" "$dir" "$rel"
  grep -q '^hello equal [0-9A-F]\{23\} [0-9A-F]\{23\} ' "$work/out" || fail "verify does not say equal"
  sv=$(awk '{print $3}' "$work/out")
}

# The cache is warmed once (the kernel's profile), so that the rows measure themselves.
run 0 "$bin" predict --cache-dir "$cache" "$hello" "$rel" --all-versions=yes
sv_hello=$(awk '{print $2}' "$work/out")

# ---------------------------------------------------------------------------------------------------- module dirs
row="module dir missing: reported at once, before any kernel profile is captured"
for sub in predict check verify plan; do
  extra=()
  [ $sub = check ] && extra=("$work")
  start=$(date +%s%N)
  run 2 "$bin" $sub --cache-dir "$work/cold" "$work/no-such-dir" "$rel" "${extra[@]}"
  says "$work/no-such-dir: no such directory" "Kbuild or Makefile"
  one_line
  [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 1000 ] || fail "$sub took a second or more"
  [ ! -e "$work/cold/kernels" ] || fail "$sub captured a kernel profile first"
done
run 2 "$bin" "$work/"$'no\x01such\xff' "$rel"
says "no\\x01such\\xff: no such directory"
ok

row="module dir is an empty string"
run 2 "$bin" "" "$rel"
says "the module directory argument is empty"
one_line
ok

row="module dir is a file"
run 2 "$bin" "$hello/hello.c" "$rel"
says "$hello/hello.c: not a directory" "not a file in it"
one_line
ok

row="module dir without Kbuild or Makefile"
mkdir -p "$work/empty"
watch=$work/empty
run 2 "$bin" plan "$work/empty" "$rel"
says "$work/empty: no Kbuild or Makefile"
one_line
ok

row="module dir is a symlink loop"
ln -s loop "$work/loop"
watch=""
run 2 "$bin" "$work/loop" "$rel"
says "$work/loop" "symbolic links"
one_line
ok

# ---------------------------------------------------------------------------------------------------- makefiles
row="a makefile with an error: the reason, nothing on stdout (exit 3)"
mod mkerror
echo '$(error this module cannot be evaluated)' >>"$m/Kbuild"
watch=$m
run 3 "$bin" predict --cache-dir "$cache" "$m" "$rel"
says "$m: Kbuild cannot evaluate this module" "$m/Kbuild:2: *** this module cannot be evaluated"
one_line
[ ! -s "$work/out" ] || fail "stdout is not empty"
run 3 "$bin" plan --cache-dir "$cache" "$m" "$rel"
says "this module cannot be evaluated"
ok

row="a DKMS package with a makefile error: '<module> -' for each module dkms.conf names (exit 3)"
mod dkmserror
printf 'PACKAGE_NAME="hello"\nPACKAGE_VERSION="1.0"\nBUILT_MODULE_NAME[0]="hello"\nDEST_MODULE_LOCATION[0]="/updates/dkms"\n' \
  >"$m/dkms.conf"
echo '$(error this package cannot be evaluated)' >>"$m/Kbuild"
watch=$m
run 3 "$bin" predict --cache-dir "$cache" "$m" "$rel"
[ "$(cat "$work/out")" = "hello -" ] || fail "stdout is not 'hello -'"
says "hello: cannot predict" "this package cannot be evaluated"
ok

# ---------------------------------------------------------------------------------------------------- sources
row="a missing source"
mod nosource
rm "$m/hello.c"
watch=$m
run 3 "$bin" predict --cache-dir "$cache" "$m" "$rel"
says "No rule to make target '$m/hello.o'"
no_srcversion
ok

row="an unreadable source (chmod 000; run as nobody, since root reads it anyway)"
mod unreadable
chmod 000 "$m/hello.c"
watch=$m
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$work/nobody-tmp" "$work/nobody-cache" && chown 65534:65534 "$work/nobody-tmp" "$work/nobody-cache"
  run 2 env TMPDIR="$work/nobody-tmp" setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$bin" predict --cache-dir "$work/nobody-cache" "$m" "$rel"
  [ -z "$(ls -A "$work/nobody-tmp")" ] || fail "left in nobody's TMPDIR: $(ls -A "$work/nobody-tmp")"
else
  run 2 "$bin" predict --cache-dir "$cache" "$m" "$rel"
fi
says "$m/hello.c" "Permission denied"
one_line
no_srcversion
ok

row="a directory instead of a source"
mod dirsource
rm "$m/hello.c" && mkdir "$m/hello.c"
watch=$m
run 3 "$bin" predict --cache-dir "$cache" "$m" "$rel"
says "hello: cannot predict" "'$m/hello.c': Is a directory"
one_line
no_srcversion
ok

row="a missing generated header"
mod genheader
sed -i 's|#include "hello.h"|#include "hello.h"\n#include "generated.h"|' "$m/hello.c"
watch=$m
run 3 "$bin" predict --cache-dir "$cache" "$m" "$rel"
[ "$(cat "$work/out")" = "hello -" ] || fail "stdout is not 'hello -'"
says 'header "generated.h" not found' "$m/hello.c"
one_line
ok

# Odd but valid input: one directory of five modules (one per row) and symlink loops, built once by verify (real
# Kbuild, a module per line) and predicted once; each row checks its module's lines.
valid=$work/valid
mkdir -p "$valid"
for name in nul latin1 crlf longlines big; do
  sed "s|\"hello.h\"|\"$name.h\"|; s|hello_|${name}_|g" "$hello/hello.c" >"$valid/$name.c"
  cp "$hello/hello.h" "$valid/$name.h"
done
printf 'obj-m := nul.o latin1.o crlf.o longlines.o big.o\n' >"$valid/Kbuild"
printf '/* a NUL \0 in a comment */\nstatic int nul_x \0 = 1;\n' >>"$valid/nul.c"
printf '#define NUL_H 1 /* \0 */\n' >>"$valid/nul.h"
printf '/* latin1 \xe9\xff\xfe */\nstatic const char u8_s[] = "\xff\xfe\x80";\n' >>"$valid/latin1.c"
printf '#define LATIN1_H "\xe9t\xe9" /* \xc3\x28 */\n' >>"$valid/latin1.h"
sed -i 's/$/\r/' "$valid/crlf.c" "$valid/crlf.h" "$valid/Kbuild"
python3 - "$valid" <<'PY'
import sys
d = sys.argv[1]
with open(d + "/longlines.c", "a") as f:
    f.write("/* " + "x" * 2_000_000 + " */\nstatic int long_y = " + "+".join(["1"] * 100_000) + ";\n")
    f.write("#define LONG_M " + "a " * 500_000 + "\n")
line = "/* " + "y" * 1000 + " */\n"
with open(d + "/big.h", "a") as f:
    f.write(line * (100 * 1024 * 1024 // len(line) + 1))
    f.write("#define BIG_DONE 1\n")
PY
ln -s . "$valid/self" && ln -s loop "$valid/loop" && ln -s ../valid "$valid/up"
watch=$valid
run 0 "$bin" verify --cache-dir "$cache" "$valid" "$rel"
cp "$work/out" "$work/valid.verify"
run 0 "$bin" predict --cache-dir "$cache" "$valid" "$rel" --all-versions=yes
cp "$work/out" "$work/valid.predict"
# valid_row <module>: real Kbuild (verify) says equal, and predict prints that srcversion
valid_row() {
  local real
  real=$(awk -v m="$1" '$1 == m && $2 == "equal" && $3 == $4 { print $4 }' "$work/valid.verify")
  [ -n "$real" ] || fail "verify: $(grep "^$1 " "$work/valid.verify")"
  grep -qx "$1 $real" "$work/valid.predict" || fail "predict: $(grep "^$1 " "$work/valid.predict"), real Kbuild: $real"
  ok
}
row="NUL bytes in a source and a header: predicted as real Kbuild builds it"
valid_row nul
row="non-UTF-8 bytes in a source and a header: predicted as real Kbuild builds it"
valid_row latin1
row="CRLF line ends (sources, header, Kbuild): predicted as real Kbuild builds it"
valid_row crlf
row="very long lines (a 2 MB comment line, a 200 kB expression, a 1 MB macro): predicted as real Kbuild builds it"
valid_row longlines
row="a 100 MB source (a header it includes): predicted as real Kbuild builds it"
valid_row big
row="symlink loops inside the module dir (., a self-loop, ../valid): predicted as real Kbuild builds it"
[ "$(wc -l <"$work/valid.verify")" -eq 5 ] && [ "$(wc -l <"$work/valid.predict")" -eq 5 ] || fail "not five modules"
ok
rm -rf "$valid"

# ---------------------------------------------------------------------------------------------------- paths
row="module paths with spaces and shell metacharacters: cannot predict (make M= fails there), nothing run"
for name in 'sp ace' 'dol$lar' 'back`tick' 'semi;colon' "quo'te" 'dq"uote' 'par(en)' 'am&p' 'pi|pe' 'com,ma' '[b]'; do
  mod "paths/$name/hello"
  watch=$m
  run 3 "$bin" predict --cache-dir "$cache" "$m" "$rel"
  says "$m: cannot predict: make M= fails on a module directory whose path holds" "copy the directory to a path"
  one_line
  no_srcversion
  run 3 "$bin" plan --cache-dir "$cache" "$m" "$rel"
done
# ... and a work directory with such a character: the prediction there says so, and nothing is built
run 3 "$bin" verify --cache-dir "$cache" --work-dir "$work/w;x/y" "$hello" "$rel"
says "cannot predict: make M= fails"
ok

row="module paths with characters make M= takes (]{}!~=+@^ and UTF-8): predicted as real Kbuild builds it"
mod 'odd/b]{c}!d~e=f+g@h^i-é/hello'
watch=$m
verified "$hello" --work-dir "$work/odd/b]{c}!d~e=f+g@h^i-é/w"
[ "$sv" = "$sv_hello" ] || fail "verify at an odd path gave another srcversion than examples/hello's"
run 0 "$bin" predict --cache-dir "$cache" "$m" "$rel" --all-versions=yes
[ "$(cat "$work/out")" = "hello $sv" ] || fail "predict gave another srcversion than the real build"
ok

row="a header whose name holds a space: cannot predict (gcc escapes it in the dependency file)"
mod spaceheader
mv "$m/hello.h" "$m/hel lo.h" && sed -i 's|"hello.h"|"hel lo.h"|' "$m/hello.c"
watch=$m
run 3 "$bin" predict --cache-dir "$cache" "$m" "$rel"
says "hello: cannot predict" "$m/hel lo.h" "not modelled"
no_srcversion
ok

# ---------------------------------------------------------------------------------------------------- kernels
watch=""
row="a kernel that is not installed"
run 2 "$bin" predict --cache-dir "$cache" "$hello" 9.9.9-no-such-kernel
says "kernel 9.9.9-no-such-kernel has no build directory" "apt install linux-headers-9.9.9-no-such-kernel"
one_line
ok

row="an empty kernel argument"
run 2 "$bin" predict --cache-dir "$cache" "$hello" ""
says "the kernel argument is empty"
one_line
ok

# kcopy <name>: a copy of the kernel's build directory at $work/kernels/<name> (its symlinks made absolute); in $k
kcopy() {
  k=$work/kernels/$1
  mkdir -p "$work/kernels" && cp -a "$kdir" "$k"
  for l in "$k"/*; do [ -L "$l" ] && ln -sfn "$(readlink -f "$kdir/$(basename "$l")")" "$l"; done
  return 0
}

row="a damaged kernel: no Makefile"
kcopy nomakefile
rm "$k/Makefile"
run 2 "$bin" predict --cache-dir "$cache" "$hello" "$k"
says "$k: not a kernel build directory (no Makefile)"
one_line
ok

row="a damaged kernel: a Makefile without its version"
kcopy badmakefile
printf 'garbage \x01\xff\nall:\n\techo\n' >"$k/Makefile"
run 2 "$bin" predict --cache-dir "$cache" "$hello" "$k"
says "$k: no VERSION/PATCHLEVEL/SUBLEVEL in the kernel Makefile" "reinstall the kernel's headers"
one_line
ok

row="a damaged kernel: garbage .config (Kbuild does not read it for M=): predicted as real Kbuild builds it"
kcopy badconfig
python3 -c 'import random, sys; random.seed(13); sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(4000)))' \
  >"$k/.config"
run 0 "$bin" predict --cache-dir "$cache" "$hello" "$k" --all-versions=yes
predicted=$(cat "$work/out")
cp -a "$hello" "$work/real-badconfig"
(cd "$work/real-badconfig" && make -C "$k" M="$work/real-badconfig" modules CONFIG_MODULE_SRCVERSION_ALL=y) \
  >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; fail "real make against the damaged kernel failed"; }
[ "$predicted" = "hello $(modinfo -F srcversion "$work/real-badconfig/hello.ko")" ] ||
  fail "predicted '$predicted', real Kbuild gave $(modinfo -F srcversion "$work/real-badconfig/hello.ko")"
ok

row="a damaged kernel: include/config/auto.conf missing (exit 3, make's own lines follow)"
kcopy noautoconf
rm "$k/include/config/auto.conf"
run 3 "$bin" predict --cache-dir "$cache" "$hello" "$k"
says "$k: the kernel's top-level Makefile failed" "include/config/auto.conf are missing"
no_srcversion
ok

row="a damaged kernel: garbage include/config/auto.conf (exit 3)"
kcopy badautoconf
printf 'CONFIG_BROKEN\x01\xff\n' >>"$k/include/config/auto.conf"
run 3 "$bin" predict --cache-dir "$cache" "$hello" "$k"
says "$k: the kernel's top-level Makefile failed" "include/config/auto.conf:" "missing separator"
no_srcversion
ok

# ---------------------------------------------------------------------------------------------------- from-build
# A real build of examples/hello; each row damages one file of it and restores it. The truth is the real modpost
# run on the damaged tree with the command line the build recorded (.Module.symvers.cmd).
built=$work/built
"$kbuild_build" "$rel" "$hello" "$built" 2>"$work/err" || fail "the real build of examples/hello failed"
real_modpost() { # prints modpost's srcversion for hello, or '-' when modpost fails
  local cmd
  cmd=$(sed -n '1s/^[^ ]* := *//p' "$built/.Module.symvers.cmd" | sed 's/\$\$/$/g')
  rm -f "$built/hello.mod.c"
  if (cd "$kdir" && sh -c "$cmd") >/dev/null 2>&1; then
    sed -n 's/^MODULE_INFO(srcversion, "\(.*\)");$/\1/p' "$built/hello.mod.c"
  else
    echo -
  fi
}
damage() { # damage <file> <python bytes expression>
  cp "$built/$1" "$work/saved" && python3 -c "import sys; sys.stdout.buffer.write($2)" >"$built/$1"
}
restore() { cp "$work/saved" "$built/$1"; }

row="from-build: garbage .mod (control and invalid bytes): as the real modpost, escaped on stderr"
damage hello.mod 'b"\x01\x02\xff\xfe garbage\x1b[31m red\n\x00\x00zz\n"'
want=$(real_modpost)
watch=""
if [ "$want" = - ]; then run 3 "$bin" from-build "$built"; else run 0 "$bin" from-build "$built"; fi
[ "$(cat "$work/out")" = "hello $want" ] || fail "from-build printed '$(cat "$work/out")', the real modpost: $want"
[ "$want" = - ] && says '\x01\x02\xff\xfe garbage\x1b[31m red'
restore hello.mod
ok

row="from-build: garbage .cmd: as the real modpost"
for garbage in 'bytes(range(256)) * 8' 'b"cmd_x := \x01\x1b[31m\xff\n\nsource_x := \x02\xff\n\ndeps_x := \\\n  \xff\x1b \\\n"' \
               'b"\x00" * 100'; do
  damage .hello.o.cmd "$garbage"
  want=$(real_modpost)
  if [ "$want" = - ]; then run 3 "$bin" from-build "$built"; else run 0 "$bin" from-build "$built"; fi
  [ "$(cat "$work/out")" = "hello $want" ] || fail "from-build printed '$(cat "$work/out")', the real modpost: $want"
  restore .hello.o.cmd
done
ok

row="from-build: garbage modules.order: module names escaped on stdout too"
cp "$built/modules.order" "$work/saved" && printf '%s/\x01\x1b[2J\xff.ko\n' "$built" >"$built/modules.order"
run 3 "$bin" from-build "$built"
printable "$work/out" || fail "raw control bytes on stdout"
grep -qF '\x01\x1b[2J\xff -' "$work/out" || fail "the module name is not escaped on stdout"
restore modules.order
ok

# ---------------------------------------------------------------------------------------------------- .ko files
ko=$built/hello.ko
mkdir -p "$work/ko"
# check_bad <file> <words>...: check refuses the file (exit 2, bad-input, nothing predicted compared)
check_bad() {
  local file=$1
  shift
  run 2 "$bin" check --cache-dir "$cache" "$hello" "$rel" "$file"
  grep -q "^hello bad-input - - $file$" "$work/out" || fail "no bad-input line"
  no_predicted
  says "$file" "$@"
  one_line
}

row="check: not an ELF file"
mkdir -p "$work/ko/notelf" && echo "not a module" >"$work/ko/notelf/hello.ko"
check_bad "$work/ko/notelf/hello.ko" "not a kernel module (no ELF header)" "reinstall or rebuild it"
ok

row="check: a truncated .ko"
mkdir -p "$work/ko/trunc" && head -c 2000 "$ko" >"$work/ko/trunc/hello.ko"
check_bad "$work/ko/trunc/hello.ko" "not a kernel module (truncated"
ok

row="check: an ELF without .modinfo"
mkdir -p "$work/ko/nomodinfo" && objcopy --rename-section .modinfo=.notmodinfo "$ko" "$work/ko/nomodinfo/hello.ko"
check_bad "$work/ko/nomodinfo/hello.ko" "not a kernel module (no .modinfo section)"
ok

for tool in xz zstd gzip; do
  ext=$tool
  [ $tool = zstd ] && ext=zst
  [ $tool = gzip ] && ext=gz
  row="check: a truncated and a garbage .ko.$ext (made with the real $tool)"
  mkdir -p "$work/ko/$tool-trunc" "$work/ko/$tool-garbage"
  $tool -c "$ko" >"$work/ko/full.$ext"
  head -c $(($(stat -c %s "$work/ko/full.$ext") / 2)) "$work/ko/full.$ext" >"$work/ko/$tool-trunc/hello.ko.$ext"
  check_bad "$work/ko/$tool-trunc/hello.ko.$ext" "cannot decompress: truncated $tool" "reinstall or rebuild the module"
  [ $tool = zstd ] && garbage_words="not zstd data" || garbage_words="not $tool data"
  head -c 4096 /dev/zero | tr '\0' 'g' >"$work/ko/$tool-garbage/hello.ko.$ext"
  check_bad "$work/ko/$tool-garbage/hello.ko.$ext" "cannot decompress: $garbage_words"
  grep -qE 'error -?[0-9]+' "$work/err" && fail "a raw library code in the message"
  ok
done

row="check: a .ko.zst, .ko.xz, .ko.gz that expands to more than 1 GiB (a decompression bomb): refused"
mkdir -p "$work/ko/bomb"
for tool in zstd xz gzip; do
  ext=$tool
  [ $tool = zstd ] && ext=zst
  [ $tool = gzip ] && ext=gz
  if [ $tool = gzip ]; then # the tool reads one gzip member: one of 1.1 GB
    head -c 1100M /dev/zero | gzip -1 -c >"$work/ko/bomb/hello.ko.$ext"
  else # xz and zstd streams may be concatenated: ten of 110 MB
    head -c 110M /dev/zero | $tool -1 -c >"$work/ko/bomb/part"
    for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$work/ko/bomb/part"; done >"$work/ko/bomb/hello.ko.$ext"
  fi
  check_bad "$work/ko/bomb/hello.ko.$ext" "expands to more than 1 GiB"
  rm -f "$work/ko/bomb/hello.ko.$ext"
done
ok

row="check: a module built for another kernel (vermagic): equal, with a warning"
other=${rel%?}x
mkdir -p "$work/ko/other"
python3 - "$ko" "$work/ko/other/hello.ko" "$rel" "$other" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
old, new = ("vermagic=" + sys.argv[3] + " ").encode(), ("vermagic=" + sys.argv[4] + " ").encode()
assert data.count(old) == 1 and len(old) == len(new)
open(sys.argv[2], "wb").write(data.replace(old, new))
PY
run 0 "$bin" check --cache-dir "$cache" "$hello" "$rel" "$work/ko/other/hello.ko" --all-versions=yes
grep -q "^hello equal $sv_hello $sv_hello " "$work/out" || fail "not equal"
says "warning: $work/ko/other/hello.ko was built for kernel $other (its vermagic), not for $rel"
ok

# ---------------------------------------------------------------------------------------------------- options
row="--cache-dir naming a regular file, or a directory that cannot be created (below a file, in /proc)"
run 2 "$bin" predict --cache-dir "$hello/hello.c" "$hello" "$rel"
says "--cache-dir $hello/hello.c: not a directory" "--no-cache"
one_line
run 2 "$bin" predict --cache-dir "$hello/hello.c/sub" "$hello" "$rel"
says "--cache-dir $hello/hello.c/sub: cannot create the directory"
run 2 "$bin" predict --cache-dir /proc/srcversion-predict-cache "$hello" "$rel"
says "--cache-dir /proc/srcversion-predict-cache: cannot create the directory"
ok

row="an option before the subcommand"
run 2 "$bin" --cache-dir "$cache" check "$hello" "$rel" "$ko"
says "'check' follows an option: options follow the subcommand (srcversion-predict check [options]"
one_line
[ ! -s "$work/out" ] || fail "stdout is not empty"
ok

row="no MODULE_VERSION and no -a: the reason names --all-versions=yes"
run 3 "$bin" predict --cache-dir "$cache" "$root/testdata/modules/noversion" "$rel" --all-versions=no
says "declares no MODULE_VERSION" "--all-versions=yes"
ok

# Rows the lead adds (damaged caches, a makefile that hangs, SIGINT/SIGTERM, verify --work-dir) go here.

row="the kernel's build directory"
[ "$(snap "$kdir")" = "$kernel_before" ] || fail "something was written into $kdir"
ok
echo "bad-inputs: all rows hold ($rel, $(($(date +%s) - started)) s)"
