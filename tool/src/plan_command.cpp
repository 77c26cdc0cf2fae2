// `srcversion-predict plan <module-dir> <kernel>`: what real Kbuild would build, without building: the modules, their
// .mod entries, each object's source and compile command, and with --deps each object's deps_ list.

#include "compile_entries.hpp"
#include "plan_directory.hpp"

#include <srcver/base/error.hpp>
#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/log.hpp>

#include <fmt/core.h>
#include <llvm/Support/BuryPointer.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

namespace srcver::tool {

namespace {

using DepsLists = std::vector<std::vector<frontend::ObjectDeps>>;

llvm::json::Array strings(const std::vector<std::string>& v) {
  llvm::json::Array a;
  for (const auto& s : v)
    a.push_back(s);
  return a;
}

// The front end's deps_ list of every object of `planned`; a diagnostic for each object whose list cannot be known
// (`status` becomes exit_cannot_predict).
llvm::Expected<DepsLists> plan_deps(const PlanCommand& command, const PlannedDirectory& planned, int& status) {
  frontend::DepsOptions options;
  options.cache_dir = command.cache_dir;
  options.threads = command.jobs;
  options.filter_defines = command.filter_defines;
  // Not destroyed (see deps_command.cpp): the process ends soon after.
  auto service = std::make_unique<frontend::DepsService>(options);
  auto found = service->deps_of(compile_entries(planned.plan), planned.kernel, planned.profile.env);
  if (!found) return found.takeError();
  SRCVER_LOG("dependency lists: {} thread(s), {} compiler run(s) for gcc's macros, {} units, {} preprocessor runs, "
             "{} header(s) from the directive store, {} stored",
             service->threads(), service->compiler_runs(), service->units(), service->unit_runs(),
             service->files_from_store(), service->files_stored());
  llvm::BuryPointer(std::move(service));
  const auto& plan = planned.plan;
  for (std::size_t m = 0; m < found->size(); ++m) {
    for (std::size_t o = 0; o < (*found)[m].size(); ++o) {
      const auto& d = (*found)[m][o];
      if (d.error.empty()) continue;
      print_diagnostic(plan.modules[m].path + ": " + plan.modules[m].objects[o].object +
                       ": cannot predict its dependency list: " + d.error);
      status = exit_cannot_predict;
    }
  }
  return found;
}

void print_json(const PlannedDirectory& planned, const DepsLists* deps) {
  const auto& plan = planned.plan;
  const auto& kernel = planned.kernel;
  llvm::json::Array modules;
  for (std::size_t mi = 0; mi < plan.modules.size(); ++mi) {
    const auto& m = plan.modules[mi];
    llvm::json::Array objects;
    for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
      const auto& o = m.objects[oi];
      llvm::json::Object object{{"object", o.object}, {"source", o.source}, {"command", strings(o.command)}};
      if (deps) {
        const auto& d = (*deps)[mi][oi];
        if (d.error.empty()) {
          object["deps"] = strings(d.deps);
        } else {
          object["deps_error"] = d.error;
        }
      }
      objects.push_back(std::move(object));
    }
    modules.push_back(llvm::json::Object{
        {"path", m.path}, {"name", m.name}, {"mod_entries", strings(m.mod_entries)}, {"objects", std::move(objects)}});
  }
  const auto& v = kernel.version;
  llvm::json::Object root{
      {"kernel", llvm::json::Object{{"release", kernel.release},
                                    {"build_dir", kernel.build_dir},
                                    {"version", fmt::format("{}.{}.{}", v.major, v.minor, v.patch)}}},
      {"module_dir", plan.module_dir},
      {"make_dir", plan.make_dir},
      {"modules", std::move(modules)}};
  llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}

void print_text(const kbuild_shim::Plan& plan, const DepsLists* deps) {
  for (std::size_t mi = 0; mi < plan.modules.size(); ++mi) {
    const auto& m = plan.modules[mi];
    llvm::outs() << m.path << ".ko\n";
    for (std::size_t oi = 0; oi < m.objects.size(); ++oi) {
      const auto& o = m.objects[oi];
      llvm::outs() << "  " << o.object << " <- " << o.source << "\n   ";
      for (const auto& word : o.command)
        llvm::outs() << ' ' << word;
      llvm::outs() << "\n";
      if (!deps) continue;
      const auto& d = (*deps)[mi][oi];
      if (!d.error.empty()) llvm::outs() << "    deps: cannot predict: " << d.error << "\n";
      for (const auto& dep : d.deps)
        llvm::outs() << "    dep " << dep << "\n";
    }
  }
}

} // namespace

int run_plan(const PlanCommand& command) {
  auto kernel = kbuild_shim::resolve_kernel(command.kernel);
  if (!kernel) return report_error(kernel.takeError());
  auto planned = plan_directory(command.module_dir, *kernel, PlanRequest{command.cache_dir, command.make_timeout, ""});
  if (!planned) return report_error(planned.takeError());

  int status = exit_ok;
  DepsLists deps;
  if (command.deps) {
    auto found = plan_deps(command, *planned, status);
    if (!found) return report_error(found.takeError());
    deps = std::move(*found);
  }
  if (command.json) {
    print_json(*planned, command.deps ? &deps : nullptr);
  } else {
    print_text(planned->plan, command.deps ? &deps : nullptr);
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
