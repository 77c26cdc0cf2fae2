#pragma once
// The CLI's commands, called by main.cpp once options are parsed. Each prints results on stdout, diagnostics on
// stderr, and returns the process exit status.

#include <srcver/base/error.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/tool/build_tree.hpp>
#include <srcver/tool/predict.hpp>

#include <llvm/Support/Error.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace srcver::tool {

// Exit statuses, documented in --help, README.md and the man page.
enum ExitStatus : int {
  exit_ok = 0,               // every module has its srcversion
  exit_differs = 1,          // (check) some module's srcversion differs
  exit_usage = 2,            // bad usage or input
  exit_cannot_predict = 3,   // some module has no srcversion, or the answer cannot be known with certainty
  exit_needs_build_step = 4, // (plan) a step must run first: DKMS PRE_BUILD, configure
};

// Prints an error ("srcversion-predict: <message>") and returns its exit status: 3 cannot predict, 4 needs a build
// step, 2 otherwise.
int report_error(llvm::Error err);

// The exit status of a prediction's error: a step the build needs first (PRE_BUILD) is "cannot predict" (3) there.
int prediction_exit_status(ErrorCategory category);

// Prints a prediction's error and returns prediction_exit_status().
int report_prediction_error(llvm::Error err);

struct FromBuildCommand {
  std::string build_dir;
  FromBuildOptions options;
  bool json = false;
  std::string dump_hash_input; // file to write every byte fed to MD4 to ("" = none)
};

int run_from_build(const FromBuildCommand& command);

struct PlanCommand {
  std::string module_dir;
  std::string kernel;    // release or build directory
  std::string cache_dir; // "" = no cache (--no-cache)
  bool json = false;
  bool deps = false;           // add each object's deps_ list (the front end)
  unsigned jobs = 0;           // scanning threads, 0 = the number of cores
  bool filter_defines = false; // the front end's define filter (DepScanner::set_define_filter)
  std::chrono::milliseconds make_timeout = base::k_default_make_timeout;
};

int run_plan(const PlanCommand& command);

struct DepsCommand {
  std::string database;  // a compilation database (compile_commands.json)
  std::string kernel;    // release or build directory: whose fixdep rules apply
  std::string cache_dir; // "" = no cache
  bool json = false;
  unsigned jobs = 0;
  bool filter_defines = false; // the front end's define filter (DepScanner::set_define_filter)
};

// Each compile's deps_ list, as the front end computes it for `plan --deps` (the benchmark's entry point too).
int run_deps(const DepsCommand& command);

struct PredictCommand {
  std::string module_dir;
  std::vector<std::string> kernels; // releases or build directories
  PredictOptions options;
  bool json = false;
  bool explain = false;        // per module: objects, hashed files with their byte counts, what was not hashed, why
  std::string dump_hash_input; // file to write every byte fed to MD4 to ("" = none)
};

// `srcversion-predict <module-dir> <kernel>...`: each module's srcversion as a real build would give it.
int run_predict(const PredictCommand& command);

struct CheckCommand {
  std::string module_dir;
  std::string kernel;
  std::vector<std::string> targets; // built modules (.ko, .ko.xz, .ko.zst, .ko.gz) or directories to search
  PredictOptions options;
  bool json = false;
};

// `check`: the prediction against built or installed modules. 0 all equal, 1 some differ, 3 cannot predict, 2 input.
int run_check(const CheckCommand& command);

struct VerifyCommand {
  std::string module_dir;
  std::string kernel;
  PredictOptions options;
  std::string work_dir; // where the copy is built ("" = a new directory under $TMPDIR)
  bool keep = false;    // keep the build even when everything is equal
};

// `verify`: builds a copy of the directory with real Kbuild (CONFIG_MODULE_SRCVERSION_ALL=y) and compares.
int run_verify(const VerifyCommand& command);

// A module directory planned for a kernel (plan and predict): the kernel, its profile, the plan.
struct PlannedDirectory {
  kbuild_shim::KernelBuild kernel;
  kbuild_shim::KernelProfile profile;
  kbuild_shim::Plan plan;
};
// `named`, when given, receives the modules a DKMS package's dkms.conf names, even when the plan then stops.
// `timeout` bounds each make run (the kernel profile's capture, the module's makefiles, a DKMS MAKE line).
llvm::Expected<PlannedDirectory> plan_directory(const std::string& module_dir, const std::string& kernel,
                                                const std::string& cache_dir, std::chrono::milliseconds timeout,
                                                std::vector<std::string>* named = nullptr);

// The default cache directory: $XDG_CACHE_HOME/srcversion-predict, else ~/.cache/srcversion-predict.
std::string default_cache_dir();

} // namespace srcver::tool
