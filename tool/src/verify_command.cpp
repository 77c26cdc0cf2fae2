// `srcversion-predict verify <module-dir> <kernel>`: the prediction against a real build of a copy of the directory.
// The copy is predicted at the very path the real build then runs in (kbuild-build.sh, the project's one way to run
// a real build: make M=, or Debian's real `dkms build` for a DKMS source, with CONFIG_MODULE_SRCVERSION_ALL=y), then
// each module's srcversion is compared with the built module's. On a difference the build is kept and both sides are
// shown in the --explain view: the prediction's and the one modpost's own inputs in the build give (from-build).
#include <srcver/base/error.hpp>
#include <srcver/base/helper_programs.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/kbuild_shim/dkms.hpp>
#include <srcver/kbuild_shim/plan.hpp>
#include <srcver/tool/build_tree.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>
#include <srcver/tool/predict.hpp>
#include <srcver/tool/report.hpp>

#include <fmt/core.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Support/MemoryBuffer.h>
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

} // namespace

int run_verify(const VerifyCommand& command) {
  std::error_code ec;
  const std::string source = fs::canonical(command.module_dir, ec).string();
  if (ec || !fs::is_directory(source)) return fail(ErrorCategory::input, command.module_dir + ": not a directory");
  auto kernel = kbuild_shim::resolve_kernel(command.kernel);
  if (!kernel) return report_error(kernel.takeError());
  const std::string script = kbuild_build_script();
  if (!fs::exists(script)) return fail(ErrorCategory::input, "kbuild-build.sh not found (looked for " + script + ")");

  // The copy is built in a new directory of the tool's own, under --work-dir (made when missing) or $TMPDIR; that
  // directory, and never the one the user named, is what is removed afterwards.
  std::string parent;
  if (!command.work_dir.empty()) {
    const std::string wanted = fs::weakly_canonical(command.work_dir, ec).string();
    if (wanted == source || llvm::StringRef(wanted).starts_with(source + "/")) {
      return fail(ErrorCategory::usage, "--work-dir " + command.work_dir + " lies inside the module directory " +
                                            source + ": verify writes nothing there; choose a directory outside it");
    }
    fs::create_directories(command.work_dir, ec);
    if (ec || !fs::is_directory(command.work_dir)) {
      return fail(ErrorCategory::input, "--work-dir " + command.work_dir + ": not a directory, and cannot be made one" +
                                            (ec ? " (" + ec.message() + ")" : std::string()));
    }
    parent = fs::canonical(command.work_dir, ec).string();
  }
  auto scratch = base::ScratchDir::create("verify", parent);
  if (!scratch) return report_error(scratch.takeError());
  const std::string work = scratch->path().string();
  const std::string out = work + "/build";
  const bool dkms = kbuild_shim::is_dkms_source(source);
  const auto env = base::current_environment();
  std::vector<std::string> args{script};
  if (dkms) args.push_back("--dkms");
  args.insert(args.end(), {kernel->release, source, out});

  // Where the real build will run: predicted there, before anything is built.
  std::vector<std::string> where = args;
  where.insert(where.begin() + 1, "--print-build-dir");
  auto located = base::run_process(where, env, work);
  if (!located) return report_error(located.takeError());
  if (located->exit_status != 0) return fail(ErrorCategory::input, "kbuild-build.sh: " + located->err);
  std::string build_dir = located->out;
  while (!build_dir.empty() && build_dir.back() == '\n')
    build_dir.pop_back();
  progress("copying " + source + " to " + build_dir);
  fs::create_directories(fs::path(build_dir).parent_path(), ec);
  if (auto err = kbuild_shim::copy_sources(source, build_dir)) return report_error(std::move(err));

  progress("predicting");
  PredictOptions options = command.options;
  options.prediction_cache = false; // verify checks a fresh prediction
  options.all_versions = true;      // the build passes CONFIG_MODULE_SRCVERSION_ALL=y
  // ... unless the directory's kbuild-make-args (kbuild-build.sh's per-directory make arguments, used by the
  // project's torture cases) switches it off again: on make's command line the last assignment wins.
  if (auto case_args = llvm::MemoryBuffer::getFile(source + "/kbuild-make-args", /*IsText=*/true)) {
    llvm::SmallVector<llvm::StringRef> lines;
    (*case_args)->getBuffer().split(lines, '\n');
    for (auto line : lines) {
      if (line.trim().starts_with("CONFIG_MODULE_SRCVERSION_ALL=")) {
        options.all_versions = line.trim() == "CONFIG_MODULE_SRCVERSION_ALL=y";
      }
    }
  }
  auto prediction = predict_directory(build_dir, kernel->release, options);
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
  int status = exit_ok;
  bool differs = false;
  std::optional<FromBuildReport> real; // modpost's own inputs, read only on a difference
  for (const auto& module : prediction->modules) {
    const std::string file = find_module_file(build_dir + "/" + module.path);
    std::string built_sv = "-";
    if (!file.empty()) {
      auto info = read_modinfo(file);
      if (!info) return report_error(info.takeError());
      built_sv = modinfo_value(*info, "srcversion");
      if (built_sv.empty()) built_sv = "-";
    }
    std::string verdict = "equal";
    const std::string predicted = module.status == PredictedModule::Status::ok ? module.result.srcversion : "-";
    if (module.status == PredictedModule::Status::cannot_predict) {
      verdict = "cannot-predict";
      if (status == exit_ok) status = exit_cannot_predict;
    } else if (predicted != built_sv) {
      verdict = "differs";
      differs = true;
      status = exit_differs;
    }
    llvm::outs() << module.path << ' ' << verdict << ' ' << predicted << ' ' << built_sv << ' '
                 << (file.empty() ? "-" : file) << '\n';
    if (!module.reason.empty()) print_diagnostic(module.path + ": " + module.reason);
    if (verdict != "differs") continue;
    llvm::outs() << "  predicted:\n";
    print_explain(llvm::outs(), module.result);
    if (!real) {
      FromBuildOptions from_build;
      from_build.kernel = kernel->build_dir;
      from_build.all_versions = options.all_versions;
      auto report = compute_from_build(build_dir, from_build);
      if (!report) {
        llvm::outs() << "  real build: cannot read: " << take_error(report.takeError()).message << "\n";
        continue;
      }
      real = std::move(*report);
    }
    for (const auto& m : real->modules) {
      if (m.module != module.path) continue;
      llvm::outs() << "  real build (modpost's inputs in " << build_dir << "):\n";
      print_explain(llvm::outs(), m.result);
    }
  }
  llvm::outs().flush();
  if (differs || command.keep) {
    scratch->keep();
    print_diagnostic("verify: the build is kept in " + work);
  } // else removed with `scratch`
  return status;
}

} // namespace srcver::tool
