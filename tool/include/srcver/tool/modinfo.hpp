#pragma once
// The `.modinfo` section of a kernel module (key=value strings), read from the ELF file itself.

#include <llvm/Support/Error.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace srcver::tool {

using Modinfo = std::vector<std::pair<std::string, std::string>>;

// Parses the .modinfo section of an ELF relocatable (32- or 64-bit, little-endian) held in `elf`.
llvm::Expected<Modinfo> parse_modinfo(std::string_view elf, const std::string& path_for_errors);

// Reads a module file (.ko, .ko.xz, .ko.zst, .ko.gz, or a module object .o) and parses its .modinfo.
llvm::Expected<Modinfo> read_modinfo(const std::string& path);

// The first value of `key`, or "" when absent.
std::string modinfo_value(const Modinfo& info, std::string_view key);

} // namespace srcver::tool
