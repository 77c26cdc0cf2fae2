# shellcheck shell=bash disable=SC2016,SC1003 # .cmd text in single quotes is literal, backslashes included
# Helpers for the generators of testdata/modpost/ (sourced by make-kat-fixtures.sh and make-crafted-fixtures.sh).
# They write a case's case.txt, module, optional flags, and the tree/ files byte for byte. They never write expected/:
# only scripts/modpost-oracle.sh does, from the real modpost.
set -eu
FIXROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LC_ALL=C

# new_case <name> <module> <one-line description> <references to docs/srcversion-rules.md>
#   Starts a case afresh (its tree/, flags, case.txt, module; expected/ is left to the oracle).
new_case() {
  finish_case
  CASE=$FIXROOT/$1
  LETTERS=""
  MODNAME=${2##*/}
  rm -rf "$CASE/tree" "$CASE/flags" "$CASE/case.txt" "$CASE/module"
  mkdir -p "$CASE/tree"
  printf '%s\n%s\n' "$3" "$4" > "$CASE/case.txt"
  printf '%s\n' "$2" > "$CASE/module"
}

# finish_case: ends the current case (lists the letter files on a case.txt line). new_case calls it; so must the
# generator after its last case.
finish_case() {
  if [ -n "${CASE:-}" ] && [ -n "${LETTERS:-}" ]; then
    printf 'file contents (each file is one capital letter and a newline, so the hashed stream spells the files hashed):%s\n' \
      "$LETTERS" >> "$CASE/case.txt"
  fi
  LETTERS=""
}

# letter <path in tree> <letter>: a tree file holding the letter and a newline
letter() { put "$1" "$2\n"; LETTERS+=" $1=$2"; }

# note <text>: one more line of explanation in case.txt (after the first two lines)
note() { printf '%s\n' "$1" >> "$CASE/case.txt"; }

# flags <modpost option>...: the case's extra modpost options (e.g. -m), one per line
flags() { printf '%s\n' "$@" > "$CASE/flags"; }

# put <path in tree> <printf format>: a tree file whose bytes are exactly the format's expansion (\xHH, \r, \0 ...;
# a literal % is written %%)
put() {
  mkdir -p "$(dirname "$CASE/tree/$1")"
  # shellcheck disable=SC2059 # the format is the content
  printf -- "$2" > "$CASE/tree/$1"
}

# modfile <module> <entry>...: tree/<module>.mod as Kbuild 5.19+ writes it, one entry per line
modfile() {
  local m=$1; shift
  mkdir -p "$(dirname "$CASE/tree/$m.mod")"
  printf '%s\n' "$@" > "$CASE/tree/$m.mod"
}

# cmdpath <object as the .mod names it>: where modpost looks for its .cmd (dir + "." + base + ".cmd")
cmdpath() {
  local o=$1 d=""
  case $o in */*) d=${o%/*}/ ;; esac
  printf '%s\n' "$CASE/tree/$d.${o##*/}.cmd"
}

# The compile command Kbuild records (Debian 6.12's flags, kernel paths relative as in an in-tree build).
CFLAGS_TEXT="-nostdinc -I./arch/x86/include -I./arch/x86/include/generated -I./include -I./arch/x86/include/uapi \
-I./arch/x86/include/generated/uapi -I./include/uapi -I./include/generated/uapi -include ./include/linux/compiler-version.h \
-include ./include/linux/kconfig.h -include ./include/linux/compiler_types.h -D__KERNEL__ -fmacro-prefix-map=./= \
-std=gnu11 -fshort-wchar -funsigned-char -fno-common -fno-PIE -fno-strict-aliasing -mno-sse -mno-mmx -mno-sse2 -mno-3dnow \
-mno-avx -fcf-protection=branch -fno-jump-tables -m64 -falign-jumps=1 -falign-loops=1 -mno-80387 -mno-fp-ret-in-387 \
-mpreferred-stack-boundary=3 -mskip-rax-setup -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare \
-fno-asynchronous-unwind-tables -mindirect-branch=thunk-extern -mindirect-branch-register -mindirect-branch-cs-prefix \
-mfunction-return=thunk-extern -mharden-sls=all -fpatchable-function-entry=16,16 -fno-delete-null-pointer-checks -O2 \
-fno-allow-store-data-races -fstack-protector-strong -ftrivial-auto-var-init=zero -fno-stack-clash-protection -pg \
-mrecord-mcount -mfentry -DCC_USING_FENTRY -falign-functions=16 -fno-strict-overflow -fno-stack-check -fconserve-stack \
-Wall -Wextra -Wundef -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type \
-Werror=strict-prototypes -Wno-format-security -Wno-trigraphs -Wframe-larger-than=2048 -Wvla -Wno-pointer-sign -g"
CMDVAR=savedcmd   # cmd_ up to 6.1, savedcmd_ from 6.2
CC_NAME=x86_64-linux-gnu-gcc-12
EXTRA_CFLAGS=""   # set by a case to lengthen the command line

# cmd_head <object> <source>: the .cmd text up to and including `deps_<target> := \` and, unless KDEPS=0, the kernel
# headers every module's list starts with. The target is the object without a leading ./ (as 6.13+ make spells it).
cmd_head() {
  local o=$1 src=$2 t=${1#./} d="" base
  case $t in */*) d=${t%/*}/ ;; esac
  base=${t##*/}; base=${base%.o}
  [ "$d" = "" ] && [ "${1#./}" != "$1" ] && d=./
  printf '%s_%s :=  %s -Wp,-MMD,%s.%s.o.d %s%s -DMODULE -DKBUILD_BASENAME='"'"'"%s"'"'"' -DKBUILD_MODNAME='"'"'"%s"'"'"' -D__KBUILD_MODNAME=kmod_%s -c -o %s %s\n' \
    "$CMDVAR" "$t" "$CC_NAME" "$d" "$base" "$CFLAGS_TEXT" "$EXTRA_CFLAGS" "$base" "$MODNAME" "$MODNAME" "$t" "$src"
  printf '\nsource_%s := %s\n\ndeps_%s := \\\n' "$t" "$src" "$t"
  if [ "${KDEPS:-1}" = 1 ]; then
    printf '%s\n' \
      '  include/linux/compiler-version.h \' \
      '    $(wildcard include/config/CC_VERSION_TEXT) \' \
      '  include/linux/kconfig.h \' \
      '    $(wildcard include/config/CPU_BIG_ENDIAN) \' \
      '    $(wildcard include/config/BOOGER) \' \
      '    $(wildcard include/config/FOO) \' \
      '  include/linux/compiler_types.h \' \
      '    $(wildcard include/config/DEBUG_INFO_BTF) \' \
      '    $(wildcard include/config/PAHOLE_HAS_BTF_TAG) \' \
      '  include/linux/init.h \' \
      '    $(wildcard include/config/MEMORY_HOTPLUG) \' \
      '  include/linux/module.h \' \
      '    $(wildcard include/config/MODULES) \' \
      '    $(wildcard include/config/SYSFS) \'
  fi
}

# dep_lines <item>...: `  <path> \` per path; an item @NAME gives `    $(wildcard include/config/NAME) \`
dep_lines() {
  local i
  for i in "$@"; do
    case $i in
      @*) printf '    $(wildcard include/config/%s) \\\n' "${i#@}" ;;
      *) printf '  %s \\\n' "$i" ;;
    esac
  done
}

# cmd_tail <object>: the blank line that ends the deps list and the make rules fixdep and Kbuild write after it
cmd_tail() {
  local t=${1#./}
  printf '\n%s: $(deps_%s)\n\n$(deps_%s):\n\n%s: $(wildcard ./tools/objtool/objtool)\n' "$t" "$t" "$t" "$t"
}

# cmdfile <object> <source> <dep item>...: a complete, ordinary .cmd file for the object
cmdfile() {
  local o=$1 s=$2; shift 2
  mkdir -p "$(dirname "$(cmdpath "$o")")"
  { cmd_head "$o" "$s"; dep_lines "$@"; cmd_tail "$o"; } > "$(cmdpath "$o")"
}
