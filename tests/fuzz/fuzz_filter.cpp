// Fuzz target: modpost's source filter (sumversion/filter.hpp, filter_source) on arbitrary file contents.
// Input: the bytes of a source or header file as read from disk. Each input is filtered under both reading rules
// (mmap, NULs hashed: E1-E4; read and cut at the first NUL: E5+). Besides the sanitizers it checks: the output is a
// subsequence of the input; the E5+ output holds no NUL and equals the mmap-era output of the input cut at its first
// NUL; without a NUL both rules agree.
// Seeds (tests/fuzz/corpus/filter/): the sources and headers of the crafted modpost trees (testdata/modpost).

#include "fuzz_support.hpp"

#include <srcver/sumversion/filter.hpp>

#include <cstddef>
#include <cstdint>

using namespace srcver;

namespace {

bool is_subsequence(std::string_view part, std::string_view whole) {
  std::size_t at = 0;
  for (const char c : part) {
    while (at < whole.size() && whole[at] != c)
      ++at;
    if (at == whole.size()) return false;
    ++at;
  }
  return true;
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content = fuzz::as_view(data, size);
  const auto mmap_rules = sumversion::rules_for({sumversion::Era::e4, sumversion::ModFormat::f2});
  const auto read_rules = sumversion::rules_for({sumversion::Era::e6, sumversion::ModFormat::f3});

  const std::string mapped = sumversion::filter_source(content, mmap_rules);
  const std::string read = sumversion::filter_source(content, read_rules);
  fuzz::check(is_subsequence(mapped, content), "mmap-era output is a subsequence of the input");
  fuzz::check(read.find('\0') == std::string::npos, "E5+ output holds no NUL");
  const std::string_view cut = content.substr(0, content.find('\0'));
  fuzz::check(read == sumversion::filter_source(cut, mmap_rules), "E5+ output is the filter of the input up to NUL");
  if (cut.size() == content.size()) fuzz::check(read == mapped, "without a NUL both reading rules agree");
  return 0;
}
