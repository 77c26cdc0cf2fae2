#!/bin/bash
# shellcheck disable=SC2034,SC1087,SC1090,SC2154  # variables set for dkms.conf to read; names built for eval
# Reads a DKMS source directory's dkms.conf the way Debian's dkms 3.0.10 (`dkms build`) does, evaluated in place.
#
# usage: dkms-conf.sh <source-dir> <kernelver> <kernel_source_dir> <arch>
#
# <source-dir> is the directory holding dkms.conf (e.g. /usr/src/<name>-<version>). The file is sourced in a bash
# subshell with the variables dkms has at that point (kernelver, arch, kernel_source_dir, kernel_config, dkms_tree,
# source_tree, install_tree, module, module_version, build_dir, source_dir, base_dir, ...), its values go through the
# same second expansion dkms gives them, and then dkms's post-processing is applied (MAKE_MATCH selection, default
# MAKE and CLEAN, CC=clang/LD=ld.lld, BUILD_EXCLUSIVE_*, module name and location defaults). See dkms-conf.md.
#
# In place: "$dkms_tree/$module/$module_version/build" and ".../source" (and so $build_dir and $source_dir) are
# <source-dir> itself; while sourcing they are a temporary tree whose build/ and source/ are symlinks to <source-dir>,
# and in every value printed that tree's build/source paths are rewritten to <source-dir> and any other path under
# it to /var/lib/dkms. module/module_version are PACKAGE_NAME/PACKAGE_VERSION (read by a first sourcing, as
# dh_dkms and `dkms add <dir>` do). The sourcing runs with <source-dir> as working directory (dkms uses whatever
# directory it was started in).
#
# Output on stdout: NUL-terminated records "key=value", in this order:
#   SOURCE_DIR  MODULE  MODULE_VERSION                         where and as what it was evaluated
#   <VAR>[<i>]=...   for every dkms.conf variable dkms keeps that is set (MAKE, MAKE_MATCH, BUILT_MODULE_NAME, ...),
#                    after dkms's double expansion; a plain variable is element [0]
#   PACKAGE_NAME PACKAGE_VERSION PRE_BUILD POST_BUILD BUILD_EXCLUSIVE_KERNEL BUILD_EXCLUSIVE_ARCH BUILD_EXCLUSIVE_CONFIG
#                    (scalars, "" when unset)
#   MAKE=        the make command dkms selected (MAKE_MATCH, else MAKE[0], else the default), with CC=clang/LD=ld.lld
#   MAKE_RUN=    what dkms hands to the shell: "make" at its start replaced by "make -j<jobs> KERNELRELEASE=<kver>"
#                (jobs: $DKMS_CONF_JOBS, default nproc; "0" gives a bare -j); it runs via eval, cwd = <source-dir>
#   MAKE_PREFIXED=1|0   whether MAKE starts with "make" (else dkms adds neither -j nor KERNELRELEASE=)
#   MAKE_CWD=    <source-dir>
#   MAKE_ENV[i]=NAME=value   environment dkms gives the make (besides its own inherited one)
#   MAKE_ENV_UNSET[i]=NAME   variables dkms removes from the environment
#   CLEAN=       clean command (run before MAKE, same cwd)
#   PRE_BUILD_CMD= / POST_BUILD_CMD=   "<source-dir>/<PRE_BUILD>" as dkms execs it (word-split, no quote removal,
#                cwd <source-dir>, exit status ignored); empty when unset or its first word is not executable
#   MODULE[i]=   built module i: "<BUILT_MODULE_LOCATION><BUILT_MODULE_NAME>" relative to <source-dir>, without .ko
#   DEST_MODULE[i]=  "<dest location>/<DEST_MODULE_NAME>" (location after the distribution override)
#   STRIP_MODULE[i]=yes|no
#   AUTOINSTALL=0|1   (dkms autoinstall: any non-empty AUTOINSTALL, even "no", counts)
#   EXCLUDED=0|1      BUILD_EXCLUSIVE_KERNEL/ARCH/CONFIG exclude this kernel (dkms build exits 77)
#   OVERRIDE_CONF[i]=path   /etc/dkms/<module>[...].conf files also sourced
#   ERROR[i]=...      dkms.conf errors that make dkms refuse the file ("Bad conf file", exit 8)
#   VALID=0|1
# Exit: 0; 2 when VALID=0 (records still printed); 1 (message on stderr, nothing on stdout) when dkms.conf is
# missing, has a syntax error, or its sourcing exits/aborts. dkms.conf's own stderr is passed through.

usage() { echo "usage: dkms-conf.sh <source-dir> <kernelver> <kernel_source_dir> <arch>" >&2; exit 1; }
fail() { echo "dkms-conf: $*" >&2; exit 1; }
[ $# -eq 4 ] || usage
[ -d "$1" ] || fail "'$1' is not a directory"
src=$(cd "$1" && pwd) || fail "cannot enter '$1'"
conf_src=$src/dkms.conf
[ -f "$conf_src" ] && [ -r "$conf_src" ] || fail "$conf_src does not exist or is not readable"
msg=$(bash -n "$conf_src" 2>&1) || fail "syntax error in $conf_src: $msg"

shopt -s extglob          # dkms runs with extglob on; dkms.conf is parsed and globbed with it

# The variables dkms keeps from dkms.conf (everything else the file sets is lost), in dkms's order. While the file
# is sourced these names are also its positional parameters ($1 = CLEAN, $# = 40), as in dkms.
conf_vars=(CLEAN PACKAGE_NAME PACKAGE_VERSION POST_ADD POST_BUILD POST_INSTALL POST_REMOVE PRE_BUILD PRE_INSTALL
  BUILD_DEPENDS BUILD_EXCLUSIVE_KERNEL BUILD_EXCLUSIVE_ARCH BUILD_EXCLUSIVE_CONFIG build_exclude OBSOLETE_BY
  MAKE MAKE_MATCH PATCH PATCH_MATCH patch_array BUILT_MODULE_NAME built_module_name BUILT_MODULE_LOCATION
  built_module_location DEST_MODULE_NAME dest_module_name DEST_MODULE_LOCATION dest_module_location STRIP strip
  AUTOINSTALL NO_WEAK_MODULES SIGN_FILE MOK_SIGNING_KEY MOK_CERTIFICATE REMAKE_INITRD MODULES_CONF
  MODULES_CONF_OBSOLETES MODULES_CONF_ALIAS_TYPE MODULES_CONF_OBSOLETE_ONLY)

# ---- dkms's global state at the time it reads dkms.conf during `dkms build`
PATH="$PATH:/usr/lib/dkms"
umask 022
unset CC CXX CFLAGS CXXFLAGS LDFLAGS
current_kernel=$(uname -r)
current_os=$(uname -s)
# SRCVER_SCRATCH: the caller's scratch directory (removed on every exit of the caller, even if this script is killed).
tree=$(mktemp -d "${SRCVER_SCRATCH:-${TMPDIR:-/tmp}}/dkms-conf.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$tree"' EXIT
dkms_tree=$tree
source_tree=/usr/src
install_tree=/lib/modules
tmp_location=${TMPDIR:-/tmp}
kernelver=$2
kernel_source_dir=$3
kernel_config=$kernel_source_dir/.config
arch=$4
module_uncompressed_suffix=.ko
module_compressed_suffix=
for z in gz xz zst; do
  grep -q "\.$z:" "/lib/modules/$kernelver/modules.dep" 2>/dev/null && module_compressed_suffix=.$z
done
module_suffix=$module_uncompressed_suffix$module_compressed_suffix
running_distribution=unknown
if [ -r /etc/os-release ]; then
  running_distribution=$(. /etc/os-release
    if [ "${ID:-}" = ubuntu ]; then echo ubuntu; elif [ -n "${ID_LIKE:-}" ]; then echo "$ID_LIKE"; else echo "${ID:-unknown}"; fi)
fi
parallel_jobs=${DKMS_CONF_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$parallel_jobs" = 0 ] && parallel_jobs=
module='' module_version='' build_dir='' source_dir='' base_dir=''
export kernelver arch                    # dkms build runs its build with these (and module/version) exported

# read_one <conf-file> <out-file>: sources <conf-file> in a subshell (cwd <source-dir>, stdout discarded, positional
# parameters = the variable names) and writes, for every element of every kept variable, a line
#   NAME[i]="<value>"
# where <value> is the element expanded unquoted (split on IFS and pathname-expanded) and joined with single
# spaces, as dkms's echo does. Returns 1 when the sourcing did not reach its end (exit in dkms.conf).
read_one() (
  local _f="$1" _o="$2"
  cd "$src" || exit 1
  set -- "${conf_vars[@]}"
  . "$_f" >/dev/null
  exec >"$_o.tmp" || exit 1
  local _n _i _w _line _vals
  for _n in "${conf_vars[@]}"; do
    eval "_vals=(\"\${!$_n[@]}\")"
    for _i in "${_vals[@]}"; do
      eval "_w=(\${$_n[$_i]})"            # unquoted: field splitting + globbing, as in dkms
      _line=
      [ ${#_w[@]} -gt 0 ] && printf -v _line '%s ' "${_w[@]}" && _line=${_line% }
      printf '%s[%s]="%s"\n' "$_n" "$_i" "$_line"
    done
  done
  mv "$_o.tmp" "$_o"
)

# source_conf <conf-file>: dkms's "safe source": read_one, then the lines are sourced here (second expansion of
# every value, inside double quotes, in dkms's read_conf context).
source_conf() {
  local out="$tree/vars.$RANDOM"
  read_one "$1" "$out" || return 1
  [ -f "$out" ] || return 1
  . "$out" "${conf_vars[@]}"               # its status is ignored, as in dkms (a value holding " breaks its line)
  rm -f "$out"
}

unset_conf_vars() { local v; for v in "${conf_vars[@]}"; do unset "$v"; done; }

# ---- first reading: PACKAGE_NAME/PACKAGE_VERSION name the module (dh_dkms / `dkms add <dir>` do the same)
pkg=$(
  unset_conf_vars
  source_conf "$conf_src" || exit 1
  printf '%s\n%s\n' "${PACKAGE_NAME:-}" "${PACKAGE_VERSION:-}"
) || fail "sourcing $conf_src did not complete (does it exit?)"
{ read -r module; read -r module_version; } <<< "$pkg"
if [ -n "$module" ] && [ -n "$module_version" ]; then
  mkdir -p "$tree/$module/$module_version" || fail "cannot create the temporary dkms tree"
  ln -s "$src" "$tree/$module/$module_version/build"
  ln -s "$src" "$tree/$module/$module_version/source"
  build_dir=$dkms_tree/$module/$module_version/build
  source_dir=$dkms_tree/$module/$module_version/source
  base_dir=$dkms_tree/$module/$module_version/$kernelver/$arch
  conf=$source_dir/dkms.conf             # dkms reads it through the source symlink (BASH_SOURCE shows that path)
else
  conf=$conf_src
fi
export module module_version

# ---- second reading: dkms.conf, then the /etc/dkms overrides, as read_conf does
unset_conf_vars
overrides=()
for f in "$conf" "/etc/dkms/$module.conf" "/etc/dkms/$module-$module_version.conf" \
         "/etc/dkms/$module-$module_version-$kernelver.conf" "/etc/dkms/$module-$module_version-$kernelver-$arch.conf"; do
  [ -e "$f" ] || continue
  source_conf "$f" || fail "sourcing $f did not complete (does it exit?)"
  [ "$f" = "$conf" ] || overrides+=("$f")
done

# ---- dkms's post-processing
errors=()
n=0
for s in ${#BUILT_MODULE_NAME[@]} ${#BUILT_MODULE_LOCATION[@]} ${#DEST_MODULE_NAME[@]} ${#DEST_MODULE_LOCATION[@]}; do
  (( s > n )) && n=$s
done
mod_name=() mod_loc=() dest_name=() dest_loc=() mod_strip=()
for ((i = 0; i < n; i++)); do
  mod_name[i]=${BUILT_MODULE_NAME[i]:-}
  mod_loc[i]=${BUILT_MODULE_LOCATION[i]:-}
  dest_name[i]=${DEST_MODULE_NAME[i]:-}
  case ${STRIP[i]:-} in
    [nN]*) mod_strip[i]=no ;;
    [yY]*) mod_strip[i]=yes ;;
    '') mod_strip[i]=${mod_strip[0]:-yes} ;;
    *) mod_strip[i]= ;;                   # dkms leaves it unset: it strips
  esac
  # Debian 3.0.10-8: an unnamed module takes PACKAGE_NAME when there is exactly one DEST_MODULE_LOCATION
  [ -z "${mod_name[i]}" ] && [ ${#DEST_MODULE_LOCATION[@]} -eq 1 ] && mod_name[i]=${PACKAGE_NAME:-}
  [ -z "${dest_name[i]}" ] && dest_name[i]=${mod_name[i]}
  [ -n "${mod_loc[i]}" ] && [ "${mod_loc[i]: -1}" != / ] && mod_loc[i]+=/
  [ -n "${mod_name[i]}" ] || errors+=("No 'BUILT_MODULE_NAME' directive specified for record #$i.")
  case ${mod_name[i]} in *.o|*.ko) errors+=("'BUILT_MODULE_NAME' directive ends in '.o' or '.ko' in record #$i.") ;; esac
  case ${dest_name[i]} in *.o|*.ko) errors+=("'DEST_MODULE_NAME' directive ends in '.o' or '.ko' in record #$i.") ;; esac
  case $running_distribution in
    fedora*|rhel*|ovm*) dest_loc[i]=/extra ;;
    sles*|suse*|opensuse*) dest_loc[i]=/updates ;;
    debian*|ubuntu*|arch*) dest_loc[i]=/updates/dkms ;;
    *) dest_loc[i]=${DEST_MODULE_LOCATION[i]:-} ;;
  esac
  case ${DEST_MODULE_LOCATION[i]:-} in
    '') errors+=("No 'DEST_MODULE_LOCATION' directive specified for record #$i.") ;;
    /kernel*|/updates*|/extra*) ;;
    *) errors+=("Directive 'DEST_MODULE_LOCATION' does not begin with '/kernel', '/updates', or '/extra' in record #$i.") ;;
  esac
done
[ $n -eq 0 ] && errors+=("No 'DEST_MODULE_LOCATION' directive specified.")
[ -n "${PACKAGE_NAME:-}" ] || errors+=("No 'PACKAGE_NAME' directive specified.")
[ -n "${PACKAGE_VERSION:-}" ] || errors+=("No 'PACKAGE_VERSION' directive specified.")

# MAKE: MAKE[0] unless MAKE_MATCH[0] is set; then the last i with MAKE[i] and MAKE_MATCH[i] set and
# kernelver =~ MAKE_MATCH[i] (unquoted regex) wins; the loop runs over 0..${#MAKE[@]}-1 (element count, not indices)
make_command=
[ -n "${MAKE_MATCH[0]:-}" ] || make_command=${MAKE[0]:-}
for ((i = 0; i < ${#MAKE[@]}; i++)); do
  if [[ -n ${MAKE[i]:-} && -n ${MAKE_MATCH[i]:-} ]]; then
    re=${MAKE_MATCH[i]}
    [[ $kernelver =~ $re ]] && make_command=${MAKE[i]}
  fi
done
[ -n "$make_command" ] || make_command="make -C $kernel_source_dir M=$dkms_tree/$module/$module_version/build"
clean=${CLEAN:-}
[ -n "$clean" ] || clean="make -C $kernel_source_dir M=$dkms_tree/$module/$module_version/build clean"
if [ -e "$kernel_source_dir/vmlinux" ]; then
  readelf -p .comment "$kernel_source_dir/vmlinux" 2>/dev/null | grep -q clang && make_command+=" CC=clang"
  readelf -p .comment "$kernel_source_dir/vmlinux" 2>/dev/null | grep -q LLD && make_command+=" LD=ld.lld"
elif [ -e "$kernel_config" ]; then
  grep -q CONFIG_CC_IS_CLANG=y "$kernel_config" && make_command+=" CC=clang"
  grep -q CONFIG_LD_IS_LLD=y "$kernel_config" && make_command+=" LD=ld.lld"
fi
make_run=${make_command/#make/make -j$parallel_jobs KERNELRELEASE=$kernelver}
[ "$make_run" != "$make_command" ] && prefixed=1 || prefixed=0

# BUILD_EXCLUSIVE_*: unquoted regexes against kernelver / arch; CONFIG words against <kernel>/.config if present
excluded=0
kre=${BUILD_EXCLUSIVE_KERNEL:-} are=${BUILD_EXCLUSIVE_ARCH:-}
[[ -n $kre && ! $kernelver =~ $kre ]] && excluded=1
[[ -n $are && ! $arch =~ $are ]] && excluded=1
[ -n "${build_exclude:-}" ] && excluded=1      # a dkms.conf may set dkms's own flag directly
if [ -n "${BUILD_EXCLUSIVE_CONFIG:-}" ] && [ -e "$kernel_source_dir/.config" ]; then
  for kconf in $BUILD_EXCLUSIVE_CONFIG; do
    case $kconf in
      !*) grep -q -E "^${kconf#!}=[ym]" "$kernel_source_dir/.config" && excluded=1 ;;
      *) grep -q -E "^${kconf}=[ym]" "$kernel_source_dir/.config" || excluded=1 ;;
    esac
  done
fi

# The environment of the make: dkms exports CC from the kernel's .kernelvariables (Debian headers) or unsets it,
# and runs the build with module, module_version, kernelver, arch exported.
make_env=()
make_unset=(CXX CFLAGS CXXFLAGS LDFLAGS)
if [ -f "$kernel_source_dir/.kernelvariables" ]; then
  cc=$(printf 'show-%%:\n\t@echo $($*)\ninclude %s\n' "$kernel_source_dir/.kernelvariables" |
       env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -f - show-CC 2>/dev/null)
  make_env+=("CC=$cc")
else
  make_unset=(CC "${make_unset[@]}")
fi
make_env+=("module=$module" "module_version=$module_version" "kernelver=$kernelver" "arch=$arch")

# PRE_BUILD/POST_BUILD: dkms execs "$build_dir/<value>" unquoted if its first word is executable
script_cmd() {
  [ -n "$1" ] || return 0
  local run="$build_dir/$1"
  [ -x "${run%% *}" ] && printf '%s' "$run"
}
pre_cmd=$(script_cmd "${PRE_BUILD:-}")
post_cmd=$(script_cmd "${POST_BUILD:-}")

# ---- output
inplace() {
  local s=$1
  if [ -n "$module" ] && [ -n "$module_version" ]; then
    s=${s//"$tree/$module/$module_version/build"/"$src"}
    s=${s//"$tree/$module/$module_version/source"/"$src"}
  fi
  s=${s//"$tree"/"/var/lib/dkms"}
  printf '%s' "$s"
}
rec() { printf '%s=%s\0' "$1" "$(inplace "$2")"; }

rec SOURCE_DIR "$src"
rec MODULE "$module"
rec MODULE_VERSION "$module_version"
for v in "${conf_vars[@]}"; do
  eval "idx=(\"\${!$v[@]}\")"
  for i in "${idx[@]}"; do
    eval "val=\${$v[$i]}"
    rec "$v[$i]" "$val"
  done
done
for v in PACKAGE_NAME PACKAGE_VERSION PRE_BUILD POST_BUILD BUILD_EXCLUSIVE_KERNEL BUILD_EXCLUSIVE_ARCH \
         BUILD_EXCLUSIVE_CONFIG; do
  rec "$v" "${!v:-}"
done
rec MAKE "$make_command"
rec MAKE_RUN "$make_run"
rec MAKE_PREFIXED "$prefixed"
rec MAKE_CWD "$src"
for i in "${!make_env[@]}"; do rec "MAKE_ENV[$i]" "${make_env[i]}"; done
for i in "${!make_unset[@]}"; do rec "MAKE_ENV_UNSET[$i]" "${make_unset[i]}"; done
rec CLEAN "$clean"
rec PRE_BUILD_CMD "$pre_cmd"
rec POST_BUILD_CMD "$post_cmd"
for ((i = 0; i < n; i++)); do
  rec "MODULE[$i]" "${mod_loc[i]}${mod_name[i]}"
  rec "DEST_MODULE[$i]" "${dest_loc[i]}/${dest_name[i]}"
  rec "STRIP_MODULE[$i]" "$([ "${mod_strip[i]}" = no ] && echo no || echo yes)"
done
rec AUTOINSTALL "$([ -n "${AUTOINSTALL:-}" ] && echo 1 || echo 0)"
rec EXCLUDED "$excluded"
for i in "${!overrides[@]}"; do rec "OVERRIDE_CONF[$i]" "${overrides[i]}"; done
for i in "${!errors[@]}"; do rec "ERROR[$i]" "${errors[i]}"; done
if [ ${#errors[@]} -gt 0 ]; then
  rec VALID 0
  printf 'dkms-conf: dkms would reject %s: %s\n' "$conf_src" "${errors[*]}" >&2
  exit 2
fi
rec VALID 1
