// Fuzz target: the ELF reader that finds a module's `.modinfo` section and splits it into key=value strings
// (tool/modinfo.hpp, parse_modinfo), as `check`, `verify` and `from-build` use it on every module file; and the same
// reader's undefined symbols and `__versions` table (tool/src/module_elf.hpp), as `record` reads every built module.
// Input: the bytes of a (decompressed) module file: an ELF relocatable, 32- or 64-bit, or anything else. Besides the
// sanitizers it checks: every key and value is free of NUL bytes and every key of '='; a refusal is an error, never a
// crash or an exception.
// Seeds (tests/fuzz/corpus/modinfo/): real modules of Debian's 6.12 kernel (one with a srcversion, one without) and
// a 32-bit module object made by clang.

#include "fuzz_support.hpp"

#include <srcver/tool/modinfo.hpp>

#include "module_elf.hpp" // tool/src

#include <cstddef>
#include <cstdint>
#include <string>

using namespace srcver;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (auto elf = tool::ElfFile::parse(fuzz::as_view(data, size), "fuzz.ko")) {
    if (auto symbols = elf->undefined_symbols()) {
      for (const auto& name : *symbols)
        fuzz::check(name.find('\0') == std::string::npos && !name.empty(), "a symbol name is not empty, has no NUL");
    } else {
      llvm::consumeError(symbols.takeError());
    }
    if (auto versions = tool::module_versions(*elf)) {
      for (const auto& v : *versions)
        fuzz::check(v.name.size() < 64, "a __versions name fits its entry");
    } else {
      llvm::consumeError(versions.takeError());
    }
  } else {
    llvm::consumeError(elf.takeError());
  }
  auto info = tool::parse_modinfo(fuzz::as_view(data, size), "fuzz.ko");
  if (!info) {
    llvm::consumeError(info.takeError());
    return 0;
  }
  for (const auto& [key, value] : *info) {
    fuzz::check(key.find('\0') == std::string::npos && key.find('=') == std::string::npos, "a key has no NUL or '='");
    fuzz::check(value.find('\0') == std::string::npos, "a value has no NUL");
  }
  (void)tool::modinfo_value(*info, "srcversion");
  return 0;
}
