// `srcversion-predict <module-dir> <kernel>...`: each module's srcversion as a real build would give it, without
// building; one kernel or several (--all-kernels), as lines, --explain blocks or JSON.

#include "predict.hpp"
#include "report.hpp"

#include <srcver/base/error.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <fstream>

namespace srcver::tool {

namespace {

using Status = PredictedModule::Status;

// The JSON name of each Status, in its order.
constexpr const char* k_status_names[] = {"ok", "no-version", "no-srcversion", "cannot-predict"};

llvm::json::Value module_json(const PredictedModule& module) {
  llvm::json::Object out = outcome_json(k_status_names, module.status, module.result.srcversion, module.reason);
  out["module"] = module.path;
  if (module.status != Status::cannot_predict) add_result_json(out, module.result);
  return out;
}

void print_prediction_reason(const std::string& prefix, const PredictedModule& module) {
  switch (module.status) {
  case Status::ok: return;
  case Status::cannot_predict: print_diagnostic(prefix + module.path + ": cannot predict: " + module.reason); return;
  case Status::no_version:
  case Status::no_srcversion: print_diagnostic(prefix + module.path + ": no srcversion: " + module.reason); return;
  }
}

} // namespace

int run_predict(const PredictCommand& command) {
  const bool several = command.kernels.size() > 1;
  int status = exit_ok;
  llvm::json::Array kernels_json;
  std::ofstream dump;
  if (!command.dump_hash_input.empty()) {
    dump.open(command.dump_hash_input, std::ios::binary | std::ios::trunc);
    if (!dump) {
      print_diagnostic("cannot write " + command.dump_hash_input);
      return exit_usage;
    }
  }
  PredictOptions options = command.options;
  options.keep_hash_input = !command.dump_hash_input.empty();
  // The cache holds neither hash input nor the dependencies that were not hashed.
  options.prediction_cache = options.prediction_cache && !command.json && !command.explain && !options.keep_hash_input;
  Predictor predictor(options); // one for every kernel: they share the scanner's caches
  for (const auto& kernel : command.kernels) {
    auto prediction = predictor.predict(command.module_dir, kernel);
    if (!prediction) {
      const ErrorReport error = take_error(prediction.takeError());
      const int kernel_status = prediction_exit_status(error.category);
      status = worse_status(status, kernel_status);
      if (command.json) {
        kernels_json.push_back(
            llvm::json::Object{{"kernel", kernel},
                               {"status", kernel_status == exit_usage ? "bad-input" : "cannot-predict"},
                               {"reason", error.message}});
      } else {
        print_diagnostic((several ? kernel + ": " : "") + error.message);
      }
      continue;
    }
    llvm::json::Array modules;
    for (const auto& module : prediction->modules) {
      if (module.status != Status::ok) status = worse_status(status, exit_cannot_predict);
      if (dump.is_open()) dump << module.result.hash_input;
      if (command.json) {
        modules.push_back(module_json(module));
        continue;
      }
      llvm::outs() << (several ? prediction->release + " " : "") << module.path << ' '
                   << (module.status == Status::ok ? module.result.srcversion : std::string("-")) << '\n';
      if (command.explain && module.status != Status::cannot_predict) print_explain(llvm::outs(), module.result);
      if (command.explain && module.status != Status::ok) llvm::outs() << "  " << module.reason << "\n";
      llvm::outs().flush();
      print_prediction_reason(several ? prediction->release + ": " : "", module);
    }
    if (command.json) {
      kernels_json.push_back(llvm::json::Object{{"kernel", prediction->release},
                                                {"build_dir", prediction->build_dir},
                                                {"status", "ok"},
                                                {"reason", nullptr},
                                                {"all_versions", prediction->all_versions},
                                                {"modules", std::move(modules)}});
    }
  }
  if (dump.is_open() && !dump.flush()) {
    print_diagnostic("cannot write " + command.dump_hash_input);
    status = exit_usage;
  }
  if (command.json) {
    llvm::json::Object root{{"module_dir", command.module_dir}, {"kernels", std::move(kernels_json)}};
    if (!command.options.in_tree.empty()) root["in_tree"] = command.options.in_tree;
    root["exit_status"] = status;
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
