#pragma once
// A kernel build directory as every component names it: where it is, its release string and its
// VERSION.PATCHLEVEL.SUBLEVEL. kbuild-shim finds one (resolve_kernel); the front end and the tool only read it.

#include <srcver/base/kernel_version.hpp>

#include <string>

namespace srcver {

// A kernel build directory (Debian's linux-headers-*, an in-tree objtree, or Kbuild 7's layout).
struct KernelBuild {
  std::string build_dir; // absolute, symlinks resolved
  std::string release;   // UTS_RELEASE, e.g. "6.1.0-56-amd64"
  KernelVersion version; // from the Makefile, e.g. 6.1.192
};

} // namespace srcver
