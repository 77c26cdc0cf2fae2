#!/bin/bash
# Fetches the regression corpus: real third-party kernel modules from Debian's pinned *-dkms packages.
#
# usage: fetch-corpus.sh [--list] [--cache <dir>] [package...]
#
#   For each package (default: all of the pinned list below) downloads exactly the pinned version with
#   `apt-get download <pkg>=<version>`, unpacks it with `dpkg -x` into
#     <cache>/<pkg>_<version>/            (<cache> default: ${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/corpus)
#   and prints, one per line, the module source directory (the usr/src/<name>-<version> directory holding dkms.conf).
#   Already unpacked packages are not downloaded again. Exit 1 if a package cannot be fetched (for example when this
#   system's apt sources do not carry that version: the pins are Debian 12 "bookworm" versions).
#   --list prints "<pkg>=<version> <kernels it builds on>" for the pinned list and exits.
#
# The pins are the candidates of `apt-cache policy` on Debian 12 (bookworm, with bookworm-updates and -security) as of
# 2025-05-20. "kernels" says which ground-truth kernels real `dkms build` succeeds on (see testdata/README.md).
set -euo pipefail

# package=version  kernels-it-builds-on  (kept in sync with testdata/README.md)
PINNED=(
  "acpi-call-dkms=1.2.2-2.1                      6.1,6.12,7.2"
  "bbswitch-dkms=0.8-15                          6.1,6.12,7.2"
  "dpdk-kmods-dkms=0~20220829+git-3              6.1,6.12,7.2"
  "rtpengine-kernel-dkms=10.5.3.5-1+deb12u1      6.1,6.12"
  "lime-forensics-dkms=1.9.1-5                   6.1,6.12"
  "openvpn-dco-dkms=0.0+git20231103-1~deb12u1    6.1"
  "ddcci-dkms=0.4.2-4                            6.1"
  "vpoll-dkms=0.1-3                              6.1"
  "tp-smapi-dkms=0.43-3                          6.1"
  "nat-rtsp-dkms=0.7+5.3-0.2                     6.1"
  "v4l2loopback-dkms=0.12.7-2                    6.1"
  "dm-writeboost-dkms=2.2.17-0.2~deb12u1         6.1"
  "rapiddisk-dkms=9.0.0-1+deb12u1                6.1"
  "langford-dkms=0.0.20130228-6.3                6.1"
  "xtrx-dkms=0.0.1+git20190320.5ae3a3e-3.2       6.1"
  "adv-17v35x-dkms=5.0.7.0-1                     6.1"
  "evdi-dkms=1.12.0+dfsg-0.3                     6.1"
  "digimend-dkms=11-2                            6.1"
  "apfs-dkms=0.3.0-1                             6.1"
  "jool-dkms=4.1.9-1                             6.1"
  "falcosecurity-scap-dkms=0.1.1dev+git20220316.e5c53d64-5.1   6.1"
  "gost-crypto-dkms=0.3.4-4                      6.1"   # its Kbuild reads $(PWD): the real build's, not the tool's
  "iptables-netflow-dkms=2.6-4+deb12u1           none"   # PRE_BUILD runs ./configure: plan must stop (exit 4)
  "dahdi-dkms=1:2.11.1.0.20170917~dfsg-8.4       none"   # builds ../staging/echo/echo.o outside its M= dir: exit 3
)

cache=${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/corpus
want=()
while [ $# -gt 0 ]; do
  case "$1" in
    --list) for e in "${PINNED[@]}"; do read -r pv k <<< "$e"; echo "$pv $k"; done; exit 0 ;;
    --cache) [ $# -ge 2 ] || { echo "fetch-corpus: --cache needs a directory" >&2; exit 1; }; cache=$2; shift 2 ;;
    --cache=*) cache=${1#--cache=}; shift ;;
    -h|--help) sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fetch-corpus: unknown option $1" >&2; exit 1 ;;
    *) want+=("$1"); shift ;;
  esac
done

declare -A version
order=()
for e in "${PINNED[@]}"; do
  read -r pv _ <<< "$e"
  version[${pv%%=*}]=${pv#*=}
  order+=("${pv%%=*}")
done
[ ${#want[@]} -gt 0 ] || want=("${order[@]}")

command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
  { echo "fetch-corpus: needs apt-get and dpkg (Debian)" >&2; exit 1; }
mkdir -p "$cache"

status=0
for p in "${want[@]}"; do
  v=${version[$p]:-}
  if [ -z "$v" ]; then
    echo "fetch-corpus: $p is not in the pinned list (see --list)" >&2; status=1; continue
  fi
  dest=$cache/${p}_$v
  if [ ! -e "$dest/.unpacked" ]; then
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    # apt-get download writes into the current directory; _apt cannot write to root-owned temp dirs, which only
    # costs a warning ("Download is performed unsandboxed as root")
    if ! (cd "$tmp" && apt-get download -q=2 "$p=$v" 2>&1 | grep -v "unsandboxed as root" >&2; exit "${PIPESTATUS[0]}"); then
      echo "fetch-corpus: cannot download $p=$v: apt-cache policy $p shows which versions this system's sources offer" >&2
      rm -rf "$tmp"; status=1; continue
    fi
    rm -rf "$dest"
    mkdir -p "$dest"
    dpkg -x "$tmp"/*.deb "$dest"
    cp "$tmp"/*.deb "$dest/"
    rm -rf "$tmp"
    touch "$dest/.unpacked"
  fi
  src=$(find "$dest/usr/src" -mindepth 2 -maxdepth 2 -name dkms.conf -printf '%h\n' 2>/dev/null | sort | head -n 1)
  if [ -z "$src" ]; then
    echo "fetch-corpus: $p=$v holds no usr/src/*/dkms.conf" >&2; status=1; continue
  fi
  echo "$src"
done
exit $status
