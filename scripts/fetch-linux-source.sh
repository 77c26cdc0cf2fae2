#!/bin/bash
# Fetches in-tree driver directories of Debian's kernel source as a test corpus of real Kbuild directories.
#
# usage: fetch-linux-source.sh [--list] [--no-slow] [--cache <dir>] [dir...]
#
#   Downloads exactly the pinned linux-source-6.1=6.1.192-2 once with `apt-get download`, keeps only its
#   /usr/src/linux-source-6.1.tar.xz in
#     <cache>/linux-source-6.1_6.1.192-2/    (<cache> default: ${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/linux-source)
#   and extracts from that tarball only the requested directories (default: every directory of testdata/intree.txt),
#   each once (a marker file under .extracted/ records it), into <cache>/linux-source-6.1_6.1.192-2/tree/. Prints the
#   absolute path of each requested directory, one per line, in the order asked for.
#   Each extracted directory's Makefile/Kbuild files get one substitution, `$(srctree)/$(src)` -> `$(src)`: in an
#   M= build $(src) is already the absolute module directory, so the in-tree spelling names a directory that does not
#   exist. Makefiles are not hashed into a srcversion, so this changes nothing modpost reads.
#   --no-slow  default list without the directories marked `slow` in testdata/intree.txt
#   --list     prints testdata/intree.txt's entries ("<dir> <kernels> [slow]") and exits
#   Exit 1 if the package cannot be fetched or a directory is not in the tarball.
#
# The kernel source is never copied into the repository: the tests build a copy of each printed directory with
#   scripts/kbuild-build.sh 6.1.0-56-amd64 <printed dir> <out>
# (Kbuild decides which modules to build from the kernel's own config, include/config/auto.conf of the headers).
set -euo pipefail

PKG=linux-source-6.1
VERSION=6.1.192-2
TARBALL=usr/src/linux-source-6.1.tar.xz
TOP=linux-source-6.1      # the tarball's top directory

here=$(cd "$(dirname "$0")" && pwd)
list=$here/../testdata/intree.txt
cache=${XDG_CACHE_HOME:-$HOME/.cache}/srcversion-predict/linux-source
want=() no_slow=0
while [ $# -gt 0 ]; do
  case "$1" in
    --list) grep -v '^[[:space:]]*\(#\|$\)' "$list"; exit 0 ;;
    --no-slow) no_slow=1; shift ;;
    --cache) [ $# -ge 2 ] || { echo "fetch-linux-source: --cache needs a directory" >&2; exit 1; }; cache=$2; shift 2 ;;
    --cache=*) cache=${1#--cache=}; shift ;;
    -h|--help) sed -n '4,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fetch-linux-source: unknown option $1" >&2; exit 1 ;;
    *) d=${1#./}; want+=("${d%/}"); shift ;;
  esac
done
if [ ${#want[@]} -eq 0 ]; then
  while read -r d _kernels label _; do
    case "$d" in ''|'#'*) continue ;; esac
    if [ $no_slow = 1 ] && [ "${label:-}" = slow ]; then continue; fi
    want+=("$d")
  done < "$list"
fi
for d in "${want[@]}"; do
  case "/$d/" in */../*|*/./*|//) echo "fetch-linux-source: '$d' is not a directory path inside the kernel tree" >&2; exit 1 ;; esac
done

if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "fetch-linux-source: needs apt-get and dpkg-deb (Debian)" >&2; exit 1
fi
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)
# one fetch at a time per cache (parallel test jobs share it)
if command -v flock >/dev/null; then exec 9>"$cache/.lock"; flock 9; fi
dest=$cache/${PKG}_$VERSION
tarball=$dest/${TARBALL##*/}
tree=$dest/tree

# ---- the package, once
if [ ! -e "$dest/.downloaded" ]; then
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # apt-get download writes into the current directory; _apt cannot write to root-owned temp dirs, which only
  # costs a warning ("Download is performed unsandboxed as root")
  if ! (cd "$tmp" && apt-get download -q=2 "$PKG=$VERSION" 2>&1 | grep -v "unsandboxed as root" >&2; exit "${PIPESTATUS[0]}"); then
    echo "fetch-linux-source: cannot download $PKG=$VERSION: apt-cache policy $PKG shows which versions this system's sources offer" >&2
    exit 1
  fi
  # only the tarball: dpkg-deb --fsys-tarfile streams the data member, tar takes the one file out of it
  dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xf - -C "$tmp" "./$TARBALL" ||
    { echo "fetch-linux-source: $PKG=$VERSION holds no /$TARBALL" >&2; exit 1; }
  rm -rf "$dest"
  mkdir -p "$dest"
  mv "$tmp/$TARBALL" "$tarball"
  rm -rf "$tmp"
  trap - EXIT
  touch "$dest/.downloaded"
fi

# ---- the directories, each once
marker() { printf '%s/.extracted/%s' "$tree" "${1//\//%}"; }
todo=()
for d in "${want[@]}"; do
  [ -e "$(marker "$d")" ] && continue
  case " ${todo[*]-} " in *" $d "*) continue ;; esac
  todo+=("$d")
done
if [ ${#todo[@]} -gt 0 ]; then
  mkdir -p "$tree/.extracted"
  members=()
  for d in "${todo[@]}"; do
    rm -rf "${tree:?}/$TOP/$d"
    members+=("$TOP/$d")
  done
  # one pass over the tarball for all of them (each pass decompresses the whole 140 MB)
  if ! tar -xJf "$tarball" -C "$tree" "${members[@]}"; then
    echo "fetch-linux-source: extracting ${todo[*]} from $tarball failed (a directory not in $PKG $VERSION?)" >&2
    exit 1
  fi
  for d in "${todo[@]}"; do
    [ -d "$tree/$TOP/$d" ] || { echo "fetch-linux-source: $d is not a directory in $PKG $VERSION" >&2; exit 1; }
    # $(srctree)/$(src) -> $(src) in every Makefile/Kbuild of the copy (see the header)
    # shellcheck disable=SC2016  # make's $(...), not the shell's
    while IFS= read -r -d '' f; do
      if grep -q -F '$(srctree)/$(src)' "$f"; then sed -i 's|\$(srctree)/\$(src)|$(src)|g' "$f"; fi
    done < <(find "$tree/$TOP/$d" -type f \( -name Makefile -o -name Kbuild -o -name 'Makefile.*' -o -name 'Kbuild.*' \) -print0)
    touch "$(marker "$d")"
  done
fi

for d in "${want[@]}"; do
  echo "$tree/$TOP/$d"
done
