#pragma once
// Running a program with an exact environment and working directory, capturing its output. Used to run GNU make
// (Kbuild decides, never a home-made parser) and the small shell pipelines Kbuild writes .mod files with.

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace srcver::kbuild_shim {

struct ProcessResult {
  int exit_status = -1; // the program's exit status, or 128 + signal
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in the PATH of `env`) with exactly `env` as its environment, in `cwd`, stdin from
// /dev/null. An error only when the program could not be started.
llvm::Expected<ProcessResult> run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                          const std::string& cwd);

// This process's own environment, as "NAME=value" strings.
std::vector<std::string> current_environment();

// The value of variable `name` in an environment list ("" when absent).
std::string env_value(const std::vector<std::string>& env, const std::string& name);

// Whether an environment entry is GNU make's own state (MAKEFLAGS, MFLAGS, MAKELEVEL, MAKE_TERM*, MAKEOVERRIDES),
// which must not leak from one make into an unrelated one.
bool is_make_state(const std::string& entry);

// The NUL-separated fields of `data` (as /proc/<pid>/environ, env -0 and dkms-conf.sh write them).
std::vector<std::string> split_nul(const std::string& data);

} // namespace srcver::kbuild_shim
