#include <srcver/base/error.hpp>
#include <srcver/base/kernel_version.hpp>

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

#include <string>

namespace srcver {

llvm::Expected<KernelVersion> parse_kernel_version(std::string_view text) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  llvm::StringRef(text.data(), text.size()).split(parts, '.');
  KernelVersion v;
  unsigned* fields[] = {&v.major, &v.minor, &v.patch};
  if (parts.size() < 2 || parts.size() > 3) {
    return make_error(ErrorCategory::usage, "kernel version '" + std::string(text) + "' is not X.Y or X.Y.Z");
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].getAsInteger(10, *fields[i])) {
      return make_error(ErrorCategory::usage, "kernel version '" + std::string(text) + "' is not X.Y or X.Y.Z");
    }
  }
  return v;
}

} // namespace srcver
