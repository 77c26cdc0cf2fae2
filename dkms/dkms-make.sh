#!/bin/bash
# dkms-make: what DKMS 3.x runs in place of a package's MAKE line once `srcversion-predict-dkms enable` has written
# the module's /etc/dkms/<module>.conf override (docs/reuse.md, "Using it with DKMS"). DKMS runs it in its build
# directory (/var/lib/dkms/<module>/<version>/build, a fresh copy of the sources), its output going to make.log.
#
# usage: dkms-make --kernel <kernelver> --kernel-dir <kernel_source_dir> --jobs <parallel_jobs>
#                  --line <the MAKE line, base64> [--store <dir>] [word...]
#   (words after the options are what DKMS appends to the MAKE line itself: CC=clang, LD=ld.lld)
#
# 1. `srcversion-predict reuse --place . <kernel-dir>`: when the module store holds, for every module of the package,
#    a build whose every input is the same as this build's would be (docs/reuse.md), their files are written where the
#    make would leave them, and nothing is compiled: DKMS then strips, signs, compresses and installs them as after a
#    build. make.log says which file came from where.
# 2. Otherwise the MAKE line runs as DKMS would run it (a leading "make" gets DKMS's -j and KERNELRELEASE), and after a
#    successful build `srcversion-predict record` puts its modules into the store.
# Anything that goes wrong in 1 or in the record only means a build: the make's own status is this script's status.
set -u
kernel='' kernel_dir='' jobs='' line='' store=''
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) kernel=$2; shift 2 ;;
    --kernel-dir) kernel_dir=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --line) line=$(printf '%s' "$2" | base64 -d) || { echo "dkms-make: --line is not base64" >&2; exit 2; }; shift 2 ;;
    --store) store=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "dkms-make: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ -n "$kernel" ] && [ -n "$line" ] || { echo "dkms-make: --kernel and --line are required" >&2; exit 2; }
[ $# -eq 0 ] || line="$line $*"
# As DKMS 3.0.10's actual_build: "${make_command/#make/make -j$parallel_jobs KERNELRELEASE=$kernelver}".
line=${line/#make/make -j$jobs KERNELRELEASE=$kernel}
[ -n "$kernel_dir" ] || kernel_dir=/lib/modules/$kernel/build

# A run of the tool that reads dkms.conf (and so this override) must see the package's own MAKE line.
export SRCVERSION_PREDICT_NO_DKMS_HOOK=1
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
bin=
for candidate in "$here/srcversion-predict" "$here/../../bin/srcversion-predict" "$(command -v srcversion-predict)"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] && { bin=$candidate; break; }
done
store_args=()
[ -n "$store" ] && store_args=(--store "$store")

if [ -n "$bin" ]; then
  echo "srcversion-predict: looking for a recorded build of $(pwd) for $kernel with the same inputs"
  start=$(date +%s%N)
  "$bin" reuse --place "${store_args[@]}" . "$kernel_dir" 2>&1
  reuse_status=$?
  took_ms=$((($(date +%s%N) - start) / 1000000))
  if [ "$reuse_status" -eq 0 ]; then
    echo "srcversion-predict: every module above was reused from the module store in $took_ms ms: nothing was compiled"
    exit 0
  fi
  echo "srcversion-predict: building (why is said above; deciding took $took_ms ms)"
else
  echo "srcversion-predict: dkms-make cannot find the srcversion-predict binary: building"
fi
bash -c "$line"
rc=$?
if [ "$rc" -eq 0 ] && [ -n "$bin" ]; then
  "$bin" record "${store_args[@]}" --kernel "$kernel_dir" . 2>&1 ||
    echo "srcversion-predict: this build was not recorded (why is said above); it will be built again next time"
fi
exit "$rc"
