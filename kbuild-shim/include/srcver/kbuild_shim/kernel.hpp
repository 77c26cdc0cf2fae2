#pragma once
// A kernel build directory (Debian's linux-headers-*, an in-tree objtree, or Kbuild 7's layout) and what the tool
// needs to know about it: where it is, its release string and its VERSION.PATCHLEVEL.SUBLEVEL.

#include <srcver/base/kernel_build.hpp>
#include <srcver/base/kernel_version.hpp>

#include <llvm/Support/Error.h>

#include <string>

namespace srcver::kbuild_shim {

// The build directory's description lives in base (the front end reads it too); kbuild-shim finds it.
using KernelBuild = srcver::KernelBuild;

// `kernel` is a release ("6.1.0-56-amd64", looked up as /lib/modules/<release>/build) or a path to a build
// directory. A release whose build directory is missing is an input error that names the package to install.
llvm::Expected<KernelBuild> resolve_kernel(const std::string& kernel);

// VERSION, PATCHLEVEL and SUBLEVEL of the kernel Makefile in `build_dir`, following `include` lines (Debian's
// per-flavour Makefile includes the common one).
llvm::Expected<KernelVersion> read_kernel_version(const std::string& build_dir);

} // namespace srcver::kbuild_shim
