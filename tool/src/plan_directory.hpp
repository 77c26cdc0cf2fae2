#pragma once
// The first step of the pipeline, shared by `plan` and the prediction: a module directory planned for a kernel by
// kbuild-shim (a plain module directory through Kbuild's own makefiles, a DKMS source through its dkms.conf).

#include <srcver/base/process.hpp>
#include <srcver/kbuild_shim/kernel.hpp>
#include <srcver/kbuild_shim/kernel_profile.hpp>
#include <srcver/kbuild_shim/plan.hpp>

#include <llvm/Support/Error.h>

#include <chrono>
#include <string>
#include <vector>

namespace srcver::tool {

// A module directory planned for a kernel: the kernel, its profile, the plan.
struct PlannedDirectory {
  kbuild_shim::KernelBuild kernel;
  kbuild_shim::KernelProfile profile;
  kbuild_shim::Plan plan;
};

struct PlanRequest {
  std::string cache_dir;                                            // "" = no cache
  std::chrono::milliseconds timeout = base::k_default_make_timeout; // each make run (profile, makefiles, MAKE line)
  std::string profile_key; // the kernel profile's key when the caller has it (kernel_profile_key), "" = computed
};

// `module_dir` planned for `kernel` (resolved). `named`, when given, receives the modules a DKMS package's dkms.conf
// names, even when the plan then stops. Errors: the directory's path cannot pass through make (cannot_predict), the
// kernel's profile cannot be learnt, the plan fails (input, cannot_predict, needs_build_step).
llvm::Expected<PlannedDirectory> plan_directory(const std::string& module_dir, const kbuild_shim::KernelBuild& kernel,
                                                const PlanRequest& request, std::vector<std::string>* named = nullptr);

} // namespace srcver::tool
