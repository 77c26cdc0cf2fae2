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
  std::optional<sumversion::EraSetting> era;               // --era: wins over everything else
  std::optional<sumversion::KernelVersion> kernel_version; // --kernel-version
  std::optional<std::string> kernel;                       // --kernel: release or build directory
  bool keep_hash_input = false;
};

struct BuiltModule {
  std::string module; // path of the built module relative to the build directory, without .ko
  sumversion::SrcversionResult result;
};

struct FromBuildReport {
  std::string build_dir;   // absolute
  std::string modpost_dir; // the directory modpost ran in, as far as the tree tells (relative paths resolve here)
  sumversion::EraSetting era;
  std::string era_source;           // how the era was chosen ("--era", "kernel 6.1.192 (/usr/src/...)")
  std::vector<BuiltModule> modules; // modules.order order
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
