#pragma once
// gcc's predefined macros for a compile command: what `<compiler> <flags> -dM -E -x <language> /dev/null` prints,
// where <flags> are the command's flags that decide them (-m..., -f..., -O..., -std...; no -D/-U, which are applied
// afterwards in command order, no include options). Learnt once per compiler identity, flag list and language, kept
// in memory for the run and on disk in the cache directory, so that a later run with a known flag set starts no
// compiler. Thread-safe.

#include <srcver/frontend/compile_command.hpp>

#include <llvm/Support/Error.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace srcver::frontend {

class GccMacros {
public:
  // `env` is the environment the compile runs in (its PATH finds the compiler); `cache_dir` "" keeps nothing on disk.
  GccMacros(std::string cache_dir, std::vector<std::string> env);

  // The macros as "NAME=VALUE" or "NAME(args)=VALUE" texts, in gcc's order. Errors (cannot_predict): the compiler
  // is not on PATH, or it fails. The compiler runs in `cwd`, the compile's working directory (plugin paths in the
  // flags are relative to it); it is not part of the key.
  llvm::Expected<std::shared_ptr<const std::vector<std::string>>> for_command(const PreprocessCommand& command,
                                                                              const std::string& cwd);

  // How many times a compiler was run (for -v and the tests).
  unsigned compiler_runs() const;

private:
  std::string m_cache_dir;
  std::vector<std::string> m_env;
  mutable std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<const std::vector<std::string>>> m_known; // by -dM command
  unsigned m_runs = 0;
};

// Reads `gcc -dM -E` output into "NAME=VALUE" texts. Lines that are not "#define NAME[(args)] [VALUE]" are an error.
llvm::Expected<std::vector<std::string>> parse_dm_output(const std::string& text);

} // namespace srcver::frontend
