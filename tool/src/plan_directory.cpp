// A module directory planned for a kernel (plan_directory.hpp).
#include "plan_directory.hpp"

#include <srcver/base/helper_programs.hpp>
#include <srcver/kbuild_shim/dkms.hpp>
#include <srcver/tool/arguments.hpp>
#include <srcver/tool/log.hpp>

namespace srcver::tool {

namespace {

// kbuild-shim/dkms-conf.sh and kbuild-shim/dkms-make-interceptor.sh: beside the binary (build tree), else in
// ../libexec/srcversion-predict (installed).
kbuild_shim::DkmsScripts dkms_scripts() {
  return {base::helper_program("dkms-conf.sh"), base::helper_program("dkms-make-interceptor.sh")};
}

} // namespace

llvm::Expected<PlannedDirectory> plan_directory(const std::string& module_dir, const kbuild_shim::KernelBuild& kernel,
                                                const PlanRequest& request, std::vector<std::string>* named) {
  if (auto err = check_make_path(module_dir)) return err;
  kbuild_shim::ProfileOptions profile_options;
  profile_options.cache_dir = request.cache_dir;
  profile_options.caller_env = base::current_environment();
  profile_options.timeout = request.timeout;
  profile_options.key = request.profile_key;
  auto profile = kbuild_shim::load_kernel_profile(kernel, profile_options);
  if (!profile) return profile.takeError();
  SRCVER_LOG("kernel {} profile {}", kernel.release, profile->from_cache ? "from the cache" : "captured");
  kbuild_shim::PlanOptions plan_options;
  plan_options.timeout = request.timeout;
  auto plan = kbuild_shim::is_dkms_source(module_dir)
                  ? kbuild_shim::plan_dkms_source(module_dir, profile->profile, dkms_scripts(), request.timeout, named)
                  : kbuild_shim::plan_module_dir(module_dir, profile->profile, plan_options);
  if (!plan) return plan.takeError();
  return PlannedDirectory{kernel, std::move(profile->profile), std::move(*plan)};
}

} // namespace srcver::tool
