#pragma once
// The last step of the prediction: for one planned module, the files modpost would read that the build would write
// (the .mod file and each object's .cmd file, as Kbuild and fixdep write them) are written in memory, spelled as
// modpost would name them, and the port of modpost's sumversion reads those and the sources on disk.

#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/kernel.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/sumversion/era.hpp>
#include <srcver/sumversion/srcversion.hpp>

#include <string>
#include <vector>

namespace srcver::tool {

struct ModuleHashRequest {
  const kbuild_shim::Plan* plan = nullptr;
  const kbuild_shim::KernelBuild* kernel = nullptr;
  const sumversion::EraRules* rules = nullptr;
  // The directory's place in a kernel source tree for an in-tree build ("net/bluetooth"), "" = an M= build
  // (PredictOptions::in_tree).
  std::string in_tree;
  bool keep_hash_input = false;
};

// sumversion's result for `module` of the request's plan, whose objects have the deps_ lists `deps` (none in error).
sumversion::SrcversionResult hash_module(const ModuleHashRequest& request, const kbuild_shim::PlannedModule& module,
                                         const std::vector<frontend::ObjectDeps>& deps);

} // namespace srcver::tool
