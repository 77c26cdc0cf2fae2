#pragma once
// A module's srcversion from the files modpost reads, per era (docs/srcversion-rules.md sections 1.0-1.3):
// the port of modpost's sumversion.

#include <srcver/sumversion/cmd_file.hpp>
#include <srcver/sumversion/era.hpp>

#include <llvm/Support/Error.h>

#include <string>
#include <string_view>
#include <vector>

namespace srcver::sumversion {

// Where file contents come from. Paths are as modpost would open them: relative to modpost's working directory, or
// absolute. An implementation returns an error for a file that cannot be opened.
class FileSource {
public:
  virtual ~FileSource() = default;
  virtual llvm::Expected<std::string> read(const std::string& path) = 0;
};

struct SrcversionRequest {
  std::string module_name;                 // modpost's name for the module: path without .ko/.o ("/abs/M/x", "x")
  std::string modverdir = ".tmp_versions"; // F1 eras only: where the .mod files live
  bool keep_hash_input = false;            // fill SrcversionResult::hash_input with every byte fed to MD4
  bool modversions = false; // modpost runs with -m (CONFIG_MODVERSIONS): from 5.19 its CRC pass opens a .cmd for
                            // every .mod entry, .a included, and dies when one is missing
};

struct SrcversionResult {
  enum class Outcome {
    ok,            // srcversion computed
    no_srcversion, // modpost gives this module no srcversion (old eras: missing/empty file, malformed .cmd)
    modpost_fails, // modpost itself exits with an error (e5+: a missing file), so no module gets a srcversion
  };
  struct HashedFile {
    std::string object; // the .mod entry it belongs to
    std::string path;   // as modpost opens it
    CmdFileWalk::Role role;
    std::size_t hashed_bytes = 0; // bytes it contributed after filtering
  };
  struct SkippedDep {
    std::string object;
    std::string path;
    std::string reason;
  };

  Outcome outcome = Outcome::ok;
  std::string srcversion;           // 23 uppercase hex digits when ok
  std::string reason;               // why not, otherwise
  std::string mod_file;             // the object-list file that was read
  std::vector<std::string> objects; // .mod entries in order (including skipped .a entries)
  std::vector<HashedFile> hashed;
  std::vector<SkippedDep> skipped;
  std::string hash_input; // only with SrcversionRequest::keep_hash_input
};

// Computes the srcversion modpost would compute (it does so when the module has a version= modinfo entry or
// modpost runs with -a; that condition is the caller's). Never fails: every outcome is a SrcversionResult.
SrcversionResult compute_srcversion(FileSource& files, const SrcversionRequest& request, const EraRules& rules);

} // namespace srcver::sumversion
