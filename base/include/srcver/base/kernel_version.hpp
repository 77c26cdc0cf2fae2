#pragma once
// A kernel's version, the vocabulary every component shares: the era rules (sumversion), the kernel build directory
// (kbuild-shim), the prediction's .cmd spelling (tool).

#include <llvm/Support/Error.h>

#include <string_view>

namespace srcver {

// A kernel's VERSION.PATCHLEVEL.SUBLEVEL (from its Makefile; a distribution's release string is not enough:
// Debian's "6.1.0-56-amd64" is 6.1.192).
struct KernelVersion {
  unsigned major = 0;
  unsigned minor = 0;
  unsigned patch = 0;

  friend bool operator<(const KernelVersion& a, const KernelVersion& b) {
    if (a.major != b.major) return a.major < b.major;
    if (a.minor != b.minor) return a.minor < b.minor;
    return a.patch < b.patch;
  }
  friend bool operator==(const KernelVersion& a, const KernelVersion& b) {
    return a.major == b.major && a.minor == b.minor && a.patch == b.patch;
  }
};

// "6.1.192" or "6.1" (patch 0). Anything else is a usage error.
llvm::Expected<KernelVersion> parse_kernel_version(std::string_view text);

} // namespace srcver
