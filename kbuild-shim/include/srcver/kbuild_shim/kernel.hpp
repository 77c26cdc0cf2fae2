#pragma once
// A kernel build directory (Debian's linux-headers-*, an in-tree objtree, or Kbuild 7's layout) and what the tool
// needs to know about it: where it is, its release string and its VERSION.PATCHLEVEL.SUBLEVEL.

#include <srcver/base/kernel_version.hpp>

#include <llvm/Support/Error.h>

#include <string>

namespace srcver::kbuild_shim {

struct KernelBuild {
  std::string build_dir; // absolute, symlinks resolved
  std::string release;   // UTS_RELEASE, e.g. "6.1.0-56-amd64"
  KernelVersion version; // from the Makefile, e.g. 6.1.192
};

// `kernel` is a release ("6.1.0-56-amd64", looked up as /lib/modules/<release>/build) or a path to a build
// directory. A release whose build directory is missing is an input error that names the package to install.
llvm::Expected<KernelBuild> resolve_kernel(const std::string& kernel);

// VERSION, PATCHLEVEL and SUBLEVEL of the kernel Makefile in `build_dir`, following `include` lines (Debian's
// per-flavour Makefile includes the common one).
llvm::Expected<KernelVersion> read_kernel_version(const std::string& build_dir);

} // namespace srcver::kbuild_shim
