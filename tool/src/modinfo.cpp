#include <srcver/base/error.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>

#include <llvm/Support/MemoryBuffer.h>

#include <cstdint>
#include <cstring>

namespace srcver::tool {
namespace {

template <typename T> T load(std::string_view elf, std::size_t offset) {
  T value{};
  std::memcpy(&value, elf.data() + offset, sizeof(T)); // little-endian host and file
  return value;
}

} // namespace

llvm::Expected<Modinfo> parse_modinfo(std::string_view elf, const std::string& path) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCategory::input,
                      "not a kernel module (" + why + "); give a .ko that Kbuild built, or reinstall or rebuild it",
                      path);
  };
  if (elf.size() < 52 || elf.substr(0, 4) != "\x7f"
                                             "ELF")
    return bad("no ELF header");
  const bool is64 = elf[4] == 2;
  if (elf[5] != 1) return bad("big-endian ELF is not supported");
  std::uint64_t shoff;
  std::uint16_t shentsize, shnum, shstrndx;
  if (is64) {
    if (elf.size() < 64) return bad("truncated ELF header");
    shoff = load<std::uint64_t>(elf, 0x28);
    shentsize = load<std::uint16_t>(elf, 0x3a);
    shnum = load<std::uint16_t>(elf, 0x3c);
    shstrndx = load<std::uint16_t>(elf, 0x3e);
  } else {
    shoff = load<std::uint32_t>(elf, 0x20);
    shentsize = load<std::uint16_t>(elf, 0x2e);
    shnum = load<std::uint16_t>(elf, 0x30);
    shstrndx = load<std::uint16_t>(elf, 0x32);
  }
  // Every offset and size checked against the file without overflowing: a truncated or garbage file is refused, never
  // read past its end.
  const auto within = [&](std::uint64_t offset, std::uint64_t size) {
    return offset <= elf.size() && size <= elf.size() - offset;
  };
  if (shoff == 0 || shnum == 0) return bad("no section header table");
  if (shentsize < (is64 ? 0x40 : 0x28) || shstrndx >= shnum) return bad("bad section header table");
  if (!within(shoff, std::uint64_t{shnum} * shentsize)) {
    return bad("truncated: its section header table lies past the end of the file");
  }
  struct Section {
    std::uint32_t name;
    std::uint64_t offset, size;
  };
  auto section = [&](std::size_t i) {
    const std::size_t at = shoff + i * shentsize;
    if (is64)
      return Section{load<std::uint32_t>(elf, at), load<std::uint64_t>(elf, at + 0x18),
                     load<std::uint64_t>(elf, at + 0x20)};
    return Section{load<std::uint32_t>(elf, at), load<std::uint32_t>(elf, at + 0x10),
                   load<std::uint32_t>(elf, at + 0x14)};
  };
  const Section names = section(shstrndx);
  if (!within(names.offset, names.size)) return bad("truncated: its section name table lies past the end of the file");
  for (std::size_t i = 0; i < shnum; ++i) {
    const Section s = section(i);
    if (s.name >= names.size) continue;
    const char* name = elf.data() + names.offset + s.name;
    if (std::strncmp(name, ".modinfo", names.size - s.name) != 0) continue;
    if (!within(s.offset, s.size)) return bad("truncated: its .modinfo section lies past the end of the file");
    Modinfo info;
    std::string_view data = elf.substr(s.offset, s.size);
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
  return bad("no .modinfo section");
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
