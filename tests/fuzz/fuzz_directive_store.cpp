// Fuzz target: the directive store (frontend/directive_store.hpp), the one binary cache the tool reads, served
// entry by entry. Input: [n: 1 byte] then n damages (a 4-byte little-endian position in the store file, modulo its
// size, and a non-zero byte to XOR there), then the text of two headers (the rest, split in the middle). The headers
// are scanned by Clang's directives scanner and stored, the store saved and read back; then the damages are applied
// to the file and it is read again. Besides the sanitizers it checks: an undamaged store serves both headers; in
// the damaged one, every entry that is still served (intact()) has exactly the text and the directives it had
// before: damage is detected, never believed.
// Seeds (tests/fuzz/corpus/directive_store/): small headers with guards, defines, includes and conditionals.

#include "fuzz_support.hpp"

#include <srcver/frontend/directive_store.hpp>

#include <clang/Lex/DependencyDirectivesScanner.h>
#include <llvm/ADT/SmallVector.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

using namespace srcver;
namespace dds = clang::dependency_directives_scan;

namespace {

constexpr std::chrono::nanoseconds k_any_age{0};

// An entry as the store serves it: its text, then each directive's kind and tokens.
std::string served(const frontend::DirectiveStore& store, const frontend::DirectiveStore::Entry& entry) {
  std::vector<dds::Token> tokens;
  std::vector<dds::Directive> directives;
  store.directives(entry, tokens, directives);
  std::string out(entry.text);
  for (const auto& d : directives) {
    out += "|" + std::to_string(d.Kind);
    for (const auto& t : d.Tokens)
      out += " " + std::to_string(t.Offset) + ":" + std::to_string(t.Length) + ":" + std::to_string(t.Kind) + ":" +
             std::to_string(t.Flags);
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t n = data[0];
  if (size < 1 + 5 * n) return 0;
  const std::string text(fuzz::as_view(data + 1 + 5 * n, size - 1 - 5 * n));
  const std::string headers[2] = {text.substr(0, text.size() / 2), text.substr(text.size() / 2)};
  const std::string keys[2] = {"/kernel/include/a.h", "/kernel/include/b.h"};

  static const std::string dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "srcver-fuzz-store.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    return tmpl;
  }();
  const std::string path = dir + "/kernel.store";
  std::filesystem::remove(path);
  {
    frontend::DirectiveStore store(path, k_any_age);
    for (int i = 0; i < 2; ++i) {
      llvm::SmallVector<dds::Token, 64> tokens;
      llvm::SmallVector<dds::Directive, 16> directives;
      if (clang::scanSourceForDependencyDirectives(headers[i], tokens, directives)) return 0; // not scannable
      base::FileStamp stamp;
      stamp.size = headers[i].size();
      if (!store.add(keys[i], stamp, headers[i], directives, false)) return 0; // not storable (overlapping lines)
    }
    store.save();
  }
  std::string before[2];
  {
    frontend::DirectiveStore store(path, k_any_age);
    for (int i = 0; i < 2; ++i) {
      const auto* entry = store.find(keys[i]);
      fuzz::check(entry != nullptr && store.intact(*entry), "an undamaged store serves its entries");
      before[i] = served(store, *entry);
    }
  }
  std::string bytes = slurp(path);
  if (bytes.empty() || n == 0) return 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint8_t* d = data + 1 + 5 * k;
    const std::uint32_t at = d[0] | (d[1] << 8) | (d[2] << 16) | (std::uint32_t(d[3]) << 24);
    bytes[at % bytes.size()] = static_cast<char>(bytes[at % bytes.size()] ^ (d[4] == 0 ? 1 : d[4]));
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  frontend::DirectiveStore damaged(path, k_any_age);
  for (int i = 0; i < 2; ++i) {
    const auto* entry = damaged.find(keys[i]);
    if (entry == nullptr || !damaged.intact(*entry)) continue;
    fuzz::check(served(damaged, *entry) == before[i], "an entry still served is the entry stored");
  }
  return 0;
}
