#!/bin/bash
# srcversion-predict-dkms: lets DKMS 3.x (Debian's 3.0.10, upstream 3.x) skip the builds whose result the module store
# already has, without patching DKMS (docs/reuse.md, "Using it with DKMS").
#
# usage: srcversion-predict-dkms enable  [--dry-run] [--quiet] [--only-new] [--store DIR] [--dkms-tree DIR]
#                                        [--conf-dir DIR] [module...]
#        srcversion-predict-dkms disable [--dry-run] [--quiet] [--dkms-tree DIR] [--conf-dir DIR] [module...]
#        srcversion-predict-dkms status [--policy=kabi|inputs] [--store DIR] [--dkms-tree DIR] [-k KERNEL]... [module...]
#
# enable writes, for each module (default: every module of the DKMS tree: the dkms_tree that DKMS's
# /etc/dkms/framework.conf and framework.conf.d/*.conf set, else /var/lib/dkms), the override
# <conf-dir>/<module>.conf (default /etc/dkms), which DKMS sources after the package's dkms.conf: it makes DKMS run each
# MAKE line through dkms-make, which answers from the module store when every input of the build is the same as a
# recorded build's, and records every real build. A <module>.conf that this tool did not write (its first line is not
# our mark) is never touched: that module is left to DKMS as it is, and said so. disable removes only files with the
# mark. --only-new (what the kernel hooks run) writes only where a module has no override yet, so that one written
# with other options is kept. --store defaults to $SRCVERSION_PREDICT_STORE when that is set, else the binary's own
# default. --dry-run prints what would be written or removed and changes nothing. Exit 0, 2 on bad usage.
#
# status prints, per module version of the DKMS tree and kernel (-k, default: every kernel with headers under
# /lib/modules), "<module>/<version> <kernel> <state> <detail>": built (DKMS built it), reused (DKMS installed it from
# the module store: make.log says so), weak (no DKMS build for the kernel, but /lib/modules/<kernel>/weak-updates/
# holds the module, a file built for another kernel, and `srcversion-predict reuse --policy=kabi` passes it for this
# kernel: its record in the module store shows the same module sources, its srcversion is the prediction, every
# symbol it needs has its CRC in the kernel's Module.symvers), stale (such a weak-updates module that does not pass:
# the reason is reuse's), cannot-predict, or not-built. A weak module is judged where DKMS builds the package
# ($dkms_tree/<module>/<version>/build, the path its record holds), in a private mount namespace (unshare, as root)
# in which a copy of the sources is mounted there: nothing of DKMS's tree is written. Exit 1 when some module is stale,
# else 0; 2 on bad usage.
set -u
mark="# srcversion-predict dkms override 1: written by srcversion-predict-dkms enable, removed by its disable"
me=srcversion-predict-dkms
action=${1:-}
[ $# -gt 0 ] && shift
dry='' quiet='' only_new='' store=${SRCVERSION_PREDICT_STORE:-} tree='' conf_dir=/etc/dkms policy=kabi
modules=() kernels=()
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=1; shift ;;
    --quiet) quiet=1; shift ;;
    --only-new) only_new=1; shift ;;
    --store) store=$2; shift 2 ;;
    --dkms-tree) tree=$2; shift 2 ;;
    --conf-dir) conf_dir=$2; shift 2 ;;
    --policy=kabi|--policy=inputs) policy=${1#--policy=}; shift ;;
    -k) kernels+=("$2"); shift 2 ;;
    -*) echo "$me: unknown option $1" >&2; exit 2 ;;
    *) modules+=("$1"); shift ;;
  esac
done
say() { [ -n "$quiet" ] || echo "$me: $*"; }
case $action in enable|disable|status) ;; *) sed -n '5,8s/^# //p' "$0" >&2; exit 2 ;; esac

# DKMS's own tree, as DKMS reads it: the last dkms_tree its framework files set (each read in a shell of its own).
if [ -z "$tree" ]; then
  for f in /etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; do
    [ -f "$f" ] || continue
    # shellcheck source=/dev/null # DKMS's configuration, read as DKMS reads it
    t=$(set +u; dkms_tree=''; . "$f" >/dev/null 2>&1; printf '%s' "$dkms_tree")
    [ -z "$t" ] || tree=$t
  done
  [ -n "$tree" ] || tree=/var/lib/dkms
fi

if [ ${#modules[@]} -eq 0 ]; then
  for d in "$tree"/*/; do
    [ -d "$d" ] || continue
    name=$(basename "$d")
    case $name in .*) continue ;; esac
    modules+=("$name")
  done
fi
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)

# status: see the usage above.
# judge_weak <module> <version> <kernel> <file>: reuse's line for the weak-updates file, judged at DKMS's build path.
judge_weak() {
  local bin='' source
  for candidate in "$here/srcversion-predict" "$here/../bin/srcversion-predict" "$(command -v srcversion-predict)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { bin=$candidate; break; }
  done
  [ -n "$bin" ] || { echo "cannot-predict the srcversion-predict binary is not found"; return; }
  [ "$(id -u)" -eq 0 ] || { echo "cannot-predict judging a weak-updates module needs root (a private mount)"; return; }
  source=$(readlink -f "$tree/$1/$2/source")
  if [ ! -d "$source" ]; then
    echo "cannot-predict $tree/$1/$2/source is missing"
    return
  fi
  local args=(reuse "--policy=$policy")
  [ -n "$store" ] && args+=(--store "$store")
  # In a mount namespace of its own: a tmpfs on an empty directory of ours holding build/, a copy of the sources
  # (copied first: they may lie under $tree/<module>/<version>), then bound over $tree/<module>/<version>. Both
  # mounts end with the namespace; the empty directory is removed after.
  local scratch line
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/srcversion-predict-status.XXXXXX") || {
    echo "cannot-predict cannot make a temporary directory"
    return
  }
  # shellcheck disable=SC2016 # the inner shell's own arguments
  line=$(unshare --mount --propagation private -- sh -c '
    mount -t tmpfs srcversion-predict "$1" && mkdir "$1/build" && cp -a "$2/." "$1/build/" &&
      mount --bind "$1" "$3" && cd "$3/build" || { echo "cannot-predict cannot mount a copy of $2 at $3"; exit 2; }
    shift 3; exec "$@"' sh "$scratch" "$source" "$tree/$1/$2" "$bin" "${args[@]}" . "$3" "$4" 2>&1 | tail -n 1)
  rmdir "$scratch"
  echo "$line"
}
status() {
  local arch any_stale='' m v k name names file line state
  arch=$(uname -m)
  if [ ${#kernels[@]} -eq 0 ]; then
    for d in /lib/modules/*/build; do [ -d "$d" ] && kernels+=("$(basename "$(dirname "$d")")"); done
  fi
  for m in "${modules[@]}"; do
    for vdir in "$tree/$m"/*/; do
      v=$(basename "$vdir")
      [ -e "$vdir/source" ] || continue
      # The package's module names: those DKMS built for any kernel.
      names=$(find "$vdir" -path "*/$arch/module/*.ko*" -printf '%f\n' 2>/dev/null | sed 's/\.ko.*//' | sort -u)
      for k in "${kernels[@]}"; do
        if [ -d "$vdir/$k/$arch/module" ]; then
          if grep -q 'was reused from the module store' "$vdir/$k/$arch/log/make.log" 2>/dev/null; then
            echo "$m/$v $k reused $(grep -m1 ' reuse ' "$vdir/$k/$arch/log/make.log")"
          else
            echo "$m/$v $k built"
          fi
          continue
        fi
        state=not-built
        for name in $names; do
          file=$(find "/lib/modules/$k/weak-updates" -name "$name.ko*" 2>/dev/null | head -n 1)
          [ -n "$file" ] || continue
          line=$(judge_weak "$m" "$v" "$k" "$file")
          case $line in
            "$name reuse "*) echo "$m/$v $k weak $file -> $(readlink -f "$file"): passes --policy=$policy" ;;
            "$name build "*) any_stale=1; echo "$m/$v $k stale $file: ${line#"$name build "}" ;;
            *) echo "$m/$v $k cannot-predict $file: ${line#"$name cannot-predict "}" ;;
          esac
          state=''
        done
        [ -z "$state" ] || echo "$m/$v $k $state"
      done
    done
  done
  [ -z "$any_stale" ]
}
if [ "$action" = status ]; then
  status
  exit $?
fi

wrapper=
for candidate in "$here/dkms-make" "$here/../libexec/srcversion-predict/dkms-make"; do
  [ -x "$candidate" ] && { wrapper=$(readlink -f "$candidate"); break; }
done
if [ "$action" = enable ] && [ -z "$wrapper" ]; then
  echo "$me: cannot find dkms-make beside $0 or in ../libexec/srcversion-predict: reinstall srcversion-predict" >&2
  exit 2
fi
case $wrapper$store in *[!A-Za-z0-9_./+-]*) echo "$me: paths with special characters are not supported: $wrapper $store" >&2; exit 2 ;; esac

ours() { [ "$(head -n1 "$1" 2>/dev/null)" = "$mark" ]; }
override() {
  cat <<CONF
$mark
# DKMS runs each MAKE line of this module through srcversion-predict's dkms-make: the module store's files when every
# input of the build is the same as a recorded build's, else the build itself, recorded afterwards.
if [ -z "\${SRCVERSION_PREDICT_NO_DKMS_HOOK:-}" ]; then
  [ -n "\${MAKE[0]:-}" ] || MAKE[0]="make -C \$kernel_source_dir M=\$dkms_tree/\$module/\$module_version/build"
  for _srcvp_i in "\${!MAKE[@]}"; do
    MAKE[\$_srcvp_i]="$wrapper --kernel \$kernelver --kernel-dir \$kernel_source_dir --jobs \$parallel_jobs${store:+ --store $store} --line \$(printf '%s' "\${MAKE[\$_srcvp_i]}" | base64 -w0)"
  done
fi
CONF
}

for m in "${modules[@]}"; do
  case $m in */*|.*|'') echo "$me: not a module name: '$m'" >&2; continue ;; esac
  f=$conf_dir/$m.conf
  if [ -e "$f" ] && ! ours "$f"; then
    say "$m: $f is not ours: left alone (DKMS builds $m as before)"
    continue
  fi
  if [ "$action" = disable ]; then
    [ -e "$f" ] || continue
    if [ -n "$dry" ]; then say "$m: would remove $f"; continue; fi
    rm -f "$f" && say "$m: removed $f"
    continue
  fi
  if [ -e "$f" ] && { [ -n "$only_new" ] || [ "$(override)" = "$(cat "$f")" ]; }; then
    say "$m: $f is up to date"
    continue
  fi
  if [ -n "$dry" ]; then say "$m: would write $f"; continue; fi
  # Written under a temporary name of ours (with this shell's pid) and renamed into place; the temporary of a run
  # that was killed (its pid gone) is removed here.
  for t in "$conf_dir/.$m.conf.srcversion-predict."*; do
    [ -e "$t" ] || continue
    pid=${t##*.}
    case $pid in '' | *[!0-9]*) continue ;; esac # not a name of ours
    [ -e "/proc/$pid" ] || rm -f "$t"
  done
  tmp=$conf_dir/.$m.conf.srcversion-predict.$$
  if mkdir -p "$conf_dir" && override >"$tmp" && chmod 644 "$tmp" && mv -f "$tmp" "$f"; then
    say "$m: wrote $f"
  else
    rm -f "$tmp"
    echo "$me: $m: cannot write $f" >&2
  fi
done
exit 0
