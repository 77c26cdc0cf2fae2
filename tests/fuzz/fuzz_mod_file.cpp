// Fuzz target: the readers of a module's object list (sumversion/mod_file.hpp, parse_mod_file) in each of modpost's
// three formats (F1: line 2 split on spaces, <= 5.2; F2: line 1 split on spaces, 5.3-5.18; F3: one object per line,
// 5.19+), and the helpers applied to each entry (is_static_library, the `.cmd` name, mod_file_path).
// Input: the bytes of a `.mod` file. Besides the sanitizers it checks: no entry is empty or holds a NUL or its
// format's separator; an F1 list is refused only when its second line is not terminated; F2 and F3 agree on a file
// of one line without spaces.
// Seeds (tests/fuzz/corpus/mod_file/): the `.mod` files of the crafted modpost trees (testdata/modpost) and a real
// Kbuild one.

#include "fuzz_support.hpp"

#include <srcver/sumversion/cmd_file.hpp>
#include <srcver/sumversion/mod_file.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using namespace srcver;
using sumversion::ModFormat;

namespace {

std::vector<std::string> entries_of(std::string_view content, ModFormat format, char separator) {
  auto entries = sumversion::parse_mod_file(content, format);
  if (!entries) {
    llvm::consumeError(entries.takeError());
    return {};
  }
  for (const std::string& entry : *entries) {
    fuzz::check(!entry.empty(), "no entry is empty");
    fuzz::check(entry.find('\0') == std::string::npos, "no entry holds a NUL");
    fuzz::check(entry.find(separator) == std::string::npos, "no entry holds the separator");
    const bool library = sumversion::is_static_library(entry);
    fuzz::check(library == (entry.size() >= 2 && entry.compare(entry.size() - 2, 2, ".a") == 0), "the .a test");
    const std::string cmd = sumversion::cmd_file_for_object(entry);
    fuzz::check(cmd.size() == entry.size() + 5, "the .cmd name adds '.' and '.cmd'");
    (void)sumversion::mod_file_path(entry, format, ".tmp_versions");
  }
  return std::move(*entries);
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content = fuzz::as_view(data, size);
  const std::string_view text = content.substr(0, content.find('\0'));

  auto f1 = sumversion::parse_mod_file(content, ModFormat::f1);
  const std::size_t nl1 = text.find('\n');
  const bool terminated = nl1 != std::string_view::npos && text.find('\n', nl1 + 1) != std::string_view::npos;
  fuzz::check(static_cast<bool>(f1) == terminated, "F1 is refused exactly when line 2 is not terminated");
  if (!f1) llvm::consumeError(f1.takeError());

  (void)entries_of(content, ModFormat::f1, ' ');
  const auto f2 = entries_of(content, ModFormat::f2, ' ');
  const auto f3 = entries_of(content, ModFormat::f3, '\n');
  if (text.find_first_of(" \n") == std::string_view::npos) fuzz::check(f2 == f3, "F2 and F3 agree on one word");
  return 0;
}
