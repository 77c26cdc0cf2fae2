#pragma once
// The CLI's commands, called by main.cpp once options are parsed. Each prints results on stdout, diagnostics on
// stderr, and returns the process exit status.

#include <srcver/base/error.hpp>
#include <srcver/tool/outcome.hpp>
#include <srcver/tool/predict_options.hpp>

#include <llvm/Support/Error.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace srcver::tool {

struct FromBuildCommand {
  std::string build_dir;
  std::string era;                  // --era: modpost's era, wins over everything else ("" = from the kernel)
  std::string kernel_version;       // --kernel-version X.Y.Z ("" = from the kernel)
  std::string kernel;               // --kernel: release or build directory ("" = from the modules' vermagic)
  std::optional<bool> all_versions; // whether modpost ran with -a; default: from its recorded command line
  bool json = false;
  std::string dump_hash_input; // file to write every byte fed to MD4 to ("" = none)
};

// `from-build`. --era and --kernel-version that cannot be read are usage errors (2).
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

// The releases of every kernel with a build directory under /lib/modules (`--all-kernels`), in version order.
std::vector<std::string> installed_kernels();

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

struct StoreOptions {
  std::string dir;                      // the module store (module_store.hpp)
  std::uint64_t max_bytes = 2ULL << 30; // its size limit: least recently used entries go first
};

struct RecordCommand {
  std::string build_dir; // a tree real Kbuild has just built (make M=, a DKMS build directory)
  std::string kernel;    // the kernel it was built for ("" = from the modules' vermagic)
  std::string cache_dir; // where the kernel's profile is cached ("" = none)
  StoreOptions store;
  bool json = false;
};
// `record`: every built module of the tree into the module store, with what it was compiled from. 0 all recorded,
// 1 some module could not be (why), 2 input.
int run_record(const RecordCommand& command);

// What makes a built module reusable for another kernel (docs/reuse.md).
enum class ReusePolicy {
  inputs, // every input of every compile and of the link the same (the default)
  kabi,   // the module's own inputs the same, and every symbol's CRC the target's (a kABI promise, opt-in)
};

struct ReuseCommand {
  std::string module_dir;
  std::string kernel;               // the target kernel
  std::vector<std::string> targets; // built modules or directories to search ("" = the module store alone)
  PredictOptions options;
  StoreOptions store;
  bool json = false;
  ReusePolicy policy = ReusePolicy::inputs;
  // When every module is reusable, write each module file where the build would leave it in <module-dir> (never
  // replacing a file); the DKMS make wrapper then has nothing to compile.
  bool place = false;
};
// `reuse`: per module, a built module that a build for the target would reproduce (same compiles, same inputs, same
// link inputs), or "build" with the first difference. 0 all reusable, 1 some not, 3 cannot predict, 2 input.
int run_reuse(const ReuseCommand& command);

// `store --stats`: the module store's entries and size.
int run_store_stats(const StoreOptions& store, bool json);

} // namespace srcver::tool
