#!/bin/bash
# Installs every build, run and test dependency of srcversion-predict on Debian 12 (bookworm), with the
# ground-truth kernels pinned to the versions the goldens were produced with. Idempotent; needs root (or sudo).
set -euo pipefail

# Ground truth: pinned, so that goldens regenerated elsewhere come from the same Kbuild.
KERNEL_PKGS=(
  "linux-headers-6.1.0-56-amd64=6.1.192-2"
  "linux-headers-6.12.111+deb12-amd64=6.12.111-1~deb12u1"
)
BUILD_PKGS=(
  build-essential cmake make pkg-config
  "libclang-19-dev" "libclang-cpp19-dev" "llvm-19-dev" "clang-19" "clang-tools-19"
  "libclang-rt-19-dev" "lld-19" # scripts/sanitize-and-fuzz.sh: the sanitizers' and libFuzzer's runtimes; lld
  libssl-dev libfmt-dev libgtest-dev liblzma-dev libzstd-dev zlib1g-dev
  kmod xz-utils zstd gzip python3 bc
  "dkms=3.0.10-8+deb12u1"
)

SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

missing=()
for p in "${BUILD_PKGS[@]}" "${KERNEL_PKGS[@]}"; do
  name=${p%%=*}
  want=${p#*=}
  have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
  case "$have" in
    "install ok installed "*)
      if [ "$name" = "$p" ] || [ "${have##* }" = "$want" ]; then continue; fi ;;
  esac
  missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
