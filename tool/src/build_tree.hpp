#pragma once
// `from-build`: the srcversion of every module of a tree that real Kbuild has built, read from the files modpost
// itself reads (modules.order, <module>.mod or .tmp_versions/*.mod, the objects' .cmd files, the sources).

#include <srcver/sumversion/era.hpp>
#include <srcver/sumversion/srcversion.hpp>

#include <llvm/Support/Error.h>

#include <optional>
#include <string>
#include <vector>

namespace srcver::tool {

struct FromBuildOptions {
  std::optional<sumversion::EraSetting> era;   // --era: wins over everything else
  std::optional<KernelVersion> kernel_version; // --kernel-version
  std::optional<std::string> kernel;           // --kernel: release or build directory
  std::optional<bool> all_versions;            // whether modpost ran with -a; default: from its recorded command line
  bool keep_hash_input = false;
};

struct BuiltModule {
  enum class Status {
    ok,            // srcversion computed, and modpost writes one for this module
    no_srcversion, // modpost's rules give none (reason says which)
    modpost_fails, // modpost itself would fail on this tree
    not_built,     // no .ko (or .ko.xz/.zst/.gz): the build did not produce this module
    no_version,    // neither version= in the module nor -a on modpost's command line: modpost writes none
    cannot_tell,   // whether modpost writes one is unknown (no version=, and -a not recorded)
  };
  std::string module;      // path of the built module relative to the build directory, without .ko
  std::string module_file; // the built module file found, "" when none
  Status status = Status::ok;
  std::string reason;                  // why not ok
  sumversion::SrcversionResult result; // the computation (empty when not_built)
};

struct FromBuildReport {
  std::string build_dir;   // absolute
  std::string modpost_dir; // the directory modpost ran in, as far as the tree tells (relative paths resolve here)
  std::optional<sumversion::EraSetting> era; // unknown only when no module was built
  std::string era_source;                    // how the era was chosen ("--era", "kernel 6.1.192 (/usr/src/...)")
  std::optional<bool> all_versions;          // modpost's -a, when known
  std::vector<BuiltModule> modules;          // modules.order order
};

// A build tree: an external-module directory built with M=, or a directory of an in-tree build.
llvm::Expected<FromBuildReport> compute_from_build(const std::string& build_dir, const FromBuildOptions& options);

// Reads files relative to a directory (absolute paths as they are): what modpost's working directory gives it.
class DiskFileSource : public sumversion::FileSource {
public:
  explicit DiskFileSource(std::string root) : m_root(std::move(root)) {}
  llvm::Expected<std::string> read(const std::string& path) override;

private:
  std::string m_root;
};

} // namespace srcver::tool
