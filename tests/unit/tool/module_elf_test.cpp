// What a module was linked against, read from real modules of Debian's 6.12 kernel (the fuzz seeds), plain and
// xz-compressed, against binutils' `nm -u` and kmod's `modprobe --dump-modversions` run on the same files.
// Their signatures (Debian signs them) taken off, against where the ELF itself ends (its section headers, its
// sections).

#include "installed_module.hpp" // tool/src
#include "module_elf.hpp"

#include <srcver/tool/module_file.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

using namespace srcver::tool;

namespace {

const std::string k_modinfo_seeds = SRCVER_SOURCE_DIR "/tests/fuzz/corpus/modinfo/";

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  EXPECT_TRUE(pipe) << command;
  std::string out;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()))
    out += buffer;
  return out;
}

std::vector<std::string> nm_undefined(const std::string& ko) {
  std::istringstream in(run("nm -u " + ko));
  std::vector<std::string> names;
  for (std::string type, name; in >> type >> name;)
    names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string kmod_versions(const std::string& ko) { return run("modprobe --dump-modversions " + ko + " 2>&1"); }

std::string ours(const std::vector<SymbolVersion>& versions) {
  std::string out;
  char line[128];
  for (const auto& v : versions) {
    std::snprintf(line, sizeof line, "0x%08x\t%s\n", v.crc, v.name.c_str());
    out += line;
  }
  return out;
}

ElfFile parse(const std::string& bytes, const std::string& path) {
  auto elf = ElfFile::parse(bytes, path);
  EXPECT_TRUE(static_cast<bool>(elf)) << path;
  return std::move(*elf);
}

} // namespace

TEST(ModuleElf, UndefinedSymbolsAreWhatNmSays) {
  for (const char* name : {"iTCO_vendor_support.ko", "nhc_hop.ko"}) {
    const std::string ko = k_modinfo_seeds + name;
    auto bytes = read_module_file(ko);
    ASSERT_TRUE(static_cast<bool>(bytes)) << ko;
    auto symbols = parse(*bytes, ko).undefined_symbols();
    ASSERT_TRUE(static_cast<bool>(symbols));
    const auto expected = nm_undefined(ko);
    ASSERT_FALSE(expected.empty()) << "nm -u found nothing in " << ko << " (is binutils installed?)";
    EXPECT_EQ(*symbols, expected) << ko;
  }
}

TEST(ModuleElf, MachineIsWhatTheHeaderSays) {
  for (const char* name : {"iTCO_vendor_support.ko", "nhc_hop.ko"}) {
    const std::string ko = k_modinfo_seeds + name;
    auto bytes = read_module_file(ko);
    ASSERT_TRUE(static_cast<bool>(bytes)) << ko;
    const std::string machine = run("od -An -tu2 -j18 -N2 " + ko);
    ASSERT_FALSE(machine.empty()) << "od is not installed";
    EXPECT_EQ(parse(*bytes, ko).machine(), std::stoi(machine)) << ko;
  }
}

TEST(ModuleElf, VersionsAreWhatKmodDumps) {
  for (const char* name : {"iTCO_vendor_support.ko", "nhc_hop.ko"}) {
    const std::string ko = k_modinfo_seeds + name;
    auto bytes = read_module_file(ko);
    ASSERT_TRUE(static_cast<bool>(bytes));
    auto versions = module_versions(parse(*bytes, ko));
    ASSERT_TRUE(static_cast<bool>(versions));
    ASSERT_FALSE(versions->empty()) << ko << ": Debian builds with CONFIG_MODVERSIONS";
    EXPECT_EQ(ours(*versions), kmod_versions(ko)) << ko;
  }
}

TEST(ModuleElf, CompressedModuleReadsTheSame) {
  const std::string plain = k_modinfo_seeds + "iTCO_vendor_support.ko";
  const std::string dir = ::testing::TempDir();
  const std::string xz = dir + "/iTCO_vendor_support.ko.xz";
  ASSERT_EQ(std::system(("xz -c " + plain + " >" + xz).c_str()), 0) << "xz is not installed";
  auto a = read_module_file(plain);
  auto b = read_module_file(xz);
  ASSERT_TRUE(a && b);
  auto va = module_versions(parse(*a, plain));
  auto vb = module_versions(parse(*b, xz));
  ASSERT_TRUE(va && vb);
  EXPECT_EQ(ours(*va), ours(*vb));
  EXPECT_EQ(ours(*vb), kmod_versions(xz)); // kmod reads the .xz itself
  std::remove(xz.c_str());
}

TEST(ModuleElf, TruncatedFilesAreRefused) {
  auto bytes = read_module_file(k_modinfo_seeds + "nhc_hop.ko");
  ASSERT_TRUE(static_cast<bool>(bytes));
  std::uint64_t shoff = 0;
  std::memcpy(&shoff, bytes->data() + 0x28, 8);
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{10}, std::size_t{63}, std::size_t{shoff}, std::size_t{shoff + 100}}) {
    auto elf = ElfFile::parse(std::string_view(*bytes).substr(0, cut), "cut.ko");
    EXPECT_FALSE(static_cast<bool>(elf)) << "cut at " << cut; // in the ELF header or the section header table
    if (!elf) llvm::consumeError(elf.takeError());
  }
}

TEST(ModuleElf, ASymbolTablePastTheEndIsAnError) {
  auto bytes = read_module_file(k_modinfo_seeds + "nhc_hop.ko");
  ASSERT_TRUE(static_cast<bool>(bytes));
  std::string elf_bytes = *bytes;
  std::uint64_t shoff = 0;
  std::uint16_t shentsize = 0, shnum = 0;
  std::memcpy(&shoff, elf_bytes.data() + 0x28, 8);
  std::memcpy(&shentsize, elf_bytes.data() + 0x3a, 2);
  std::memcpy(&shnum, elf_bytes.data() + 0x3c, 2);
  bool moved = false;
  for (std::uint16_t i = 0; i < shnum; ++i) {
    char* header = elf_bytes.data() + shoff + std::size_t{i} * shentsize;
    std::uint32_t type = 0;
    std::memcpy(&type, header + 4, 4);
    if (type != 2) continue; // SHT_SYMTAB
    const std::uint64_t past_the_end = elf_bytes.size() + 16;
    std::memcpy(header + 0x18, &past_the_end, 8);
    moved = true;
  }
  ASSERT_TRUE(moved) << "no symbol table in nhc_hop.ko";
  auto elf = ElfFile::parse(elf_bytes, "moved.ko");
  ASSERT_TRUE(static_cast<bool>(elf));
  auto symbols = elf->undefined_symbols();
  ASSERT_FALSE(static_cast<bool>(symbols));
  EXPECT_NE(llvm::toString(symbols.takeError()).find("past the end"), std::string::npos);
}

// A signed module (Debian signs its modules) without its signature ends where its ELF ends: the section header table
// or the last section's bytes, whichever lies further (binutils and the kernel's linker script put the table last).
std::uint64_t elf_end(const std::string& bytes) {
  auto u16 = [&](std::size_t at) {
    return std::uint64_t(std::uint8_t(bytes[at])) | std::uint64_t(std::uint8_t(bytes[at + 1])) << 8;
  };
  auto u64 = [&](std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
      v = v << 8 | std::uint8_t(bytes[at + i]);
    return v;
  };
  const std::uint64_t shoff = u64(0x28), shentsize = u16(0x3a), shnum = u16(0x3c);
  std::uint64_t end = shoff + shentsize * shnum;
  for (std::uint64_t i = 0; i < shnum; ++i) {
    const std::size_t sh = shoff + i * shentsize;
    const std::uint32_t type = std::uint32_t(u64(sh + 4) & 0xffffffff);
    if (type != 8 /* SHT_NOBITS */) end = std::max(end, u64(sh + 0x18) + u64(sh + 0x20));
  }
  return end;
}

TEST(InstalledModule, SignatureTakenOffLeavesTheElf) {
  for (const char* name : {"iTCO_vendor_support.ko", "nhc_hop.ko"}) {
    const std::string ko = k_modinfo_seeds + name;
    auto bytes = read_module_file(ko);
    ASSERT_TRUE(static_cast<bool>(bytes)) << ko;
    ASSERT_EQ(bytes->substr(bytes->size() - 28), "~Module signature appended~\n") << ko << " is not signed";
    const std::string module = without_signature(*bytes);
    EXPECT_LT(module.size(), bytes->size()) << ko;
    EXPECT_EQ(module.size(), elf_end(*bytes)) << ko;
    EXPECT_EQ(without_signature(module), module) << ko << ": an unsigned module is left as it is";
    auto same = is_installed_form(*bytes, module);
    ASSERT_TRUE(static_cast<bool>(same));
    EXPECT_TRUE(*same) << ko << " signed is the installed form of itself unsigned";
  }
  auto a = read_module_file(k_modinfo_seeds + "iTCO_vendor_support.ko");
  auto b = read_module_file(k_modinfo_seeds + "nhc_hop.ko");
  ASSERT_TRUE(a && b);
  auto other = is_installed_form(*a, without_signature(*b));
  ASSERT_TRUE(static_cast<bool>(other));
  EXPECT_FALSE(*other) << "a module is the installed form of another";
}

TEST(InstalledModule, ASignatureLongerThanTheFileIsNotTakenOff) {
  auto bytes = read_module_file(k_modinfo_seeds + "nhc_hop.ko");
  ASSERT_TRUE(static_cast<bool>(bytes));
  std::string damaged = *bytes;
  damaged[damaged.size() - 28 - 4] = '\x7f'; // sig_len's high byte: about 2 GiB
  EXPECT_EQ(without_signature(damaged), damaged);
  EXPECT_EQ(without_signature("~Module signature appended~\n"), "~Module signature appended~\n");
}

// What a module exports, with each symbol's CRC, against the kernel's own Module.symvers (the seeds are modules of
// Debian's 6.12.111, whose Module.symvers lists every export of its modules with the module's path).
TEST(ModuleElf, ExportsAreWhatTheKernelsModuleSymversSays) {
  const std::string symvers = "/lib/modules/6.12.111+deb12-amd64/build/Module.symvers";
  std::ifstream in(symvers);
  ASSERT_TRUE(in) << symvers << " is missing: scripts/install-deps.sh installs linux-headers-6.12.111+deb12-amd64";
  std::map<std::string, std::string> expected; // name -> "0x<crc>", of iTCO_vendor_support's exports
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string crc, name, module;
    fields >> crc >> name >> module;
    if (module == "drivers/watchdog/iTCO_vendor_support") expected[name] = crc;
  }
  ASSERT_EQ(expected.size(), 4u) << symvers;
  const std::string ko = k_modinfo_seeds + "iTCO_vendor_support.ko";
  auto bytes = read_module_file(ko);
  ASSERT_TRUE(static_cast<bool>(bytes));
  auto exports = parse(*bytes, ko).exported_symbols();
  ASSERT_TRUE(static_cast<bool>(exports));
  std::map<std::string, std::string> ours;
  for (const auto& e : *exports) {
    ASSERT_TRUE(e.crc.has_value()) << e.name;
    char crc[16];
    std::snprintf(crc, sizeof crc, "0x%08x", *e.crc);
    ours[e.name] = crc;
  }
  EXPECT_EQ(ours, expected);
  auto none = read_module_file(k_modinfo_seeds + "nhc_hop.ko");
  ASSERT_TRUE(static_cast<bool>(none));
  auto nothing = parse(*none, "nhc_hop.ko").exported_symbols();
  ASSERT_TRUE(static_cast<bool>(nothing));
  EXPECT_TRUE(nothing->empty()) << "nhc_hop exports nothing in Module.symvers";
}
