// A kernel module's ELF sections, undefined symbols and __versions table, read with every offset checked.

#include "module_elf.hpp"

#include <srcver/base/error.hpp>

#include <algorithm>
#include <cstring>
#include <map>

namespace srcver::tool {
namespace {

template <typename T> T load(std::string_view elf, std::size_t offset) {
  T value{};
  std::memcpy(&value, elf.data() + offset, sizeof(T)); // little-endian host and file
  return value;
}

constexpr std::uint32_t k_symtab = 2; // SHT_SYMTAB

} // namespace

llvm::Error ElfFile::bad(const std::string& why) const {
  return make_error(ErrorCategory::input,
                    "not a kernel module (" + why + "); give a .ko that Kbuild built, or reinstall or rebuild it",
                    m_path);
}

llvm::Expected<ElfFile> ElfFile::parse(std::string_view elf, const std::string& path) {
  ElfFile file(elf, path);
  if (elf.size() < 52 || elf.substr(0, 4) != "\x7f"
                                             "ELF")
    return file.bad("no ELF header");
  file.m_is64 = elf[4] == 2;
  if (elf[5] != 1) return file.bad("big-endian ELF is not supported");
  if (file.m_is64 && elf.size() < 64) return file.bad("truncated ELF header");
  const bool is64 = file.m_is64;
  file.m_machine = load<std::uint16_t>(elf, 0x12);
  const std::uint64_t shoff = is64 ? load<std::uint64_t>(elf, 0x28) : load<std::uint32_t>(elf, 0x20);
  const std::uint16_t shentsize = load<std::uint16_t>(elf, is64 ? 0x3a : 0x2e);
  const std::uint16_t shnum = load<std::uint16_t>(elf, is64 ? 0x3c : 0x30);
  const std::uint16_t shstrndx = load<std::uint16_t>(elf, is64 ? 0x3e : 0x32);
  if (shoff == 0 || shnum == 0) return file.bad("no section header table");
  if (shentsize < (is64 ? 0x40 : 0x28) || shstrndx >= shnum) return file.bad("bad section header table");
  if (!file.within(shoff, std::uint64_t{shnum} * shentsize)) {
    return file.bad("truncated: its section header table lies past the end of the file");
  }
  for (std::size_t i = 0; i < shnum; ++i) {
    const std::size_t at = shoff + i * shentsize;
    Section s;
    s.name = load<std::uint32_t>(elf, at);
    s.type = load<std::uint32_t>(elf, at + 4);
    if (is64) {
      s.offset = load<std::uint64_t>(elf, at + 0x18);
      s.size = load<std::uint64_t>(elf, at + 0x20);
      s.link = load<std::uint32_t>(elf, at + 0x28);
      s.entsize = load<std::uint64_t>(elf, at + 0x38);
    } else {
      s.offset = load<std::uint32_t>(elf, at + 0x10);
      s.size = load<std::uint32_t>(elf, at + 0x14);
      s.link = load<std::uint32_t>(elf, at + 0x18);
      s.entsize = load<std::uint32_t>(elf, at + 0x24);
    }
    file.m_sections.push_back(s);
  }
  const Section& names = file.m_sections[shstrndx];
  if (!file.within(names.offset, names.size)) {
    return file.bad("truncated: its section name table lies past the end of the file");
  }
  file.m_names = elf.substr(names.offset, names.size);
  return file;
}

std::string_view ElfFile::name_of(const Section& s) const {
  if (s.name >= m_names.size()) return {};
  const std::string_view rest = m_names.substr(s.name);
  return rest.substr(0, std::min(rest.find('\0'), rest.size()));
}

llvm::Expected<std::string_view> ElfFile::bytes_of(const Section& s, std::string_view what) const {
  if (!within(s.offset, s.size)) {
    return bad("truncated: its " + std::string(what) + " section lies past the end of the file");
  }
  return m_elf.substr(s.offset, s.size);
}

llvm::Expected<std::optional<std::string_view>> ElfFile::section(std::string_view name) const {
  for (const Section& s : m_sections) {
    if (name_of(s) != name) continue;
    auto bytes = bytes_of(s, name);
    if (!bytes) return bytes.takeError();
    return std::optional<std::string_view>(*bytes);
  }
  return std::nullopt;
}

llvm::Error ElfFile::for_each_symbol(
    const std::function<void(std::string_view name, std::uint16_t shndx, std::uint64_t value)>& each) const {
  for (const Section& s : m_sections) {
    if (s.type != k_symtab) continue;
    const std::size_t entsize = m_is64 ? 24 : 16;
    if (s.link >= m_sections.size()) return bad("its symbol table names no string table");
    auto symbols = bytes_of(s, ".symtab");
    if (!symbols) return symbols.takeError();
    auto strings = bytes_of(m_sections[s.link], ".strtab");
    if (!strings) return strings.takeError();
    for (std::size_t at = 0; at + entsize <= symbols->size(); at += entsize) {
      const std::uint32_t name = load<std::uint32_t>(*symbols, at);
      const std::uint16_t shndx = load<std::uint16_t>(*symbols, at + (m_is64 ? 6 : 14));
      const std::uint64_t value =
          m_is64 ? load<std::uint64_t>(*symbols, at + 8) : std::uint64_t{load<std::uint32_t>(*symbols, at + 4)};
      if (name == 0 || name >= strings->size()) continue;
      const std::string_view rest = strings->substr(name);
      const std::string_view symbol = rest.substr(0, std::min(rest.find('\0'), rest.size()));
      if (!symbol.empty()) each(symbol, shndx, value); // a name offset at a NUL names nothing
    }
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<std::string>> ElfFile::undefined_symbols() const {
  std::vector<std::string> names;
  if (auto err = for_each_symbol([&](std::string_view name, std::uint16_t shndx, std::uint64_t) {
        if (shndx == 0) names.emplace_back(name);
      }))
    return err;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

llvm::Expected<std::vector<ElfFile::Export>> ElfFile::exported_symbols() const {
  constexpr std::string_view k_ksymtab = "__ksymtab_", k_crc = "__crc_";
  constexpr std::uint16_t k_shn_abs = 0xfff1;
  std::map<std::string, std::optional<std::uint32_t>> exports;
  std::map<std::string, std::pair<std::uint16_t, std::uint64_t>> crcs;
  if (auto err = for_each_symbol([&](std::string_view name, std::uint16_t shndx, std::uint64_t value) {
        if (shndx == 0) return;
        if (name.substr(0, k_ksymtab.size()) == k_ksymtab)
          exports.emplace(std::string(name.substr(k_ksymtab.size())), std::nullopt);
        if (name.substr(0, k_crc.size()) == k_crc) crcs[std::string(name.substr(k_crc.size()))] = {shndx, value};
      }))
    return err;
  std::vector<Export> out;
  for (auto& [name, value] : exports) {
    auto c = crcs.find(name);
    if (c != crcs.end()) {
      const auto [shndx, at] = c->second;
      if (shndx == k_shn_abs) {
        value = static_cast<std::uint32_t>(at);
      } else {
        if (shndx >= m_sections.size()) return bad("the CRC of " + name + " lies in no section");
        auto data = bytes_of(m_sections[shndx], "__kcrctab");
        if (!data) return data.takeError();
        if (at > data->size() || data->size() - at < 4) return bad("the CRC of " + name + " lies past its section");
        value = load<std::uint32_t>(*data, at);
      }
    }
    out.push_back({name, value});
  }
  return out;
}

llvm::Expected<std::vector<SymbolVersion>> module_versions(const ElfFile& elf) {
  auto data = elf.section("__versions");
  if (!data) return data.takeError();
  std::vector<SymbolVersion> versions;
  if (!*data) return versions;
  // struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; }
  const std::size_t crc_size = elf.is64() ? 8 : 4;
  const std::string_view table = **data;
  for (std::size_t at = 0; at + 64 <= table.size(); at += 64) {
    SymbolVersion v;
    v.crc = load<std::uint32_t>(table, at); // the CRC is 32 bits wide; the upper half of a 64-bit word is zero
    const std::string_view name = table.substr(at + crc_size, 64 - crc_size);
    v.name = std::string(name.substr(0, std::min(name.find('\0'), name.size())));
    versions.push_back(std::move(v));
  }
  return versions;
}

} // namespace srcver::tool
