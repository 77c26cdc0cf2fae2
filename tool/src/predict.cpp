// The prediction: the plan (kbuild-shim) says which modules and objects, the front end each object's deps_ list; from
// them the files modpost would read are written in memory (the .mod file and each object's .cmd file, as Kbuild and
// fixdep write them), and the port of modpost's sumversion reads those and the sources on disk.
#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/sumversion/cmd_file.hpp>
#include <srcver/tool/build_tree.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/log.hpp>
#include <srcver/tool/predict.hpp>
#include <srcver/tool/prediction_cache.hpp>

#include "compile_entries.hpp"

#include <llvm/Support/BuryPointer.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

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
std::string cmd_file_text(const KernelVersion& version, const std::string& target,
                          const std::vector<std::string>& command, const std::string& source,
                          const std::vector<std::string>* deps) {
  const bool saved = !(version < KernelVersion{6, 3, 0});
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

// How modpost names things: as the M= build does, or (in_tree) as the kernel's own build names the same directory
// from the tree's top. An in-tree .mod names "net/bluetooth/x.o" where an M= build names "/abs/dir/x.o" (up to 6.12)
// or "x.o" (from 6.13); paths the compiler wrote relative to its working directory are made absolute, which reads
// the same files and keeps the directory in their spelling.
class Spelling {
public:
  Spelling(const kbuild_shim::Plan& plan, std::string in_tree) : m_plan(plan), m_in_tree(std::move(in_tree)) {
    while (m_in_tree.size() > 2 && m_in_tree.compare(0, 2, "./") == 0)
      m_in_tree.erase(0, 2);
    while (!m_in_tree.empty() && m_in_tree.back() == '/')
      m_in_tree.pop_back();
  }
  bool in_tree() const { return !m_in_tree.empty(); }
  // A .mod entry.
  std::string entry(const std::string& e) const {
    if (!in_tree()) return e;
    const std::string prefix = m_plan.module_dir + "/";
    if (e.compare(0, prefix.size(), prefix) == 0) return m_in_tree + "/" + e.substr(prefix.size());
    return m_in_tree + "/" + e;
  }
  // modpost's name for a module (`path` relative to the module directory): its modules.order entry without the
  // suffix, absolute up to 6.12 (M= builds), relative to the module directory, where modpost runs, from 6.13.
  std::string module_name(const kbuild_shim::PlannedModule& m) const {
    if (in_tree()) return m_in_tree + "/" + m.path;
    return absolute_entries(m) ? m_plan.module_dir + "/" + m.path : m.path;
  }
  // A source or dependency path as the compiler wrote it.
  std::string file(const std::string& path) const {
    if (!in_tree() || path.empty() || path[0] == '/') return path;
    return m_plan.make_dir + "/" + path;
  }
  static bool absolute_entries(const kbuild_shim::PlannedModule& m) {
    return !m.mod_entries.empty() && !m.mod_entries.front().empty() && m.mod_entries.front()[0] == '/';
  }

private:
  const kbuild_shim::Plan& m_plan;
  std::string m_in_tree;
};

} // namespace

std::vector<std::string> installed_kernels() {
  std::vector<std::pair<KernelVersion, std::string>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/lib/modules", ec)) {
    if (!std::filesystem::is_directory(entry.path() / "build", ec)) continue;
    auto version = kbuild_shim::read_kernel_version((entry.path() / "build").string());
    if (!version) {
      llvm::consumeError(version.takeError());
      continue;
    }
    found.emplace_back(*version, entry.path().filename().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    if (a.first < b.first || b.first < a.first) return a.first < b.first;
    return a.second < b.second;
  });
  std::vector<std::string> releases;
  for (auto& f : found)
    releases.push_back(std::move(f.second));
  return releases;
}

namespace {

// The files and directories a prediction read outside the module directory, as absolute paths: each object's source
// and dependencies, the include directories and -include/-imacros files of its command, its compiler, the kernel's
// fixdep.
std::vector<std::string> prediction_inputs(const kbuild_shim::Plan& plan, const kbuild_shim::KernelBuild& kernel,
                                           const std::vector<std::string>& env,
                                           const std::vector<std::vector<frontend::ObjectDeps>>& deps) {
  std::vector<std::string> inputs{kernel.build_dir + "/scripts/basic/fixdep"};
  auto add = [&](const std::string& path) {
    if (!path.empty()) inputs.push_back(path[0] == '/' ? path : plan.make_dir + "/" + path);
  };
  const std::string path_var = base::env_value(env, "PATH");
  std::set<std::string> compilers; // looked up once each
  for (std::size_t mi = 0; mi < plan.modules.size(); ++mi) {
    const auto& m = plan.modules[mi];
    for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
      const auto& o = m.objects[oi];
      add(o.source);
      for (const auto& d : deps[mi][oi].deps)
        add(d);
      const auto& words = o.command;
      if (!words.empty() && compilers.insert(words[0]).second) {
        if (auto cc = base::find_program(words[0], path_var); !cc.empty()) inputs.push_back(cc);
      }
      for (std::size_t i = 1; i < words.size(); ++i) {
        for (const char* flag : {"-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros"}) {
          const std::string f(flag);
          if (words[i] == f && i + 1 < words.size()) {
            add(words[i + 1]);
          } else if (words[i].size() > f.size() && words[i].compare(0, f.size(), f) == 0 && f == "-I") {
            add(words[i].substr(2));
          }
        }
      }
    }
  }
  return inputs;
}

} // namespace

llvm::Expected<Prediction> predict_directory(const std::string& module_dir, const std::string& kernel_arg,
                                             const PredictOptions& options) {
  std::optional<PredictionCache> cache;
  if (options.prediction_cache && !options.cache_dir.empty() && !options.keep_hash_input) {
    auto kernel = kbuild_shim::resolve_kernel(kernel_arg);
    if (!kernel) return kernel.takeError();
    std::error_code ec;
    const std::string dir = std::filesystem::canonical(module_dir, ec).string();
    if (!ec) {
      cache.emplace(options.cache_dir, dir, *kernel, options);
      if (auto hit = cache->load()) return std::move(*hit);
    }
  }
  using Clock = std::chrono::steady_clock;
  const auto ms_since = [](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  auto phase_start = Clock::now();
  std::vector<std::string> named;
  auto planned = plan_directory(module_dir, kernel_arg, options.cache_dir, options.make_timeout, &named);
  if (!planned) {
    // A DKMS package whose build needs a step first (PRE_BUILD, a ./configure), or whose makefiles Kbuild cannot
    // evaluate: each module dkms.conf names is "cannot predict", with the reason (a DKMS log then names them all). A
    // plain module directory's modules are unknown until Kbuild evaluates it: the error alone.
    const ErrorReport error = take_error(planned.takeError());
    auto kernel = kbuild_shim::resolve_kernel(kernel_arg);
    const bool per_module =
        error.category == ErrorCategory::needs_build_step || error.category == ErrorCategory::cannot_predict;
    if (!per_module || named.empty() || !kernel) {
      if (!kernel) llvm::consumeError(kernel.takeError());
      return make_error(error.category, error.message);
    }
    Prediction prediction;
    prediction.release = kernel->release;
    prediction.build_dir = kernel->build_dir;
    prediction.all_versions = options.all_versions.value_or(kernel_srcversion_all(kernel->build_dir));
    for (const auto& m : named) {
      PredictedModule& out = prediction.modules.emplace_back();
      out.path = m;
      out.status = PredictedModule::Status::cannot_predict;
      out.reason = llvm::StringRef(error.message).rtrim().str(); // make's output ends in blank lines
    }
    return prediction;
  }
  const auto& kernel = planned->kernel;
  const auto& plan = planned->plan;
  SRCVER_LOG("{}: plan {:.1f} ms", kernel.release, ms_since(phase_start));

  auto era = sumversion::era_for_version(kernel.version);
  if (!era) return era.takeError();
  const sumversion::EraRules rules = sumversion::rules_for(*era, kernel.version);
  if (rules.mod_format != sumversion::ModFormat::f3) {
    return make_error(ErrorCategory::cannot_predict, "kernel " + kernel.release +
                                                         ": predictions for kernels before 5.19 (.mod files of "
                                                         "another format) are not supported yet");
  }

  Prediction prediction;
  prediction.release = kernel.release;
  prediction.build_dir = kernel.build_dir;
  prediction.all_versions = options.all_versions.value_or(kernel_srcversion_all(kernel.build_dir));

  frontend::DepsOptions deps_options;
  deps_options.cache_dir = options.cache_dir;
  deps_options.env = planned->profile.env;
  deps_options.threads = options.jobs;
  deps_options.filter_defines = options.filter_defines;
  // Not destroyed (see deps_command.cpp): the process ends soon after.
  auto service = std::make_unique<frontend::DepsService>(deps_options);
  phase_start = Clock::now();
  auto deps = service->deps_of(compile_entries(plan), kernel, /*detect_version=*/!prediction.all_versions);
  SRCVER_LOG("{}: dependency lists {:.1f} ms ({} units, {} preprocessor runs, {} header(s) from the directive store, "
             "{} stored)",
             kernel.release, ms_since(phase_start), service->units(), service->unit_runs(), service->files_from_store(),
             service->files_stored());
  llvm::BuryPointer(std::move(service));
  if (!deps) return deps.takeError();
  phase_start = Clock::now();

  const Spelling spelling(plan, options.in_tree);
  for (std::size_t mi = 0; mi < plan.modules.size(); ++mi) {
    const auto& m = plan.modules[mi];
    const auto& object_deps = (*deps)[mi];
    PredictedModule& out = prediction.modules.emplace_back();
    out.path = m.path;
    for (std::size_t oi = 0; oi < m.objects.size() && out.reason.empty(); ++oi) {
      if (!object_deps[oi].error.empty()) out.reason = m.objects[oi].object + ": " + object_deps[oi].error;
    }
    if (!out.reason.empty()) {
      out.status = PredictedModule::Status::cannot_predict;
      continue;
    }
    out.has_version = std::any_of(object_deps.begin(), object_deps.end(), [](const auto& d) { return d.has_version; });

    PredictedTree tree(spelling.in_tree() || Spelling::absolute_entries(m) ? kernel.build_dir : plan.make_dir);
    sumversion::SrcversionRequest request;
    request.module_name = spelling.module_name(m);
    request.keep_hash_input = options.keep_hash_input;
    std::string mod_text;
    for (const auto& e : m.mod_entries)
      mod_text += spelling.entry(e) + "\n";
    tree.add(request.module_name + ".mod", mod_text);
    for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
      const auto& o = m.objects[oi];
      std::vector<std::string> dep_paths;
      dep_paths.reserve(object_deps[oi].deps.size());
      for (const auto& d : object_deps[oi].deps)
        dep_paths.push_back(spelling.file(d));
      const std::string target = spelling.entry(o.object);
      tree.add(sumversion::cmd_file_for_object(target),
               cmd_file_text(kernel.version, target, o.command, spelling.file(o.source), &dep_paths));
    }
    for (const auto& e : m.mod_entries) {
      if (e.size() > 2 && e.compare(e.size() - 2, 2, ".a") == 0) {
        const std::string target = spelling.entry(e);
        tree.add(sumversion::cmd_file_for_object(target), cmd_file_text(kernel.version, target, {"ar"}, "", nullptr));
      }
    }
    out.result = sumversion::compute_srcversion(tree, request, rules);
    if (out.result.outcome != sumversion::SrcversionResult::Outcome::ok) {
      out.status = PredictedModule::Status::no_srcversion;
      out.reason = out.result.reason;
    } else if (!prediction.all_versions && !out.has_version) {
      // modpost writes a srcversion when it runs with -a, or when the module has a version= entry (MODULE_VERSION in
      // one of its objects).
      out.status = PredictedModule::Status::no_version;
      out.reason = "the module declares no MODULE_VERSION and the kernel's modpost runs without -a "
                   "(CONFIG_MODULE_SRCVERSION_ALL is not set); --all-versions=yes predicts a build made with "
                   "CONFIG_MODULE_SRCVERSION_ALL=y";
    }
  }
  SRCVER_LOG("{}: sumversion {:.1f} ms", kernel.release, ms_since(phase_start));
  const bool certain = std::none_of(prediction.modules.begin(), prediction.modules.end(),
                                    [](const auto& m) { return m.status == PredictedModule::Status::cannot_predict; });
  if (cache && certain) cache->store(prediction, prediction_inputs(plan, kernel, planned->profile.env, *deps));
  return prediction;
}

} // namespace srcver::tool
