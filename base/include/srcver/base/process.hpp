#pragma once
// Running a program with an exact environment and working directory, capturing its output. Used to run GNU make
// (Kbuild decides, never a home-made parser) and the small shell pipelines Kbuild writes .mod files with.

#include <llvm/Support/Error.h>

#include <chrono>
#include <string>
#include <vector>

namespace srcver::base {

struct ProcessResult {
  int exit_status = -1; // the program's exit status, or 128 + signal
  std::string out;
  std::string err;
  bool timed_out = false; // killed (with its whole process group) when `timeout` passed
};

// Runs argv[0] (looked up in the PATH of `env`) with exactly `env` as its environment, in `cwd`, stdin from
// /dev/null, in a process group of its own (registered for the tool's signal cleanup: see scratch.hpp). With a
// `timeout` (zero: none), the process group is killed when it has not finished by then, and `timed_out` is set.
// An error only when the program could not be started (the message names `cwd` when it cannot be entered).
llvm::Expected<ProcessResult> run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                          const std::string& cwd,
                                          std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());

// How long the tool lets a make it runs (the kernel's top-level Makefile on a probe, a module's makefiles, a DKMS
// MAKE line, all dry) take before it gives up on the module: `--make-timeout`'s default. Such a make normally takes
// well under a second; a makefile that hangs ($(shell sleep ...), a network mount) must not hang a boot.
inline constexpr std::chrono::seconds k_default_make_timeout{60};

// The error for a program that did not finish in time: "<what> did not finish within N s", cannot_predict.
llvm::Error timed_out_error(const std::string& what, std::chrono::milliseconds timeout, const std::string& path = {});

// The program `name` as the shell finds it in `path` (a PATH value): a name with a '/' is taken as it is; an empty
// PATH entry is the current directory. "" when no executable file is found.
std::string find_program(const std::string& name, const std::string& path);

// This process's own environment, as "NAME=value" strings.
std::vector<std::string> current_environment();

// The value of variable `name` in an environment list ("" when absent).
std::string env_value(const std::vector<std::string>& env, const std::string& name);

// Whether an environment entry is GNU make's own state (MAKEFLAGS, MFLAGS, MAKELEVEL, MAKE_TERM*, MAKEOVERRIDES),
// which must not leak from one make into an unrelated one.
bool is_make_state(const std::string& entry);

// The NUL-separated fields of `data` (as /proc/<pid>/environ, env -0 and dkms-conf.sh write them).
std::vector<std::string> split_nul(const std::string& data);

} // namespace srcver::base
