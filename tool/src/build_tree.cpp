#include "build_tree.hpp"

#include <srcver/base/error.hpp>
#include <srcver/kbuild_shim/kernel.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace srcver::tool {
using kbuild_shim::KernelBuild;
using kbuild_shim::resolve_kernel;
using kbuild_shim::strip_module_suffix;
namespace {

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
  std::optional<KernelVersion> version;
};

llvm::Expected<EraChoice> choose_era(const FromBuildOptions& options, const fs::path& modpost_dir,
                                     const std::string& first_module_file) {
  const fs::path first_ko(first_module_file);
  if (options.era) return EraChoice{*options.era, "--era", std::nullopt, options.kernel_version};
  if (options.kernel_version) {
    auto setting = sumversion::era_for_version(*options.kernel_version);
    if (!setting) return setting.takeError();
    return EraChoice{*setting, "--kernel-version", std::nullopt, options.kernel_version};
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
                   kernel, kernel->version};
}

// Whether modpost ran with -a (all_versions, i.e. CONFIG_MODULE_SRCVERSION_ALL): Kbuild records modpost's command
// line in .Module.symvers.cmd (6.x, 7.x). nullopt when no such record exists (older kernels).
std::optional<bool> recorded_all_versions(const std::vector<fs::path>& dirs) {
  for (const fs::path& dir : dirs) {
    auto buffer = llvm::MemoryBuffer::getFile((dir / ".Module.symvers.cmd").string(), /*IsText=*/true);
    if (!buffer) continue;
    llvm::StringRef line = (*buffer)->getBuffer().split('\n').first;
    const std::size_t assign = line.find(":=");
    if (assign == llvm::StringRef::npos) continue;
    llvm::SmallVector<llvm::StringRef, 32> tokens;
    line.drop_front(assign + 2).split(tokens, ' ', -1, /*KeepEmpty=*/false);
    bool in_modpost = false;
    for (llvm::StringRef token : tokens) {
      if (token.ends_with("modpost"))
        in_modpost = true;
      else if (token == "|" || token == ";")
        in_modpost = false;
      else if (in_modpost && token == "-a")
        return true;
    }
    return false;
  }
  return std::nullopt;
}

// modpost writes a srcversion for a module whose .modinfo has a version= entry, or for every module with -a.
// The .modinfo modpost reads is that of the module object <name>.o.
void apply_trigger(BuiltModule& module, const fs::path& module_object, std::optional<bool> all_versions) {
  if (all_versions == std::optional<bool>(true)) return;
  auto info = read_modinfo(module_object.string());
  if (info && !modinfo_value(*info, "version").empty()) return;
  if (!info) {
    module.status = BuiltModule::Status::cannot_tell;
    module.reason = "cannot read " + module_object.string() + " (" + llvm::toString(info.takeError()) +
                    ") to see whether the module has a version";
  } else if (!all_versions) {
    module.status = BuiltModule::Status::cannot_tell;
    module.reason = "the module has no version, and whether modpost ran with -a (CONFIG_MODULE_SRCVERSION_ALL) is "
                    "not recorded in this tree; pass --all-versions=yes|no";
  } else {
    module.status = BuiltModule::Status::no_version;
    module.reason = "the module has no version (MODULE_VERSION) and modpost ran without -a "
                    "(CONFIG_MODULE_SRCVERSION_ALL unset): modpost writes no srcversion (--all-versions=yes gives the "
                    "one it would write with -a)";
  }
}

// The entries of the tree's modules.order, trimmed, blank lines left out; an error when it is missing or empty.
llvm::Expected<std::vector<std::string>> read_modules_order(const fs::path& build_dir) {
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
  return entries;
}

// Where modpost ran: paths in modules.order, .mod and .cmd files are relative to it. Absolute entries
// (M= builds up to 6.12) need no such directory (an empty path); relative ones (in-tree, and M= from 6.13) are found
// by walking up from the build directory to the first directory that holds the first entry.
llvm::Expected<fs::path> find_modpost_dir(const fs::path& build_dir, const std::string& first_entry) {
  if (fs::path(first_entry).is_absolute()) return fs::path();
  for (fs::path dir = build_dir;; dir = dir.parent_path()) {
    if (fs::exists(dir / first_entry)) return dir;
    if (dir == dir.root_path()) {
      return make_error(ErrorCategory::input,
                        "cannot find '" + first_entry + "' (from modules.order) here or in a parent directory",
                        build_dir.string());
    }
  }
}

// The modules of modules.order, those without a built module file marked not_built.
std::vector<BuiltModule> list_modules(const std::vector<std::string>& entries, const fs::path& module_root,
                                      const fs::path& build_dir) {
  std::vector<BuiltModule> modules;
  for (const std::string& entry : entries) {
    BuiltModule module;
    const fs::path stem = resolve(module_root, strip_module_suffix(entry));
    module.module = display_name(stem, build_dir);
    module.module_file = find_module_file(stem.string());
    if (module.module_file.empty()) {
      module.status = BuiltModule::Status::not_built;
      module.reason = "no " + stem.string() + ".ko (or .ko.xz/.ko.zst/.ko.gz): the build did not produce this module";
    }
    modules.push_back(std::move(module));
  }
  return modules;
}

// The srcversion of each built module (modules[i] is entries[i]), read from the files modpost reads in modpost_dir,
// and whether modpost writes it.
void compute_modules(std::vector<BuiltModule>& modules, const std::vector<std::string>& entries,
                     const fs::path& modpost_dir, sumversion::SrcversionRequest request,
                     const sumversion::EraRules& rules, std::optional<bool> all_versions) {
  DiskFileSource files(modpost_dir.string());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    BuiltModule& module = modules[i];
    if (module.status == BuiltModule::Status::not_built) continue;
    request.module_name = strip_module_suffix(entries[i]);
    module.result = sumversion::compute_srcversion(files, request, rules);
    using Outcome = sumversion::SrcversionResult::Outcome;
    if (module.result.outcome == Outcome::no_srcversion) {
      module.status = BuiltModule::Status::no_srcversion;
      module.reason = module.result.reason;
    } else if (module.result.outcome == Outcome::modpost_fails) {
      module.status = BuiltModule::Status::modpost_fails;
      module.reason = module.result.reason;
    } else {
      apply_trigger(module, resolve(modpost_dir, request.module_name + ".o"), all_versions);
    }
  }
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
  auto entries = read_modules_order(build_dir);
  if (!entries) return entries.takeError();
  auto found_modpost_dir = find_modpost_dir(build_dir, entries->front());
  if (!found_modpost_dir) return found_modpost_dir.takeError();
  fs::path modpost_dir = *found_modpost_dir;

  const fs::path module_root = modpost_dir.empty() ? build_dir : modpost_dir;
  std::vector<BuiltModule> modules = list_modules(*entries, module_root, build_dir);
  // The first module that was built: its vermagic names the kernel.
  const auto first = std::find_if(modules.begin(), modules.end(),
                                  [](const BuiltModule& module) { return !module.module_file.empty(); });
  const std::string first_built = first == modules.end() ? std::string() : first->module_file;

  FromBuildReport report;
  report.build_dir = build_dir.string();
  if (first_built.empty() && !options.era && !options.kernel_version && !options.kernel) {
    // Nothing was built: every module is reported as such, and no era is needed.
    report.modpost_dir = module_root.string();
    report.modules = std::move(modules);
    return report;
  }
  auto era = choose_era(options, modpost_dir, first_built);
  if (!era) return era.takeError();
  if (modpost_dir.empty()) modpost_dir = era->kernel ? fs::path(era->kernel->build_dir) : build_dir;

  report.modpost_dir = modpost_dir.string();
  report.era = era->setting;
  report.era_source = era->source;
  report.all_versions = options.all_versions ? options.all_versions : recorded_all_versions({build_dir, modpost_dir});

  const sumversion::EraRules rules = sumversion::rules_for(era->setting, era->version);
  sumversion::SrcversionRequest request;
  request.keep_hash_input = options.keep_hash_input;
  if (rules.mod_format == sumversion::ModFormat::f1 && fs::is_directory(build_dir / ".tmp_versions")) {
    request.modverdir = (build_dir / ".tmp_versions").string(); // M= builds: $(KBUILD_EXTMOD)/.tmp_versions
  }
  compute_modules(modules, *entries, modpost_dir, request, rules, report.all_versions);
  report.modules = std::move(modules);
  return report;
}

} // namespace srcver::tool
