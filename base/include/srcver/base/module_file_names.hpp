#pragma once
// How a built kernel module's file is named: `<name>.ko`, or compressed as the kernel's `modules_install` and
// distributions compress it (CONFIG_MODULE_COMPRESS_XZ/ZSTD/GZIP). One list for every place that looks for one.

#include <array>
#include <string>
#include <string_view>

namespace srcver::base {

inline constexpr std::array<std::string_view, 4> k_module_suffixes{".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

// The suffix of `name` among k_module_suffixes ("" when it has none).
inline std::string_view module_suffix(std::string_view name) {
  for (auto suffix : k_module_suffixes) {
    if (name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix) return suffix;
  }
  return {};
}

} // namespace srcver::base
