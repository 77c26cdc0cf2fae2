#!/bin/bash
# Fetches a newer DKMS than Debian 12's 3.0.10 (the dkms package of sid, upstream DKMS 3.2.2 with Debian's packaging)
# without installing it: tests/integration/dkms-reuse.sh runs the DKMS override against it too, so that "upstream
# DKMS 3.x" is a tested claim (docs/reuse.md). Nothing from another suite replaces a Debian 12 package: the package
# is only unpacked into a private directory, and its dkms script is run from there.
#
# usage: fetch-dkms-upstream.sh [--cache <dir>]
#
#   Downloads exactly the pinned dkms=3.2.2-1 once through a private apt list of sid (the archive's address from this
#   system's apt sources, as scripts/kbuild7-on-bookworm.sh does), unpacks it with `dpkg -x` into
#     <cache>/dkms_3.2.2-1/   (<cache> default: ${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/dkms)
#   and prints that directory (its usr/sbin/dkms, etc/kernel/*/dkms, usr/lib/kernel/install.d/40-dkms.install).
#   Exit 1 if the package cannot be fetched.
set -euo pipefail

VERSION=3.2.2-1
cache=${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/dkms
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) [ $# -ge 2 ] || { echo "fetch-dkms-upstream: --cache needs a directory" >&2; exit 1; }; cache=$2; shift 2 ;;
    --cache=*) cache=${1#--cache=}; shift ;;
    -h|--help) sed -n '7,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-dkms-upstream: unknown argument $1" >&2; exit 1 ;;
  esac
done

dest=$cache/dkms_$VERSION
if [ ! -e "$dest/.unpacked" ]; then
  for tool in apt-get dpkg; do
    command -v "$tool" >/dev/null || { echo "fetch-dkms-upstream: needs $tool (Debian)" >&2; exit 1; }
  done
  priv=$cache/apt
  mkdir -p "$priv/lists/partial" "$priv/cache/archives/partial" "$cache/debs"
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || { echo "fetch-dkms-upstream: no Debian archive found in this system's apt sources" >&2; exit 1; }
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s sid main\n' "$uri" >"$priv/sources.list"
  o=(-o "Dir::Etc::sourcelist=$priv/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$priv/lists"
     -o "Dir::Cache=$priv/cache" -o APT::Sandbox::User=root)
  apt-get "${o[@]}" update -qq
  (cd "$cache/debs" && apt-get "${o[@]}" download -qq "dkms=$VERSION" 2>/dev/null) ||
    { echo "fetch-dkms-upstream: dkms=$VERSION is not in sid any more: pin the version sid has" >&2; exit 1; }
  rm -rf "$dest"
  dpkg -x "$cache/debs/dkms_${VERSION}_all.deb" "$dest"
  "$dest/usr/sbin/dkms" --version | grep -q "^dkms-${VERSION%-*}\$" ||
    { echo "fetch-dkms-upstream: $dest/usr/sbin/dkms is not dkms ${VERSION%-*}" >&2; exit 1; }
  touch "$dest/.unpacked"
fi
echo "$dest"
