// `srcversion-predict verify <module-dir> <kernel>`: the prediction against a real build of a copy of the directory.
// The copy is predicted at the very path the real build then runs in (kbuild-build.sh, the project's one way to run
// a real build: make M=, or Debian's real `dkms build` for a DKMS source, with CONFIG_MODULE_SRCVERSION_ALL=y), then
// each module's srcversion is compared with the built module's. On a difference the build is kept and both sides are
// shown in the --explain view: the prediction's and the one modpost's own inputs in the build give (from-build).

#include "build_tree.hpp"
#include "predict.hpp"
#include "report.hpp"
#include "verdict.hpp"

#include <srcver/base/error.hpp>
#include <srcver/base/helper_programs.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/kbuild_shim/dkms.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>
#include <srcver/tool/outcome.hpp>

#include <fmt/core.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace srcver::tool {

namespace {

namespace fs = std::filesystem;

// Progress lines on stderr, only when it is a terminal (a CI log gets the results alone).
void progress(const std::string& what) {
  static const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) print_diagnostic("verify: " + what);
}

std::string kbuild_build_script() { return base::helper_program("kbuild-build.sh"); }

int fail(ErrorCategory category, const std::string& message) { return report_error(make_error(category, message)); }

// The parent of the tool's own work directory: --work-dir (made when missing; never inside the module directory
// `source`, as verify writes nothing there), or "" for $TMPDIR.
llvm::Expected<std::string> work_parent(const VerifyCommand& command, const std::string& source) {
  if (command.work_dir.empty()) return std::string();
  std::error_code ec;
  const std::string wanted = fs::weakly_canonical(command.work_dir, ec).string();
  if (wanted == source || llvm::StringRef(wanted).starts_with(source + "/")) {
    return make_error(ErrorCategory::usage, "--work-dir " + command.work_dir + " lies inside the module directory " +
                                                source +
                                                ": verify writes nothing there; choose a directory outside it");
  }
  ec.clear();
  fs::create_directories(command.work_dir, ec);
  if (ec || !fs::is_directory(command.work_dir, ec)) {
    return make_error(ErrorCategory::input, "--work-dir " + command.work_dir +
                                                ": not a directory, and cannot be made one" +
                                                (ec ? " (" + ec.message() + ")" : std::string()));
  }
  return fs::canonical(command.work_dir, ec).string();
}

// Where kbuild-build.sh will run the real build of `args` (its --print-build-dir).
llvm::Expected<std::string> real_build_dir(std::vector<std::string> args, const std::vector<std::string>& env,
                                           const std::string& work) {
  args.insert(args.begin() + 1, "--print-build-dir");
  auto located = base::run_process(args, env, work);
  if (!located) return located.takeError();
  if (located->exit_status != 0) return make_error(ErrorCategory::input, "kbuild-build.sh: " + located->err);
  std::string build_dir = located->out;
  while (!build_dir.empty() && build_dir.back() == '\n')
    build_dir.pop_back();
  return build_dir;
}

// The options of the prediction verify compares: fresh, and with CONFIG_MODULE_SRCVERSION_ALL=y as the build passes
// it.
PredictOptions prediction_options(const VerifyCommand& command) {
  PredictOptions options = command.options;
  options.prediction_cache = false;
  options.all_versions = true;
  return options;
}

// The other side of a difference: what modpost's own inputs in the build give for `module` (read once, on the first
// difference, into `real`).
void explain_real_build(const std::string& module, const std::string& build_dir, const FromBuildOptions& from_build,
                        std::optional<FromBuildReport>& real) {
  if (!real) {
    auto report = compute_from_build(build_dir, from_build);
    if (!report) {
      llvm::outs() << "  real build: cannot read: " << take_error(report.takeError()).message << "\n";
      return;
    }
    real = std::move(*report);
  }
  for (const auto& m : real->modules) {
    if (m.module != module) continue;
    llvm::outs() << "  real build (modpost's inputs in " << build_dir << "):\n";
    print_explain(llvm::outs(), m.result);
  }
}

// Each module of `prediction` against the module the real build in `build_dir` made: one line each, and on a
// difference both sides in the --explain view. The exit status, or an error when a built module cannot be read.
llvm::Expected<int> compare_with_build(const Prediction& prediction, const std::string& build_dir,
                                       const FromBuildOptions& from_build) {
  int status = exit_ok;
  std::optional<FromBuildReport> real; // modpost's own inputs, read only on a difference
  for (const auto& module : prediction.modules) {
    const std::string file = find_module_file(build_dir + "/" + module.path);
    std::string built;
    if (!file.empty()) {
      auto info = read_modinfo(file);
      if (!info) return info.takeError();
      built = modinfo_value(*info, "srcversion");
    }
    // The build passed the CONFIG_MODULE_SRCVERSION_ALL setting the prediction was made for.
    const Judgement j = judge(module, built, /*build_setting_known=*/true);
    status = worse_status(status, exit_status_of(j.verdict));
    llvm::outs() << module.path << ' ' << verdict_name(j.verdict) << ' ' << j.predicted << ' '
                 << (built.empty() ? "-" : built) << ' ' << (file.empty() ? "-" : file) << '\n';
    if (!module.reason.empty()) print_diagnostic(module.path + ": " + module.reason);
    if (j.verdict != Verdict::differs) continue;
    llvm::outs() << "  predicted:\n";
    print_explain(llvm::outs(), module.result);
    explain_real_build(module.path, build_dir, from_build, real);
  }
  return status;
}

} // namespace

int run_verify(const VerifyCommand& command) {
  std::error_code ec;
  const std::string source = fs::canonical(command.module_dir, ec).string();
  if (ec || !fs::is_directory(source, ec)) return fail(ErrorCategory::input, command.module_dir + ": not a directory");
  auto kernel = kbuild_shim::resolve_kernel(command.kernel);
  if (!kernel) return report_error(kernel.takeError());
  const std::string script = kbuild_build_script();
  if (!fs::exists(script, ec)) {
    return fail(ErrorCategory::input, "kbuild-build.sh not found (looked for " + script + ")");
  }

  // The copy is built in a new directory of the tool's own, under --work-dir or $TMPDIR; that directory, and never
  // the one the user named, is what is removed afterwards.
  auto parent = work_parent(command, source);
  if (!parent) return report_error(parent.takeError());
  auto scratch = base::ScratchDir::create("verify", *parent);
  if (!scratch) return report_error(scratch.takeError());
  const std::string work = scratch->path().string();
  const std::string out = work + "/build";
  const bool dkms = kbuild_shim::is_dkms_source(source);
  const auto env = base::current_environment();
  std::vector<std::string> args{script};
  if (dkms) args.push_back("--dkms");
  args.insert(args.end(), {kernel->release, source, out});

  // Where the real build will run: predicted there, before anything is built.
  auto build_dir = real_build_dir(args, env, work);
  if (!build_dir) return report_error(build_dir.takeError());
  progress("copying " + source + " to " + *build_dir);
  fs::create_directories(fs::path(*build_dir).parent_path(), ec);
  if (auto err = kbuild_shim::copy_sources(source, *build_dir)) return report_error(std::move(err));

  progress("predicting");
  const PredictOptions options = prediction_options(command);
  auto prediction = predict_directory(*build_dir, kernel->release, options);
  if (!prediction) return report_prediction_error(prediction.takeError());

  progress("building with real Kbuild (" + std::string(dkms ? "dkms build" : "make M=") + ") in " + out);
  auto built = base::run_process(args, env, work);
  if (!built) return report_error(built.takeError());
  if (built->exit_status != 0) {
    fmt::print(stderr, "{}", built->err);
    scratch->keep();
    print_diagnostic("verify: the real build failed; kept in " + work);
    return exit_usage;
  }

  progress("comparing");
  FromBuildOptions from_build;
  from_build.kernel = kernel->build_dir;
  from_build.all_versions = options.all_versions;
  auto status = compare_with_build(*prediction, *build_dir, from_build);
  if (!status) return report_error(status.takeError());
  llvm::outs().flush();
  if (*status == exit_differs || command.keep) {
    scratch->keep();
    print_diagnostic("verify: the build is kept in " + work);
  } // else removed with `scratch`
  return *status;
}

} // namespace srcver::tool
