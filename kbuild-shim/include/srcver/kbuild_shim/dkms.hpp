#pragma once
// A DKMS source directory (one with dkms.conf), planned as Debian's dkms 3.0.10 would build it: dkms.conf evaluated
// as dkms evaluates it (dkms-conf.sh, beside the binary), PRE_BUILD refused, and the package's own MAKE line run dry
// with a `make` interceptor first on PATH (dkms-make-interceptor.sh, beside the binary), which records every make
// aimed at the kernel build directory (-C <kernel build dir> with M= or KBUILD_EXTMOD=) and lets the package's other
// makes run with -n. Each recorded kernel make is then planned like a plain module directory.

#include <srcver/kbuild_shim/kernel_profile.hpp>
#include <srcver/kbuild_shim/plan.hpp>

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace srcver::kbuild_shim {

// Whether `dir` is a DKMS source directory (false too when that cannot be told: an unreadable directory).
bool is_dkms_source(const std::string& dir);

// The helper scripts a DKMS plan runs, found by the caller (base::helper_program): their paths.
struct DkmsScripts {
  std::string conf;             // dkms-conf.sh: dkms.conf evaluated as dkms evaluates it
  std::string make_interceptor; // dkms-make-interceptor.sh: the `make` the package's MAKE line runs dry with
};

// Plans a DKMS source directory. Module paths are relative to `source_dir`. Errors: needs_build_step (PRE_BUILD),
// input (excluded kernel, invalid dkms.conf), cannot_predict (no kernel make found, a module dkms.conf names that
// Kbuild does not build). `named`, when given, receives the modules dkms.conf names (relative paths without .ko) as
// soon as dkms.conf is read, so that a caller can name them when the plan stops (PRE_BUILD).
// dkms.conf is evaluated for this machine's architecture (`uname -m`, as dkms defaults it).
// `timeout` bounds each program run: dkms.conf's evaluation, the MAKE line's dry run, each kernel make's plan.
llvm::Expected<Plan> plan_dkms_source(const std::string& source_dir, const KernelProfile& profile,
                                      const DkmsScripts& scripts, std::chrono::milliseconds timeout,
                                      std::vector<std::string>* named = nullptr);

} // namespace srcver::kbuild_shim
