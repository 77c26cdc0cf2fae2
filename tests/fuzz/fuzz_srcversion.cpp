// Fuzz target: the whole srcversion computation (sumversion/srcversion.hpp, compute_srcversion) over an in-memory
// tree: the `.mod` file, each object's `.cmd` file, the files they name, in every era.
// Input, a small text archive (what tests/fuzz/corpus/srcversion/ holds):
//   line 1:  <era> <module> [-m] [<kernel version>]   e.g. "E6 m/hello -m 6.1.192" (parse_era, parse_kernel_version;
//            -m: modpost's CRC pass, CONFIG_MODVERSIONS)
//   then files, each "==> <path>" LF <content>, the content running up to the LF before the next "==> " line (that
//   LF is the separator's) or to the end of the input. Paths are as modpost opens them, relative to its working
//   directory, and compared as the file system would resolve them without symlinks ("./m/x.h" is "m/x.h"); a path
//   given twice keeps its last content; a file not given cannot be opened.
// Besides the sanitizers it checks: a srcversion is 23 uppercase hex digits and is the digest of the hash input the
// result keeps; the hashed files' byte counts add up to that input; a result without a srcversion says why.
// Seeds: the crafted modpost trees of testdata/modpost (their goldens come from the real modpost), each under one
// era, made by tests/fuzz/make-corpus.sh.

#include "fuzz_support.hpp"

#include <srcver/base/error.hpp>
#include <srcver/sumversion/md4.hpp>
#include <srcver/sumversion/srcversion.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

using namespace srcver;
using Outcome = sumversion::SrcversionResult::Outcome;

namespace {

// A path as the file system resolves it when no component is a symlink.
std::string normal(std::string_view path) { return std::filesystem::path(path).lexically_normal().string(); }

class ArchiveSource : public sumversion::FileSource {
public:
  std::map<std::string, std::string, std::less<>> files;

  llvm::Expected<std::string> read(const std::string& path) override {
    const auto it = files.find(normal(path));
    if (it == files.end()) return make_error(ErrorCategory::io, "No such file or directory", path);
    return it->second;
  }
};

// Splits the archive after its first line into files (see the comment at the top).
void unpack(std::string_view rest, ArchiveSource& source) {
  constexpr std::string_view k_marker = "==> ";
  if (rest.substr(0, k_marker.size()) != k_marker) return;
  while (!rest.empty()) {
    rest.remove_prefix(k_marker.size());
    const std::size_t nl = rest.find('\n');
    const std::string_view path = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    const std::size_t next = rest.find("\n==> ");
    source.files[normal(path)] = std::string(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
  }
}

// The next word of `line` (split on single spaces), removed from it.
std::string_view next_word(std::string_view& line) {
  const std::size_t space = line.find(' ');
  const std::string_view word = line.substr(0, space);
  line = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  return word;
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_view(data, size);
  const std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view settings = input.substr(0, nl);

  auto era = sumversion::parse_era(next_word(settings));
  if (!era) {
    llvm::consumeError(era.takeError());
    return 0;
  }
  sumversion::SrcversionRequest request;
  request.module_name = std::string(next_word(settings));
  request.keep_hash_input = true;
  std::optional<KernelVersion> version;
  while (!settings.empty()) {
    const std::string_view word = next_word(settings);
    if (word == "-m") {
      request.modversions = true;
    } else if (auto parsed = parse_kernel_version(word)) {
      version = *parsed;
    } else {
      llvm::consumeError(parsed.takeError());
    }
  }

  ArchiveSource source;
  unpack(input.substr(nl + 1), source);
  const auto result = sumversion::compute_srcversion(source, request, sumversion::rules_for(*era, version));

  if (result.outcome != Outcome::ok) {
    fuzz::check(!result.reason.empty() && result.srcversion.empty(), "no srcversion, and the reason why");
    return 0;
  }
  fuzz::check(result.srcversion.size() == 23, "a srcversion has 23 characters");
  for (const char c : result.srcversion)
    fuzz::check((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'), "a srcversion is uppercase hex");
  fuzz::check(sumversion::srcversion_of_stream(result.hash_input) == result.srcversion, "the digest of the input");
  std::size_t hashed = 0;
  for (const auto& file : result.hashed)
    hashed += file.hashed_bytes;
  fuzz::check(hashed == result.hash_input.size(), "the hashed files make up the hash input");
  return 0;
}
