#pragma once
// The parts of a kernel module's ELF file that say what it was linked against: its sections by name, the symbols it
// leaves undefined (what the kernel or another module must export), and `__versions`, the CRC of each such symbol
// that modpost wrote in (CONFIG_MODVERSIONS). Little-endian ELF, 32- or 64-bit; every offset checked against the file.

#include <llvm/Support/Error.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace srcver::tool {

class ElfFile {
public:
  // Errors (input): not ELF, big-endian, a header or table past the end of the file. `path` names it in messages.
  static llvm::Expected<ElfFile> parse(std::string_view elf, const std::string& path);

  // The bytes of the first section called `name`, or nullopt when there is none. Error: it lies past the end.
  llvm::Expected<std::optional<std::string_view>> section(std::string_view name) const;
  // The names of the symbols of .symtab that are undefined (section index 0), sorted, each once.
  llvm::Expected<std::vector<std::string>> undefined_symbols() const;
  struct Export {
    std::string name;
    std::optional<std::uint32_t> crc; // none without CONFIG_MODVERSIONS
  };
  // The symbols the module exports (EXPORT_SYMBOL: a __ksymtab_<name> symbol each), sorted by name, each with its
  // CRC: the 32 bits its __crc_<name> symbol points at (in __kcrctab), or that symbol's value when it is absolute.
  llvm::Expected<std::vector<Export>> exported_symbols() const;
  bool is64() const { return m_is64; }
  std::uint16_t machine() const { return m_machine; } // e_machine: the architecture it was built for

private:
  struct Section {
    std::uint32_t name = 0, type = 0, link = 0;
    std::uint64_t offset = 0, size = 0, entsize = 0;
  };
  ElfFile(std::string_view elf, std::string path) : m_elf(elf), m_path(std::move(path)) {}
  llvm::Error bad(const std::string& why) const;
  bool within(std::uint64_t offset, std::uint64_t size) const {
    return offset <= m_elf.size() && size <= m_elf.size() - offset;
  }
  std::string_view name_of(const Section& s) const;
  // Calls `each` with every named symbol of .symtab: its name, section index and value.
  llvm::Error for_each_symbol(
      const std::function<void(std::string_view name, std::uint16_t shndx, std::uint64_t value)>& each) const;
  llvm::Expected<std::string_view> bytes_of(const Section& s, std::string_view what) const;

  std::string_view m_elf;
  std::string m_path;
  bool m_is64 = true;
  std::uint16_t m_machine = 0;
  std::vector<Section> m_sections;
  std::string_view m_names; // the section name table
};

struct SymbolVersion {
  std::string name;
  std::uint32_t crc = 0;
};

// The `__versions` table (empty when the module has none: a kernel without CONFIG_MODVERSIONS).
llvm::Expected<std::vector<SymbolVersion>> module_versions(const ElfFile& elf);

} // namespace srcver::tool
