#!/bin/bash
# Fetches Debian's official kernel image package, whose modules carry the srcversions of Debian's own in-tree build:
# the ground truth for `srcversion-predict --in-tree` (tests/integration/intree-official.sh).
#
# usage: fetch-linux-image.sh [--cache <dir>]
#
#   Downloads exactly the pinned linux-image-6.1.0-56-amd64=6.1.192-2 once with `apt-get download`, unpacks it with
#   `dpkg -x` into
#     <cache>/linux-image-6.1.0-56-amd64_6.1.192-2/   (<cache> default: ${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/linux-image)
#   and prints the directory of its modules, <that>/lib/modules/6.1.0-56-amd64. Nothing is installed: the package's
#   files are only read. Exit 1 if the package cannot be fetched.
set -euo pipefail

PKG=linux-image-6.1.0-56-amd64
VERSION=6.1.192-2
RELEASE=6.1.0-56-amd64

cache=${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/linux-image
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) [ $# -ge 2 ] || { echo "fetch-linux-image: --cache needs a directory" >&2; exit 1; }; cache=$2; shift 2 ;;
    --cache=*) cache=${1#--cache=}; shift ;;
    -h|--help) sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-linux-image: unknown argument $1" >&2; exit 1 ;;
  esac
done

dest=$cache/${PKG}_$VERSION
if [ ! -e "$dest/.unpacked" ]; then
  command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
    { echo "fetch-linux-image: needs apt-get and dpkg (Debian)" >&2; exit 1; }
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && apt-get download -q=2 "$PKG=$VERSION" 2>&1 | grep -v "unsandboxed as root" >&2; exit "${PIPESTATUS[0]}"); then
    echo "fetch-linux-image: cannot download $PKG=$VERSION: apt-cache policy $PKG shows which versions this system's sources offer" >&2
    exit 1
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  dpkg -x "$tmp"/*.deb "$dest"
  touch "$dest/.unpacked"
fi
modules=$dest/lib/modules/$RELEASE
[ -d "$modules/kernel" ] || { echo "fetch-linux-image: $modules/kernel is missing" >&2; exit 1; }
echo "$modules"
