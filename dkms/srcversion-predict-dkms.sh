#!/bin/bash
# srcversion-predict-dkms: lets DKMS 3.x (Debian's 3.0.10, upstream 3.x) skip the builds whose result the module store
# already has, without patching DKMS (docs/reuse.md, "Using it with DKMS").
#
# usage: srcversion-predict-dkms enable  [--dry-run] [--quiet] [--only-new] [--store DIR] [--dkms-tree DIR]
#                                        [--conf-dir DIR] [module...]
#        srcversion-predict-dkms disable [--dry-run] [--quiet] [--dkms-tree DIR] [--conf-dir DIR] [module...]
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
set -u
mark="# srcversion-predict dkms override 1: written by srcversion-predict-dkms enable, removed by its disable"
me=srcversion-predict-dkms
action=${1:-}
[ $# -gt 0 ] && shift
dry='' quiet='' only_new='' store=${SRCVERSION_PREDICT_STORE:-} tree='' conf_dir=/etc/dkms
modules=()
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=1; shift ;;
    --quiet) quiet=1; shift ;;
    --only-new) only_new=1; shift ;;
    --store) store=$2; shift 2 ;;
    --dkms-tree) tree=$2; shift 2 ;;
    --conf-dir) conf_dir=$2; shift 2 ;;
    -*) echo "$me: unknown option $1" >&2; exit 2 ;;
    *) modules+=("$1"); shift ;;
  esac
done
say() { [ -n "$quiet" ] || echo "$me: $*"; }
case $action in enable|disable) ;; *) sed -n '5,7s/^# //p' "$0" >&2; exit 2 ;; esac

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
    kill -0 "${t##*.}" 2>/dev/null || rm -f "$t"
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
