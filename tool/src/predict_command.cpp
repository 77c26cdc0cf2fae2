// `srcversion-predict <module-dir> <kernel>`: the srcversion a real build would give each module, without building.
// The plan (kbuild-shim) says which modules and objects, the front end each object's deps_ list; from them the files
// modpost would read are written in memory (the .mod file and each object's .cmd file, as Kbuild and fixdep write
// them), and the port of modpost's sumversion reads those and the sources on disk.
#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/dkms.hpp>
#include <srcver/kbuild_shim/kernel_profile.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/kbuild_shim/process.hpp>
#include <srcver/sumversion/cmd_file.hpp>
#include <srcver/sumversion/error.hpp>
#include <srcver/sumversion/srcversion.hpp>
#include <srcver/tool/build_tree.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/log.hpp>

#include <fmt/core.h>
#include <llvm/Support/BuryPointer.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <map>

namespace srcver::tool {

namespace {

// The files modpost reads that the build would write (.mod, .cmd), in memory; everything else from disk.
class PredictedTree : public sumversion::FileSource {
public:
  explicit PredictedTree(std::string modpost_dir) : m_disk(std::move(modpost_dir)) {}
  void add(std::string path, std::string text) { m_written[std::move(path)] = std::move(text); }
  llvm::Expected<std::string> read(const std::string& path) override {
    if (auto it = m_written.find(path); it != m_written.end()) return it->second;
    return m_disk.read(path);
  }

private:
  std::map<std::string, std::string> m_written;
  DiskFileSource m_disk;
};

// An object's .cmd file as Kbuild writes it: the command line (cmd_ up to 6.2, savedcmd_ from 6.3), then what fixdep
// writes: source_, a blank line, deps_ with one two-space-indented entry per line. (fixdep's `$(wildcard ...)` lines
// are left out: they hold no '/' before their first space and never pass modpost's directory test.)
std::string cmd_file_text(const sumversion::KernelVersion& version, const std::string& target,
                          const std::vector<std::string>& command, const std::string& source,
                          const std::vector<std::string>* deps) {
  const bool saved = !(version < sumversion::KernelVersion{6, 3, 0});
  std::string text = std::string(saved ? "savedcmd_" : "cmd_") + target + " :=";
  for (const auto& word : command)
    text += " " + word;
  text += "\n";
  if (!deps) return text; // an archive (.a): no source_, no deps_
  text += "\nsource_" + target + " := " + source + "\n\ndeps_" + target + " := \\\n";
  for (const auto& d : *deps)
    text += "  " + d + " \\\n";
  text += "\n" + target + ": $(deps_" + target + ")\n\n$(deps_" + target + "):\n";
  return text;
}

// Whether the kernel's modpost runs with -a (CONFIG_MODULE_SRCVERSION_ALL in its auto.conf).
bool kernel_srcversion_all(const std::string& build_dir) {
  auto conf = llvm::MemoryBuffer::getFile(build_dir + "/include/config/auto.conf", /*IsText=*/true);
  if (!conf) return false;
  return (*conf)->getBuffer().contains("\nCONFIG_MODULE_SRCVERSION_ALL=y");
}

} // namespace

int run_predict(const PredictCommand& command) {
  auto planned = plan_directory(command.module_dir, command.kernel, command.cache_dir);
  if (!planned) return report_error(planned.takeError());
  const auto& kernel = planned->kernel;
  const auto& plan = planned->plan;

  frontend::DepsOptions options;
  options.cache_dir = command.cache_dir;
  options.env = planned->profile.env;
  options.threads = command.jobs;
  // Not destroyed (see deps_command.cpp): the process ends soon after.
  auto service = std::make_unique<frontend::DepsService>(options);
  const bool all_versions = command.all_versions.value_or(kernel_srcversion_all(kernel.build_dir));
  auto deps = service->deps_of(plan, kernel, /*detect_version=*/!all_versions);
  if (!deps) return report_error(deps.takeError());
  llvm::BuryPointer(std::move(service));

  auto era = sumversion::era_for_version(kernel.version);
  if (!era) return report_error(era.takeError());
  const sumversion::EraRules rules = sumversion::rules_for(*era, kernel.version);
  if (rules.mod_format != sumversion::ModFormat::f3) {
    return report_error(
        make_error(ErrorCategory::cannot_predict, "kernel " + kernel.release +
                                                      ": predictions for kernels before 5.19 (.mod files "
                                                      "of another format) are not supported yet"));
  }
  int status = exit_ok;
  for (std::size_t mi = 0; mi < plan.modules.size(); ++mi) {
    const auto& m = plan.modules[mi];
    auto cannot = [&](const std::string& why) {
      llvm::outs() << m.path << " -\n";
      fmt::print(stderr, "srcversion-predict: {}: cannot predict: {}\n", m.path, why);
      status = exit_cannot_predict;
    };
    std::string why;
    for (std::size_t oi = 0; oi < m.objects.size() && why.empty(); ++oi) {
      if (!(*deps)[mi][oi].error.empty()) why = m.objects[oi].object + ": " + (*deps)[mi][oi].error;
    }
    if (!why.empty()) {
      cannot(why);
      continue;
    }
    // modpost writes a srcversion when it runs with -a, or when the module has a version= entry (MODULE_VERSION in
    // one of its objects).
    const auto& object_deps = (*deps)[mi];
    const bool has_version =
        std::any_of(object_deps.begin(), object_deps.end(), [](const auto& d) { return d.has_version; });
    if (!all_versions && !has_version) {
      llvm::outs() << m.path << " -\n";
      fmt::print(stderr,
                 "srcversion-predict: {}: no srcversion: the module declares no MODULE_VERSION and the kernel's "
                 "modpost runs without -a (CONFIG_MODULE_SRCVERSION_ALL is not set)\n",
                 m.path);
      status = exit_cannot_predict;
      continue;
    }
    // modpost's name for the module: its modules.order entry without the suffix, absolute up to 6.12 (M= builds),
    // relative to the module directory, where modpost runs, from 6.13.
    const bool absolute = !m.mod_entries.empty() && !m.mod_entries.front().empty() && m.mod_entries.front()[0] == '/';
    PredictedTree tree(absolute ? kernel.build_dir : plan.make_dir);
    sumversion::SrcversionRequest request;
    request.module_name = absolute ? plan.module_dir + "/" + m.path : m.path;
    std::string mod_text;
    for (const auto& e : m.mod_entries)
      mod_text += e + "\n";
    tree.add(request.module_name + ".mod", mod_text);
    for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
      const auto& o = m.objects[oi];
      tree.add(sumversion::cmd_file_for_object(o.object),
               cmd_file_text(kernel.version, o.object, o.command, o.source, &(*deps)[mi][oi].deps));
    }
    for (const auto& e : m.mod_entries) {
      if (e.size() > 2 && e.compare(e.size() - 2, 2, ".a") == 0) {
        tree.add(sumversion::cmd_file_for_object(e), cmd_file_text(kernel.version, e, {"ar"}, "", nullptr));
      }
    }
    const auto result = sumversion::compute_srcversion(tree, request, rules);
    if (result.outcome != sumversion::SrcversionResult::Outcome::ok) {
      llvm::outs() << m.path << " -\n";
      fmt::print(stderr, "srcversion-predict: {}: no srcversion: {}\n", m.path, result.reason);
      status = exit_cannot_predict;
      continue;
    }
    llvm::outs() << m.path << " " << result.srcversion << "\n";
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
