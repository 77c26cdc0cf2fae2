#include <srcver/sumversion/error.hpp>
#include <srcver/tool/build_tree.hpp>
#include <srcver/tool/kernel.hpp>
#include <srcver/tool/modinfo.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace srcver::tool {
namespace {

// modules.order entries name the module as `.ko` (<= 6.1) or `.o` (6.2+); modpost's name drops the suffix.
std::string strip_module_suffix(llvm::StringRef entry) {
  if (entry.ends_with(".ko")) return entry.drop_back(3).str();
  if (entry.ends_with(".o")) return entry.drop_back(2).str();
  return entry.str();
}

fs::path resolve(const fs::path& root, const std::string& path) {
  return fs::path(path).is_absolute() ? fs::path(path) : root / path;
}

// The module's path relative to the build directory, as users name it ("hello", "sub/foo", "../echo/echo").
std::string display_name(const fs::path& module_path, const fs::path& build_dir) {
  const fs::path normal = module_path.lexically_normal();
  std::string rel = normal.lexically_relative(build_dir).generic_string();
  return rel.empty() ? normal.generic_string() : rel;
}

struct EraChoice {
  sumversion::EraSetting setting;
  std::string source;
  std::optional<KernelBuild> kernel;
};

llvm::Expected<EraChoice> choose_era(const FromBuildOptions& options, const fs::path& modpost_dir,
                                     const fs::path& first_ko) {
  if (options.era) return EraChoice{*options.era, "--era", std::nullopt};
  if (options.kernel_version) {
    auto setting = sumversion::era_for_version(*options.kernel_version);
    if (!setting) return setting.takeError();
    return EraChoice{*setting, "--kernel-version", std::nullopt};
  }
  std::optional<KernelBuild> kernel;
  std::string how;
  if (options.kernel) {
    auto resolved = resolve_kernel(*options.kernel);
    if (!resolved) return resolved.takeError();
    kernel = *resolved;
    how = "--kernel";
  } else if (!modpost_dir.empty() && fs::exists(modpost_dir / "include/generated/utsrelease.h")) {
    // An in-tree build: modpost ran in the kernel's own objtree.
    auto resolved = resolve_kernel(modpost_dir.string());
    if (!resolved) return resolved.takeError();
    kernel = *resolved;
    how = "in-tree objtree";
  } else {
    auto info = read_modinfo(first_ko.string());
    if (!info) {
      return make_error(ErrorCategory::cannot_predict, "cannot tell which kernel built this tree (" +
                                                           llvm::toString(info.takeError()) +
                                                           "); pass --kernel, --kernel-version or --era");
    }
    const std::string vermagic = modinfo_value(*info, "vermagic");
    const std::string release = vermagic.substr(0, vermagic.find(' '));
    auto resolved = resolve_kernel(release);
    if (release.empty() || !resolved) {
      if (!resolved) llvm::consumeError(resolved.takeError());
      return make_error(ErrorCategory::cannot_predict,
                        "the modules were built for kernel '" + release +
                            "', whose build directory is not installed; pass --kernel, --kernel-version or --era");
    }
    kernel = *resolved;
    how = "vermagic of " + first_ko.filename().string();
  }
  auto setting = sumversion::era_for_version(kernel->version);
  if (!setting) return setting.takeError();
  const auto& v = kernel->version;
  return EraChoice{*setting,
                   "kernel " + std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch) +
                       " (" + kernel->build_dir + ", " + how + ")",
                   kernel};
}

} // namespace

llvm::Expected<std::string> DiskFileSource::read(const std::string& path) {
  const fs::path full = resolve(m_root, path);
  auto buffer = llvm::MemoryBuffer::getFile(full.string(), /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return make_error(ErrorCategory::io, buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

llvm::Expected<FromBuildReport> compute_from_build(const std::string& build_dir_arg, const FromBuildOptions& options) {
  std::error_code ec;
  const fs::path build_dir = fs::canonical(build_dir_arg, ec);
  if (ec || !fs::is_directory(build_dir)) {
    return make_error(ErrorCategory::input, "not a directory", build_dir_arg);
  }
  auto order = llvm::MemoryBuffer::getFile((build_dir / "modules.order").string(), /*IsText=*/true);
  if (!order) {
    return make_error(ErrorCategory::input, "no modules.order: not a tree that Kbuild has built (make ... modules)",
                      build_dir.string());
  }
  llvm::SmallVector<llvm::StringRef, 16> lines;
  (*order)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  std::vector<std::string> entries;
  for (llvm::StringRef line : lines) {
    if (!line.trim().empty()) entries.push_back(line.trim().str());
  }
  if (entries.empty()) return make_error(ErrorCategory::input, "modules.order lists no module", build_dir.string());

  // Where modpost ran: paths in modules.order, .mod and .cmd files are relative to it. Absolute entries
  // (M= builds up to 6.12) need no such directory; relative ones (in-tree, and M= from 6.13) are found by walking up.
  fs::path modpost_dir;
  if (!fs::path(entries.front()).is_absolute()) {
    for (fs::path dir = build_dir;; dir = dir.parent_path()) {
      if (fs::exists(dir / entries.front())) {
        modpost_dir = dir;
        break;
      }
      if (dir == dir.root_path()) {
        return make_error(ErrorCategory::input,
                          "cannot find '" + entries.front() + "' (from modules.order) here or in a parent directory",
                          build_dir.string());
      }
    }
  }

  const fs::path first_ko =
      resolve(modpost_dir.empty() ? build_dir : modpost_dir, strip_module_suffix(entries.front()) + ".ko");
  auto era = choose_era(options, modpost_dir, first_ko);
  if (!era) return era.takeError();
  if (modpost_dir.empty()) modpost_dir = era->kernel ? fs::path(era->kernel->build_dir) : build_dir;

  FromBuildReport report;
  report.build_dir = build_dir.string();
  report.modpost_dir = modpost_dir.string();
  report.era = era->setting;
  report.era_source = era->source;

  const sumversion::EraRules rules = sumversion::rules_for(era->setting);
  DiskFileSource files(modpost_dir.string());
  sumversion::SrcversionRequest request;
  request.keep_hash_input = options.keep_hash_input;
  if (rules.mod_format == sumversion::ModFormat::f1 && fs::is_directory(build_dir / ".tmp_versions")) {
    request.modverdir = (build_dir / ".tmp_versions").string(); // M= builds: $(KBUILD_EXTMOD)/.tmp_versions
  }
  for (const std::string& entry : entries) {
    request.module_name = strip_module_suffix(entry);
    BuiltModule module;
    module.module = display_name(resolve(modpost_dir, request.module_name), build_dir);
    module.result = sumversion::compute_srcversion(files, request, rules);
    report.modules.push_back(std::move(module));
  }
  return report;
}

} // namespace srcver::tool
