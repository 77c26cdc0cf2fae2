// Fuzz target: a module file read as the tool reads one (tool/module_file.hpp, tool/modinfo.hpp): found by
// find_module_file, decompressed by its suffix (.ko.xz: liblzma, .ko.zst: libzstd, .ko.gz: zlib; .ko as it is), and
// its `.modinfo` parsed (read_modinfo, the call `check`, `verify` and `from-build` make). The API takes paths, so the
// bytes go through a real file, in a directory made under $TMPDIR at the first input and removed at exit.
// Input: one byte choosing the suffix (its value modulo 4: .ko, .ko.xz, .ko.zst, .ko.gz), then the file's bytes.
// Besides the sanitizers it checks that find_module_file finds the file that was written, and that a plain `.ko` reads
// back byte for byte.
// Seeds (tests/fuzz/corpus/module_file/): a real module of Debian's 6.12 kernel as .ko and as compressed by the real
// xz, zstd and gzip tools.

#include "fuzz_support.hpp"

#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace srcver;

namespace {

std::string& scratch_dir() {
  static std::string dir;
  return dir;
}

void remove_scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(scratch_dir(), ec);
}

// The directory the input files are written in, made once.
const std::string& make_scratch_dir() {
  std::string& dir = scratch_dir();
  if (!dir.empty()) return dir;
  const char* tmp = std::getenv("TMPDIR");
  std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/srcver-fuzz-module.XXXXXX";
  fuzz::check(mkdtemp(name.data()) != nullptr, "a scratch directory under $TMPDIR can be made");
  dir = name;
  std::atexit(remove_scratch_dir);
  return dir;
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const suffixes[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};
  const std::string stem = make_scratch_dir() + "/module";
  const std::string path = stem + suffixes[data[0] % 4];
  const std::string_view bytes = fuzz::as_view(data + 1, size - 1);

  std::FILE* out = std::fopen(path.c_str(), "wb");
  fuzz::check(out != nullptr, "the input file can be written");
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
  fuzz::check(std::fclose(out) == 0 && written, "the input file can be written");

  fuzz::check(tool::find_module_file(stem) == path, "find_module_file finds the file written");
  auto info = tool::read_modinfo(path);
  if (info) {
    (void)tool::modinfo_value(*info, "srcversion");
  } else {
    llvm::consumeError(info.takeError());
  }
  if (data[0] % 4 == 0) {
    auto plain = tool::read_module_file(path);
    fuzz::check(plain && *plain == bytes, "a .ko reads back as it is");
  }
  std::remove(path.c_str());
  return 0;
}
