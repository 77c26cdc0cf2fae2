#pragma once
// Kernel module files as distributions install them: `.ko`, or compressed `.ko.xz` (Debian 6.12), `.ko.zst`, `.ko.gz`.

#include <llvm/Support/Error.h>

#include <string>

namespace srcver::tool {

// The module's bytes, decompressed according to the file's suffix.
llvm::Expected<std::string> read_module_file(const std::string& path);

// The built module file for `stem` (a path without ".ko"): the first of stem.ko, .ko.xz, .ko.zst, .ko.gz that
// exists, or "" when none does.
std::string find_module_file(const std::string& stem);

} // namespace srcver::tool
