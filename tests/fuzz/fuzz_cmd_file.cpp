// Fuzz target: the walk modpost makes over an object's `.cmd` file (sumversion/cmd_file.hpp, walk_cmd_file), with
// each era's line reader (E1-E4: skips blank lines, drops a last line without LF, ends at a line over 4095 bytes;
// E5: untrimmed lines; E6/E7: trimmed lines, a NUL ends the file).
// Input: the object's directory as modpost spells it ("m/", "./", "" or anything), up to the first LF, then the
// `.cmd` file's bytes. Every era walks the same bytes. Besides the sanitizers it checks: every dependency hashed
// passes the same-directory test and holds no space; a `source_` file appears only in eras that have the line and
// a malformed `source_` line is reported only there; the walk says why it ended; and the `.cmd` name of an object
// in that directory keeps the directory.
// Seeds (tests/fuzz/corpus/cmd_file/): the `.cmd` files of the crafted modpost trees (testdata/modpost), each
// behind its object's directory.

#include "fuzz_support.hpp"

#include <srcver/sumversion/cmd_file.hpp>
#include <srcver/sumversion/filter.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

using namespace srcver;
using Role = sumversion::CmdFileWalk::Role;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_view(data, size);
  const std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  const std::string_view dir = input.substr(0, nl);
  const std::string_view content = input.substr(nl + 1);

  for (const auto& setting : fuzz::k_era_settings) {
    const auto rules = sumversion::rules_for(setting);
    const sumversion::CmdFileWalk walk = sumversion::walk_cmd_file(content, dir, rules);
    fuzz::check(!walk.end.empty(), "the walk says why it ended");
    fuzz::check(!walk.malformed || rules.has_source_line, "a malformed source_ line only where the line exists");
    for (const auto& file : walk.files) {
      if (file.role == Role::source) {
        fuzz::check(rules.has_source_line, "a source_ file only where the line exists");
        continue;
      }
      fuzz::check(sumversion::same_directory(file.path, dir), "a hashed dependency passes the directory test");
      for (const char c : file.path)
        fuzz::check(!sumversion::is_c_space(static_cast<unsigned char>(c)), "a dependency path holds no space");
    }
  }

  const std::string object = std::string(dir) + "x.o";
  const std::string cmd = sumversion::cmd_file_for_object(object);
  // rfind gives npos without a '/': npos + 1 == 0, the empty directory.
  fuzz::check(sumversion::object_dir(object) == dir.substr(0, dir.rfind('/') + 1), "object_dir ends at the last '/'");
  fuzz::check(sumversion::object_dir(cmd) == sumversion::object_dir(object), "the .cmd file is in the object's dir");
  return 0;
}
