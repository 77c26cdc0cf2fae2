#include <srcver/base/error.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>

#include "module_elf.hpp"

#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>

namespace srcver::tool {

llvm::Expected<Modinfo> parse_modinfo(std::string_view elf, const std::string& path) {
  auto file = ElfFile::parse(elf, path);
  if (!file) return file.takeError();
  auto section = file->section(".modinfo");
  if (!section) return section.takeError();
  if (!*section) {
    return make_error(ErrorCategory::input,
                      "not a kernel module (no .modinfo section); give a .ko that Kbuild built, or reinstall or "
                      "rebuild it",
                      path);
  }
  Modinfo info;
  std::string_view data = **section;
  while (!data.empty()) {
    const std::size_t end = std::min(data.find('\0'), data.size());
    const std::string_view entry = data.substr(0, end);
    data.remove_prefix(std::min(end + 1, data.size()));
    const std::size_t eq = entry.find('=');
    if (entry.empty() || eq == std::string_view::npos) continue;
    info.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return info;
}

llvm::Expected<Modinfo> read_modinfo(const std::string& path) {
  auto bytes = read_module_file(path);
  if (!bytes) return bytes.takeError();
  return parse_modinfo(*bytes, path);
}

std::string modinfo_value(const Modinfo& info, std::string_view key) {
  for (const auto& [k, v] : info) {
    if (k == key) return v;
  }
  return {};
}

} // namespace srcver::tool
