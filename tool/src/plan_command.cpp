#include <srcver/base/error.hpp>
#include <srcver/base/helper_programs.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/shell_words.hpp>
#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/dkms.hpp>
#include <srcver/kbuild_shim/kernel_profile.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/tool/arguments.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/log.hpp>

#include "compile_entries.hpp"

#include <fmt/core.h>
#include <llvm/Support/BuryPointer.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <filesystem>

namespace srcver::tool {

std::string default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/srcversion-predict";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.cache/srcversion-predict";
  }
  return {};
}

namespace {

llvm::json::Array strings(const std::vector<std::string>& v) {
  llvm::json::Array a;
  for (const auto& s : v)
    a.push_back(s);
  return a;
}

} // namespace

std::string dkms_conf_script() { return base::helper_program("dkms-conf.sh"); }

llvm::Expected<PlannedDirectory> plan_directory(const std::string& module_dir, const std::string& kernel_arg,
                                                const std::string& cache_dir, std::chrono::milliseconds timeout,
                                                std::vector<std::string>* named) {
  auto kernel = kbuild_shim::resolve_kernel(kernel_arg);
  if (!kernel) return kernel.takeError();
  if (auto err = check_make_path(module_dir)) return err;
  kbuild_shim::ProfileOptions profile_options;
  profile_options.cache_dir = cache_dir;
  profile_options.caller_env = base::current_environment();
  profile_options.timeout = timeout;
  auto profile = kbuild_shim::load_kernel_profile(*kernel, profile_options);
  if (!profile) return profile.takeError();
  SRCVER_LOG("kernel {} profile {}", kernel->release, profile->from_cache ? "from the cache" : "captured");
  kbuild_shim::PlanOptions plan_options;
  plan_options.timeout = timeout;
  auto plan = kbuild_shim::is_dkms_source(module_dir)
                  ? kbuild_shim::plan_dkms_source(module_dir, profile->profile, dkms_conf_script(), timeout, named)
                  : kbuild_shim::plan_module_dir(module_dir, profile->profile, plan_options);
  if (!plan) return plan.takeError();
  return PlannedDirectory{std::move(*kernel), std::move(profile->profile), std::move(*plan)};
}

int run_plan(const PlanCommand& command) {
  auto planned = plan_directory(command.module_dir, command.kernel, command.cache_dir, command.make_timeout);
  if (!planned) return report_error(planned.takeError());
  const auto& kernel = planned->kernel;
  const auto& plan = planned->plan;

  // The front end: each object's deps_ list.
  std::vector<std::vector<frontend::ObjectDeps>> deps;
  int status = exit_ok;
  if (command.deps) {
    frontend::DepsOptions options;
    options.cache_dir = command.cache_dir;
    options.env = planned->profile.env;
    options.threads = command.jobs;
    options.filter_defines = command.filter_defines;
    // Not destroyed (see deps_command.cpp): the process ends soon after.
    auto service = std::make_unique<frontend::DepsService>(options);
    auto found = service->deps_of(compile_entries(plan), kernel);
    if (!found) return report_error(found.takeError());
    deps = std::move(*found);
    SRCVER_LOG("dependency lists: {} thread(s), {} compiler run(s) for gcc's macros, {} units, {} preprocessor runs, "
               "{} header(s) from the directive store, {} stored",
               service->threads(), service->compiler_runs(), service->units(), service->unit_runs(),
               service->files_from_store(), service->files_stored());
    llvm::BuryPointer(std::move(service));
    for (std::size_t m = 0; m < deps.size(); ++m) {
      for (std::size_t o = 0; o < deps[m].size(); ++o) {
        if (deps[m][o].error.empty()) continue;
        print_diagnostic(plan.modules[m].path + ": " + plan.modules[m].objects[o].object +
                         ": cannot predict its dependency list: " + deps[m][o].error);
        status = exit_cannot_predict;
      }
    }
  }

  const auto& v = kernel.version;
  if (command.json) {
    llvm::json::Array modules;
    for (std::size_t mi = 0; mi < plan.modules.size(); ++mi) {
      const auto& m = plan.modules[mi];
      llvm::json::Array objects;
      for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
        const auto& o = m.objects[oi];
        llvm::json::Object object{{"object", o.object}, {"source", o.source}, {"command", strings(o.command)}};
        if (command.deps) {
          const auto& d = deps[mi][oi];
          if (d.error.empty()) {
            object["deps"] = strings(d.deps);
          } else {
            object["deps_error"] = d.error;
          }
        }
        objects.push_back(std::move(object));
      }
      modules.push_back(llvm::json::Object{{"path", m.path},
                                           {"name", m.name},
                                           {"mod_entries", strings(m.mod_entries)},
                                           {"objects", std::move(objects)}});
    }
    llvm::json::Object root{
        {"kernel", llvm::json::Object{{"release", kernel.release},
                                      {"build_dir", kernel.build_dir},
                                      {"version", fmt::format("{}.{}.{}", v.major, v.minor, v.patch)}}},
        {"module_dir", plan.module_dir},
        {"make_dir", plan.make_dir},
        {"modules", std::move(modules)}};
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  } else {
    for (std::size_t mi = 0; mi < plan.modules.size(); ++mi) {
      const auto& m = plan.modules[mi];
      llvm::outs() << m.path << ".ko\n";
      for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
        const auto& o = m.objects[oi];
        llvm::outs() << "  " << o.object << " <- " << o.source << "\n   ";
        for (const auto& word : o.command)
          llvm::outs() << ' ' << word;
        llvm::outs() << "\n";
        if (!command.deps) continue;
        const auto& d = deps[mi][oi];
        if (!d.error.empty()) llvm::outs() << "    deps: cannot predict: " << d.error << "\n";
        for (const auto& dep : d.deps)
          llvm::outs() << "    dep " << dep << "\n";
      }
    }
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
