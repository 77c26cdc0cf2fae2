// A plan's objects as the front end's compiles (compile_entries.hpp).
#include "compile_entries.hpp"

namespace srcver::tool {

std::vector<std::vector<frontend::CompileEntry>> compile_entries(const kbuild_shim::Plan& plan) {
  std::vector<std::vector<frontend::CompileEntry>> modules;
  for (const auto& module : plan.modules) {
    auto& compiles = modules.emplace_back();
    for (const auto& object : module.objects)
      compiles.push_back(frontend::CompileEntry{plan.make_dir, object.command, object.source, plan.module_dir});
  }
  return modules;
}

} // namespace srcver::tool
