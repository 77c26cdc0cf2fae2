#pragma once
// A plan: what real Kbuild would build for a module directory, decided by Kbuild itself without building. GNU make
// runs the kernel's own scripts/Makefile.build (and its recursion into subdirectories) on a scratch copy of the
// module directory, dry (-n) and with every target out of date (-B), with two recipe hooks redefined on the command
// line so that they print instead of run: cmd_and_fixdep (the compile of each object: its $@, $< and command) and
// cmd_and_savecmd (commands whose line goes into a .cmd file, among them the .mod and modules.order writers).
// Only the .mod and modules.order pipelines, which are Kbuild's own printf/awk/echo lines, are then executed, in
// the scratch copy.

#include <srcver/base/process.hpp>
#include <srcver/kbuild_shim/kernel_profile.hpp>

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace srcver::kbuild_shim {

struct PlannedObject {
  std::string object;               // as the .mod entry spells it
  std::string source;               // the rule's $< (.c or .S), as Kbuild spells it
  std::vector<std::string> command; // the compile command's words, up to its first ';'
};

struct PlannedModule {
  std::string path;                     // the built module's path relative to the module directory, no .ko
  std::string name;                     // its basename
  std::vector<std::string> mod_entries; // the lines its .mod file will hold
  std::vector<PlannedObject> objects;   // the .mod entries that are objects (not .a), in .mod order
};

struct Plan {
  std::string module_dir;             // absolute
  std::string make_dir;               // where make runs for this module (objtree up to 6.12, the module dir from 6.13)
  std::vector<PlannedModule> modules; // modules.order order
};

struct PlanOptions {
  std::vector<std::string> make_args; // extra make command-line arguments (VAR=value), as a MAKE line gives them
  std::vector<std::string> extra_env; // NAME=value set in make's environment (what DKMS exports, for example)
  // The PWD the real make inherits: the directory its caller ran it from ("" = the module directory, as when
  // `make -C <kernel> M=$PWD` runs there or DKMS runs its MAKE in the build directory). Makefiles read $(PWD).
  std::string pwd;
  // The module directory is a scratch copy the plan may write into (a DKMS package's copy): planned in place, so that
  // its makefiles see the package's other directories as the real build does ($(src)/../x).
  bool already_a_copy = false;
  // How long each make (and Kbuild's .mod writers) may run before the plan gives up (cannot_predict).
  std::chrono::milliseconds timeout = base::k_default_make_timeout;
};

// A modules.order entry without its suffix: ".ko" (up to 6.2) or ".o" (from 6.3), as modpost names the module.
std::string strip_module_suffix(std::string_view entry);

// Copies a module directory's sources (not its build artifacts) to `to`.
llvm::Error copy_sources(const std::string& from, const std::string& to);

// Plans `module_dir` (a directory with a Kbuild file or a Makefile with obj-m) for the kernel of `profile`.
// The module directory is only read. Errors: cannot_predict (make failed, an object without a compile rule).
llvm::Expected<Plan> plan_module_dir(const std::string& module_dir, const KernelProfile& profile,
                                     const PlanOptions& options);

} // namespace srcver::kbuild_shim
