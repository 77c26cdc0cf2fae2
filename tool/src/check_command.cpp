// `srcversion-predict check <module-dir> <kernel> <ko-or-dir>...`: the prediction against built or installed modules,
// read from their .modinfo (plain or compressed files; a directory is searched for each module's file).
#include <srcver/base/error.hpp>
#include <srcver/base/module_file_names.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/predict.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <filesystem>
#include <map>

namespace srcver::tool {

namespace {

namespace fs = std::filesystem;
using Status = PredictedModule::Status;

// "x" for "dir/x.ko.xz", "" when the name has none of the module suffixes.
std::string module_stem(const fs::path& file) {
  const std::string name = file.filename().string();
  const std::string_view suffix = base::module_suffix(name);
  return suffix.empty() ? std::string() : name.substr(0, name.size() - suffix.size());
}

// The module files given: files as they are, directories searched (recursively) by module name.
struct Targets {
  std::vector<std::string> files;                        // given as files
  std::multimap<std::string, std::string> found_by_stem; // in the directories given
  std::vector<std::string> dirs;                         // the directories given
  std::string error;                                     // a target that does not exist
};

Targets collect_targets(const std::vector<std::string>& args) {
  Targets t;
  for (const auto& arg : args) {
    std::error_code ec;
    if (arg.empty()) {
      t.error = "an empty <ko-or-dir> argument: give a built module (.ko, .ko.xz, .ko.zst, .ko.gz) or a directory to "
                "search for it";
    } else if (fs::is_directory(arg, ec)) {
      t.dirs.push_back(arg);
      for (auto it = fs::recursive_directory_iterator(arg, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_regular_file(ec)) continue;
        if (std::string stem = module_stem(it->path()); !stem.empty()) {
          t.found_by_stem.emplace(stem, it->path().string());
        }
      }
    } else if (fs::is_regular_file(arg, ec)) {
      t.files.push_back(arg);
    } else {
      t.error = arg + ": no such file or directory: give a built module (.ko, .ko.xz, .ko.zst, .ko.gz) or a directory "
                      "to search for it";
    }
  }
  return t;
}

struct Comparison {
  std::string module;
  std::string file;
  std::string verdict; // equal, differs, cannot-predict, bad-input
  std::string predicted = "-";
  std::string built = "-";
  std::string reason;
  std::string built_for; // the release in the built module's vermagic ("" when it has none)
};

int rank(int status) {
  switch (status) {
  case exit_usage: return 4;
  case exit_differs: return 3;
  case exit_cannot_predict: return 2;
  default: return 0;
  }
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

  int status = exit_ok;
  auto raise = [&](int s) {
    if (rank(s) > rank(status)) status = s;
  };
  std::vector<Comparison> comparisons;
  std::vector<bool> file_used(targets.files.size(), false);
  for (const auto& module : prediction->modules) {
    const std::string stem = fs::path(module.path).filename().string();
    std::vector<std::string> files;
    for (std::size_t i = 0; i < targets.files.size(); ++i) {
      if (module_stem(targets.files[i]) == stem) {
        files.push_back(targets.files[i]);
        file_used[i] = true;
      }
    }
    // In a directory: the module's own path first (a build tree), else every file of that name below it.
    for (const auto& dir : targets.dirs) {
      std::vector<std::string> exact;
      for (auto suffix : base::k_module_suffixes) {
        std::error_code ec;
        const std::string file = dir + "/" + module.path + std::string(suffix);
        if (fs::is_regular_file(file, ec)) exact.push_back(file);
      }
      if (!exact.empty()) {
        files.insert(files.end(), exact.begin(), exact.end());
        continue;
      }
      auto [from, to] = targets.found_by_stem.equal_range(stem);
      for (auto it = from; it != to; ++it)
        files.push_back(it->second);
    }
    if (files.empty()) {
      if (targets.dirs.empty()) continue; // only files were given: they say which modules to check
      comparisons.push_back({module.path, "", "bad-input", "-", "-", "no built module file found for it", ""});
      raise(exit_usage);
      continue;
    }
    for (const auto& file : files) {
      Comparison c{module.path, file, "equal", "-", "-", "", ""};
      auto info = read_modinfo(file);
      if (!info) {
        c.verdict = "bad-input";
        c.reason = take_error(info.takeError()).message;
        raise(exit_usage);
        comparisons.push_back(std::move(c));
        continue;
      }
      c.built = modinfo_value(*info, "srcversion");
      if (c.built.empty()) c.built = "-";
      // A module built for another kernel: its srcversion is compared all the same (modpost hashes the module's own
      // files, which the kernel does not change), but the user asked about this kernel and should know.
      const std::string vermagic = modinfo_value(*info, "vermagic");
      c.built_for = vermagic.substr(0, vermagic.find(' '));
      if (!c.built_for.empty() && c.built_for != prediction->release) {
        print_warning(file + " was built for kernel " + c.built_for + " (its vermagic), not for " +
                      prediction->release +
                      ", the kernel predicted for; compared all the same (to compare with "
                      "its own kernel: srcversion-predict check " +
                      command.module_dir + " " + c.built_for + " " + file + ")");
      }
      if (module.status == Status::cannot_predict) {
        c.verdict = "cannot-predict";
        c.reason = module.reason;
        raise(exit_cannot_predict);
      } else {
        // The hash is compared whenever the module carries one (built with or without -a); a module without one is
        // equal when modpost would give it none under the kernel's setting.
        const bool computed = module.result.outcome == sumversion::SrcversionResult::Outcome::ok;
        if (c.built != "-") {
          c.predicted = computed ? module.result.srcversion : "-";
          if (c.predicted != c.built) c.verdict = "differs";
          if (!computed) c.reason = module.reason;
        } else {
          c.predicted = module.status == Status::ok ? module.result.srcversion : "-";
          if (c.predicted != "-") {
            c.verdict = "differs";
            c.reason = "the module has no srcversion; a real build would give it one";
          }
        }
        if (c.verdict == "differs") raise(exit_differs);
      }
      comparisons.push_back(std::move(c));
    }
  }
  for (std::size_t i = 0; i < targets.files.size(); ++i) {
    if (file_used[i]) continue;
    comparisons.push_back({module_stem(targets.files[i]), targets.files[i], "bad-input", "-", "-",
                           "no module of this name is built from " + command.module_dir, ""});
    raise(exit_usage);
  }

  if (command.json) {
    llvm::json::Array out;
    for (const auto& c : comparisons) {
      llvm::json::Object o{{"module", c.module}, {"file", c.file}, {"verdict", c.verdict}};
      o["predicted"] = c.predicted == "-" ? llvm::json::Value(nullptr) : llvm::json::Value(c.predicted);
      o["built"] = c.built == "-" ? llvm::json::Value(nullptr) : llvm::json::Value(c.built);
      o["reason"] = c.reason.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(c.reason);
      o["built_for"] = c.built_for.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(c.built_for);
      out.push_back(std::move(o));
    }
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{{"kernel", prediction->release},
                                                                                {"module_dir", command.module_dir},
                                                                                {"comparisons", std::move(out)},
                                                                                {"exit_status", status}}))
                 << "\n";
  } else {
    for (const auto& c : comparisons) {
      llvm::outs() << c.module << ' ' << c.verdict << ' ' << c.predicted << ' ' << c.built << ' '
                   << (c.file.empty() ? "-" : c.file) << '\n';
      if (!c.reason.empty()) print_diagnostic(c.module + ": " + c.verdict + ": " + c.reason);
    }
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
