// Fuzz target: the checked cache entry (kbuild-shim/cache_file.hpp: verify_checksum, with_checksum), through which
// every whole-file cache entry is read (predictions, kernel profiles, gcc's macros, fixdep's rules, kept define
// names). Input: any bytes, read as an entry from disk. Besides the sanitizers it checks: an entry accepted gives
// back exactly the content that with_checksum turns into these very bytes (nothing but a whole entry is believed);
// and the input taken as content comes back whole from its own entry, while that entry with its last byte changed
// (the trailer's newline) or cut by one byte is refused.
// Seeds (tests/fuzz/corpus/cache_entry/): entries the tool wrote (a prediction, a profile, fixdep's rules).

#include "fuzz_support.hpp"

#include <srcver/base/cache_file.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

using namespace srcver;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(fuzz::as_view(data, size));
  if (auto content = base::verify_checksum(bytes)) {
    fuzz::check(base::with_checksum(*content) == bytes, "an accepted entry is exactly its content's entry");
  }
  const std::string entry = base::with_checksum(bytes);
  const auto back = base::verify_checksum(entry);
  fuzz::check(back.has_value() && *back == bytes, "an entry gives back its content");
  fuzz::check(!base::verify_checksum(entry.substr(0, entry.size() - 1)), "a cut entry is refused");
  std::string changed = entry;
  changed.back() = 'x';
  fuzz::check(!base::verify_checksum(changed), "a changed entry is refused");
  return 0;
}
