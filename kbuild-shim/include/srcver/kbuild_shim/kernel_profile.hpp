#pragma once
// What the kernel's top-level Makefile hands to Kbuild's per-directory pass (scripts/Makefile.build) for an external
// module: the sub-make's exact environment, command line and working directory. Learnt once per kernel by running
// the real top-level make (dry run) on a probe module, and cached on disk; a plan then runs only Makefile.build.

#include <srcver/base/process.hpp>
#include <srcver/kbuild_shim/kernel.hpp>

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace srcver::kbuild_shim {

// Stands for the module directory in a profile's strings.
inline constexpr const char* k_module_dir_placeholder = "@SRCVER_MODULE_DIR@";

struct KernelProfile {
  KernelBuild kernel;
  std::vector<std::string> env;  // the Makefile.build sub-make's environment
  std::vector<std::string> argv; // its command line ("make", "-f", ".../scripts/Makefile.build", "obj=...", ...)
  std::string cwd;               // its working directory (the kernel build dir up to 6.12, the module dir from 6.13)
};

struct ProfileOptions {
  std::string cache_dir;               // "" = no disk cache
  std::vector<std::string> caller_env; // the environment the real build would start from (PATH finds the compiler)
  std::chrono::milliseconds timeout = base::k_default_make_timeout; // for the top-level make on the probe module
  // kernel_profile_key(kernel, caller_env) when the caller has computed it already (it reads the kernel's files);
  // "" = computed here.
  std::string key;
};

struct ProfileLoad {
  KernelProfile profile;
  bool from_cache = false;
};

// The profile of `kernel`: from the cache when its key (the kernel build directory's identity and the caller's
// compiler-related environment) matches, else captured and stored atomically. A damaged cache entry is captured
// again. An error of category cannot_predict when the kernel's compiler is not on PATH (its probes would fail and
// the flags would be wrong).
llvm::Expected<ProfileLoad> load_kernel_profile(const KernelBuild& kernel, const ProfileOptions& options);

// The identity of a kernel's profile (its cache key): the build directory's files that decide Kbuild's behaviour and
// the caller's compiler-related environment. Another cache (predictions) builds on it.
std::string kernel_profile_key(const KernelBuild& kernel, const std::vector<std::string>& caller_env);

// `text` with every occurrence of `from` replaced by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to);

} // namespace srcver::kbuild_shim
