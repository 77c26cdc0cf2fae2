// `srcversion-predict check <module-dir> <kernel> <ko-or-dir>...`: the prediction against built or installed modules,
// read from their .modinfo (plain or compressed files; a directory is searched for each module's file).
#include "module_targets.hpp"
#include "predict.hpp"
#include "verdict.hpp"

#include <srcver/base/error.hpp>
#include <srcver/base/module_file_names.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/outcome.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <filesystem>
#include <map>

namespace srcver::tool {

namespace {

namespace fs = std::filesystem;

struct Comparison {
  std::string module;
  std::string file;
  Verdict verdict = Verdict::equal;
  std::string predicted = "-";
  std::string built = "-";
  std::string reason;
  std::string built_for; // the release in the built module's vermagic ("" when it has none)
};

// `file` against `module`'s prediction for `release`.
Comparison compare_file(const PredictedModule& module, const std::string& file, const std::string& release,
                        const CheckCommand& command) {
  Comparison c{module.path, file, Verdict::equal, "-", "-", "", ""};
  auto info = read_modinfo(file);
  if (!info) {
    c.verdict = Verdict::bad_input;
    c.reason = take_error(info.takeError()).message;
    return c;
  }
  const std::string built = modinfo_value(*info, "srcversion");
  if (!built.empty()) c.built = built;
  // A module built for another kernel: its srcversion is compared all the same (modpost hashes the module's own
  // files, which the kernel does not change), but the user asked about this kernel and should know.
  const std::string vermagic = modinfo_value(*info, "vermagic");
  c.built_for = vermagic.substr(0, vermagic.find(' '));
  if (!c.built_for.empty() && c.built_for != release) {
    print_warning(file + " was built for kernel " + c.built_for + " (its vermagic), not for " + release +
                  ", the kernel predicted for; compared all the same (to compare with its own kernel: "
                  "srcversion-predict check " +
                  command.module_dir + " " + c.built_for + " " + file + ")");
  }
  // An installed module may have been built with or without CONFIG_MODULE_SRCVERSION_ALL: not known here.
  Judgement j = judge(module, built, /*build_setting_known=*/false);
  c.verdict = j.verdict;
  c.predicted = std::move(j.predicted);
  c.reason = std::move(j.reason);
  return c;
}

// Every comparison of the prediction with the targets, in the prediction's module order, then the files given that
// no module of the directory is built as.
std::vector<Comparison> compare_all(const Prediction& prediction, const Targets& targets, const CheckCommand& command) {
  std::vector<Comparison> comparisons;
  std::vector<bool> file_used(targets.files.size(), false);
  for (const auto& module : prediction.modules) {
    const std::vector<std::string> files = files_for(module, targets, file_used);
    if (files.empty()) {
      if (targets.dirs.empty()) continue; // only files were given: they say which modules to check
      comparisons.push_back({module.path, "", Verdict::bad_input, "-", "-", "no built module file found for it", ""});
      continue;
    }
    for (const auto& file : files)
      comparisons.push_back(compare_file(module, file, prediction.release, command));
  }
  for (std::size_t i = 0; i < targets.files.size(); ++i) {
    if (file_used[i]) continue;
    comparisons.push_back({module_stem(targets.files[i]), targets.files[i], Verdict::bad_input, "-", "-",
                           "no module of this name is built from " + command.module_dir, ""});
  }
  return comparisons;
}

void print_json(const std::vector<Comparison>& comparisons, const std::string& release, const CheckCommand& command,
                int status) {
  llvm::json::Array out;
  for (const auto& c : comparisons) {
    llvm::json::Object o{{"module", c.module}, {"file", c.file}, {"verdict", verdict_name(c.verdict)}};
    o["predicted"] = c.predicted == "-" ? llvm::json::Value(nullptr) : llvm::json::Value(c.predicted);
    o["built"] = c.built == "-" ? llvm::json::Value(nullptr) : llvm::json::Value(c.built);
    o["reason"] = c.reason.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(c.reason);
    o["built_for"] = c.built_for.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(c.built_for);
    out.push_back(std::move(o));
  }
  llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{{"kernel", release},
                                                                              {"module_dir", command.module_dir},
                                                                              {"comparisons", std::move(out)},
                                                                              {"exit_status", status}}))
               << "\n";
}

} // namespace

int run_check(const CheckCommand& command) {
  const Targets targets = collect_targets(command.targets);
  if (!targets.error.empty()) {
    print_diagnostic(targets.error);
    return exit_usage;
  }
  auto prediction = predict_directory(command.module_dir, command.kernel, command.options);
  if (!prediction) return report_prediction_error(prediction.takeError());

  const std::vector<Comparison> comparisons = compare_all(*prediction, targets, command);
  int status = exit_ok;
  for (const auto& c : comparisons)
    status = worse_status(status, exit_status_of(c.verdict));
  if (command.json) {
    print_json(comparisons, prediction->release, command, status);
  } else {
    for (const auto& c : comparisons) {
      const char* verdict = verdict_name(c.verdict);
      llvm::outs() << c.module << ' ' << verdict << ' ' << c.predicted << ' ' << c.built << ' '
                   << (c.file.empty() ? "-" : c.file) << '\n';
      if (!c.reason.empty()) print_diagnostic(c.module + ": " + verdict + ": " + c.reason);
    }
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
