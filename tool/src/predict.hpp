#pragma once
// The prediction itself, shared by `predict`, `check` and `verify`: plan (kbuild-shim) -> each object's deps_ list
// (the front end) -> the files modpost reads, written in memory -> the sumversion port.

#include <srcver/sumversion/srcversion.hpp>
#include <srcver/tool/predict_options.hpp>

#include <llvm/Support/Error.h>

#include <memory>
#include <string>
#include <vector>

namespace srcver::frontend {
class DepsService;
struct ObjectDeps;
} // namespace srcver::frontend

namespace srcver::tool {

// One object's compile as the plan and the front end give it (kept with PredictOptions::keep_compiles).
struct PredictedCompile {
  std::string object;               // as the .mod entry spells it
  std::vector<std::string> command; // the compile command's words
  std::string source;               // as the command names it
  std::vector<std::string> deps;    // its deps_ list
};

struct PredictedModule {
  enum class Status {
    ok,             // srcversion predicted; modpost writes it
    no_version,     // predicted, but modpost writes none: no MODULE_VERSION and no -a (result still holds the hash)
    no_srcversion,  // modpost's rules give none (result.reason)
    cannot_predict, // the answer cannot be known with certainty (reason)
  };
  std::string path; // relative to the module directory, no .ko
  Status status = Status::ok;
  std::string reason;                     // why not ok
  bool has_version = false;               // MODULE_VERSION / MODULE_INFO(version, ...) seen (only known without -a)
  sumversion::SrcversionResult result;    // the computation (empty when cannot_predict)
  std::vector<PredictedCompile> compiles; // with PredictOptions::keep_compiles (not when cannot_predict)
};

struct Prediction {
  std::string release;                  // the kernel's release
  std::string build_dir;                // its build directory
  std::string module_dir;               // absolute (with PredictOptions::keep_compiles)
  std::string make_dir;                 // where the compiles run, their relative paths' base (with keep_compiles)
  std::vector<std::string> profile_env; // the kernel's Makefile.build environment (with keep_compiles)
  bool all_versions = false;
  std::vector<PredictedModule> modules; // modules.order order
};

struct PlannedDirectory;

// The prediction pipeline for one run: every directory and kernel it predicts shares the run's dependency scanner
// (gcc's macros, the kernels' fixdep rules, the scanner's file cache), so `--all-kernels` reads a header common to two
// kernels once.
class Predictor {
public:
  explicit Predictor(PredictOptions options);
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;
  ~Predictor();

  // Every module of `module_dir` for `kernel` (a release or a build directory). Errors: the directory cannot be
  // planned (input, cannot_predict, needs_build_step), an unsupported kernel (cannot_predict).
  llvm::Expected<Prediction> predict(const std::string& module_dir, const std::string& kernel);

private:
  frontend::DepsService& service();
  llvm::Expected<std::vector<std::vector<frontend::ObjectDeps>>> scan(const PlannedDirectory& planned,
                                                                      bool detect_version);

  PredictOptions m_options;
  std::unique_ptr<frontend::DepsService> m_service; // made at the first scan
};

// One prediction with a Predictor of its own (check, verify).
llvm::Expected<Prediction> predict_directory(const std::string& module_dir, const std::string& kernel,
                                             const PredictOptions& options);

} // namespace srcver::tool
