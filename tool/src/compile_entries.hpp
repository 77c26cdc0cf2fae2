#pragma once
// A plan's objects as the front end takes them: the bridge between kbuild-shim's plan and the front end, which knows
// nothing of plans.

#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/plan.hpp>

#include <vector>

namespace srcver::tool {

// Per module of `plan`, per object, in the plan's order: its compile, run in the plan's make directory, with the
// plan's module directory as its module root.
std::vector<std::vector<frontend::CompileEntry>> compile_entries(const kbuild_shim::Plan& plan);

} // namespace srcver::tool
