// The prediction pipeline: the kernel resolved once; the prediction cache asked first; the directory planned
// (kbuild-shim, plan_directory.hpp); each object's deps_ list (the front end, through the run's one DepsService); each
// module hashed over the files modpost would read (modpost_inputs.hpp); the answer stored in the cache when certain.

#include "predict.hpp"
#include "compile_entries.hpp"
#include "modpost_inputs.hpp"
#include "plan_directory.hpp"
#include "prediction_cache.hpp"

#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/kernel_profile.hpp>
#include <srcver/tool/log.hpp>

#include <llvm/Support/BuryPointer.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

namespace srcver::tool {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Whether the kernel's modpost runs with -a (CONFIG_MODULE_SRCVERSION_ALL in its auto.conf).
bool kernel_srcversion_all(const std::string& build_dir) {
  auto conf = llvm::MemoryBuffer::getFile(build_dir + "/include/config/auto.conf", /*IsText=*/true);
  if (!conf) return false;
  return (*conf)->getBuffer().contains("\nCONFIG_MODULE_SRCVERSION_ALL=y");
}

Prediction empty_prediction(const kbuild_shim::KernelBuild& kernel, const PredictOptions& options) {
  Prediction prediction;
  prediction.release = kernel.release;
  prediction.build_dir = kernel.build_dir;
  prediction.all_versions = options.all_versions.value_or(kernel_srcversion_all(kernel.build_dir));
  return prediction;
}

// A directory that could not be planned. A DKMS package whose build needs a step first (PRE_BUILD, a ./configure),
// or whose makefiles Kbuild cannot evaluate: each module dkms.conf names (`named`) is "cannot predict", with the
// reason (a DKMS log then names them all). A plain module directory's modules are unknown until Kbuild evaluates it:
// the error alone.
llvm::Expected<Prediction> unplanned(llvm::Error plan_error, const kbuild_shim::KernelBuild& kernel,
                                     const std::vector<std::string>& named, const PredictOptions& options) {
  const ErrorReport error = take_error(std::move(plan_error));
  const bool per_module =
      error.category == ErrorCategory::needs_build_step || error.category == ErrorCategory::cannot_predict;
  if (!per_module || named.empty()) return make_error(error.category, error.message);
  Prediction prediction = empty_prediction(kernel, options);
  for (const auto& m : named) {
    PredictedModule& out = prediction.modules.emplace_back();
    out.path = m;
    out.status = PredictedModule::Status::cannot_predict;
    out.reason = llvm::StringRef(error.message).rtrim().str(); // make's output ends in blank lines
  }
  return prediction;
}

// modpost's rules for the kernel; kernels whose .mod files have another format are not predicted yet.
llvm::Expected<sumversion::EraRules> rules_for_kernel(const kbuild_shim::KernelBuild& kernel) {
  auto era = sumversion::era_for_version(kernel.version);
  if (!era) return era.takeError();
  sumversion::EraRules rules = sumversion::rules_for(*era, kernel.version);
  if (rules.mod_format != sumversion::ModFormat::f3) {
    return make_error(ErrorCategory::cannot_predict, "kernel " + kernel.release +
                                                         ": predictions for kernels before 5.19 (.mod files of "
                                                         "another format) are not supported yet");
  }
  return rules;
}

// The prediction of one planned module whose objects have the deps_ lists `deps`.
PredictedModule predict_module(const ModuleHashRequest& request, const kbuild_shim::PlannedModule& m,
                               const std::vector<frontend::ObjectDeps>& deps, bool all_versions) {
  PredictedModule out;
  out.path = m.path;
  for (std::size_t oi = 0; oi < m.objects.size() && out.reason.empty(); ++oi) {
    if (!deps[oi].error.empty()) out.reason = m.objects[oi].object + ": " + deps[oi].error;
  }
  if (!out.reason.empty()) {
    out.status = PredictedModule::Status::cannot_predict;
    return out;
  }
  out.has_version = std::any_of(deps.begin(), deps.end(), [](const auto& d) { return d.has_version; });
  out.result = hash_module(request, m, deps);
  if (out.result.outcome != sumversion::SrcversionResult::Outcome::ok) {
    out.status = PredictedModule::Status::no_srcversion;
    out.reason = out.result.reason;
  } else if (!all_versions && !out.has_version) {
    // modpost writes a srcversion when it runs with -a, or when the module has a version= entry (MODULE_VERSION in
    // one of its objects).
    out.status = PredictedModule::Status::no_version;
    out.reason = "the module declares no MODULE_VERSION and the kernel's modpost runs without -a "
                 "(CONFIG_MODULE_SRCVERSION_ALL is not set); --all-versions=yes predicts a build made with "
                 "CONFIG_MODULE_SRCVERSION_ALL=y";
  }
  return out;
}

void keep_compiles(PredictedModule& out, const kbuild_shim::PlannedModule& m,
                   const std::vector<frontend::ObjectDeps>& deps) {
  if (out.status == PredictedModule::Status::cannot_predict) return;
  for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
    const auto& o = m.objects[oi];
    out.compiles.push_back({o.object, o.command, o.source, deps[oi].deps});
  }
}

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

Predictor::Predictor(PredictOptions options) : m_options(std::move(options)) {}

// Not destroyed (see deps_command.cpp): the process ends soon after, and freeing a scanner's caches takes longer than
// the rest of a warm run.
Predictor::~Predictor() { llvm::BuryPointer(std::move(m_service)); }

frontend::DepsService& Predictor::service() {
  if (!m_service) {
    frontend::DepsOptions deps_options;
    deps_options.cache_dir = m_options.cache_dir;
    deps_options.threads = m_options.jobs;
    deps_options.filter_defines = m_options.filter_defines;
    m_service = std::make_unique<frontend::DepsService>(deps_options);
  }
  return *m_service;
}

llvm::Expected<std::vector<std::vector<frontend::ObjectDeps>>> Predictor::scan(const PlannedDirectory& planned,
                                                                               bool detect_version) {
  frontend::DepsService& deps_service = service();
  const auto start = Clock::now();
  auto deps = deps_service.deps_of(compile_entries(planned.plan), planned.kernel, planned.profile.env, detect_version);
  SRCVER_LOG("{}: dependency lists {:.1f} ms ({} units, {} preprocessor runs, {} header(s) from the directive store, "
             "{} stored)",
             planned.kernel.release, ms_since(start), deps_service.units(), deps_service.unit_runs(),
             deps_service.files_from_store(), deps_service.files_stored());
  return deps;
}

llvm::Expected<Prediction> Predictor::predict(const std::string& module_dir, const std::string& kernel_arg) {
  auto kernel = kbuild_shim::resolve_kernel(kernel_arg);
  if (!kernel) return kernel.takeError();
  PlanRequest plan_request{m_options.cache_dir, m_options.make_timeout, ""};
  std::optional<PredictionCache> cache;
  if (m_options.prediction_cache && !m_options.cache_dir.empty() && !m_options.keep_hash_input &&
      !m_options.keep_compiles) {
    plan_request.profile_key = kbuild_shim::kernel_profile_key(*kernel, base::current_environment());
    std::error_code ec;
    const std::string dir = std::filesystem::canonical(module_dir, ec).string();
    if (!ec) {
      cache.emplace(m_options.cache_dir, dir, *kernel, plan_request.profile_key, m_options);
      if (auto hit = cache->load()) return std::move(*hit);
    }
  }
  auto start = Clock::now();
  std::vector<std::string> named;
  auto planned = plan_directory(module_dir, *kernel, plan_request, &named);
  if (!planned) return unplanned(planned.takeError(), *kernel, named, m_options);
  SRCVER_LOG("{}: plan {:.1f} ms", kernel->release, ms_since(start));
  auto rules = rules_for_kernel(*kernel);
  if (!rules) return rules.takeError();

  Prediction prediction = empty_prediction(*kernel, m_options);
  auto deps = scan(*planned, /*detect_version=*/!prediction.all_versions);
  if (!deps) return deps.takeError();
  start = Clock::now();
  const ModuleHashRequest request{&planned->plan, &planned->kernel, &*rules, m_options.in_tree,
                                  m_options.keep_hash_input};
  for (std::size_t mi = 0; mi < planned->plan.modules.size(); ++mi) {
    prediction.modules.push_back(
        predict_module(request, planned->plan.modules[mi], (*deps)[mi], prediction.all_versions));
    if (m_options.keep_compiles) keep_compiles(prediction.modules.back(), planned->plan.modules[mi], (*deps)[mi]);
  }
  if (m_options.keep_compiles) {
    prediction.module_dir = planned->plan.module_dir;
    prediction.make_dir = planned->plan.make_dir;
    prediction.profile_env = planned->profile.env;
  }
  SRCVER_LOG("{}: sumversion {:.1f} ms", kernel->release, ms_since(start));
  const bool certain = std::none_of(prediction.modules.begin(), prediction.modules.end(),
                                    [](const auto& m) { return m.status == PredictedModule::Status::cannot_predict; });
  if (cache && certain) {
    cache->store(prediction, prediction_inputs(planned->plan, planned->kernel, planned->profile.env, *deps));
  }
  return prediction;
}

llvm::Expected<Prediction> predict_directory(const std::string& module_dir, const std::string& kernel,
                                             const PredictOptions& options) {
  return Predictor(options).predict(module_dir, kernel);
}

} // namespace srcver::tool
