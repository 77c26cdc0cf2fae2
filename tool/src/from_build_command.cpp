// `srcversion-predict from-build <build-dir>`: the srcversion modpost computed for each module of a built tree.
#include "build_tree.hpp"
#include "report.hpp"

#include <srcver/base/error.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/log.hpp>

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <fstream>

namespace srcver::tool {
namespace {

using Status = BuiltModule::Status;

// The JSON name of each Status, in its order.
constexpr const char* k_status_names[] = {"ok",        "no-srcversion", "modpost-fails",
                                          "not-built", "no-version",    "cannot-tell"};

llvm::json::Value module_json(const BuiltModule& module) {
  llvm::json::Object out = outcome_json(k_status_names, module.status, module.result.srcversion, module.reason);
  out["module"] = module.module;
  out["module_file"] = module.module_file;
  add_result_json(out, module.result);
  return out;
}

} // namespace

namespace {

// The options of `command`, --era and --kernel-version read (usage errors).
llvm::Expected<FromBuildOptions> from_build_options(const FromBuildCommand& command) {
  FromBuildOptions options;
  if (!command.era.empty()) {
    auto era = sumversion::parse_era(command.era);
    if (!era) return era.takeError();
    options.era = *era;
  }
  if (!command.kernel_version.empty()) {
    auto version = parse_kernel_version(command.kernel_version);
    if (!version) return version.takeError();
    options.kernel_version = *version;
  }
  if (!command.kernel.empty()) options.kernel = command.kernel;
  options.all_versions = command.all_versions;
  options.keep_hash_input = !command.dump_hash_input.empty();
  return options;
}

} // namespace

int run_from_build(const FromBuildCommand& command) {
  auto options = from_build_options(command);
  if (!options) {
    print_diagnostic(take_error(options.takeError()).message);
    return exit_usage;
  }
  auto report = compute_from_build(command.build_dir, *options);
  if (!report) return report_error(report.takeError());
  const std::string era = report->era ? sumversion::era_name(*report->era) : "unknown";
  SRCVER_LOG("era {} from {}; modpost directory {}", era, report->era_source, report->modpost_dir);

  int status = exit_ok;
  for (const auto& module : report->modules) {
    if (module.status != Status::ok) {
      status = exit_cannot_predict;
      print_diagnostic(module.module + ": " + module.reason);
    }
    for (const auto& h : module.result.hashed) {
      SRCVER_LOG("{}: hashed {} ({} bytes)", module.module, h.path, h.hashed_bytes);
    }
  }

  if (!command.dump_hash_input.empty()) {
    std::ofstream dump(command.dump_hash_input, std::ios::binary);
    for (const auto& module : report->modules)
      dump << module.result.hash_input;
    if (!dump) {
      print_diagnostic("cannot write " + command.dump_hash_input);
      return exit_usage;
    }
  }

  if (command.json) {
    llvm::json::Array modules;
    for (const auto& module : report->modules)
      modules.push_back(module_json(module));
    llvm::json::Object root{{"build_dir", report->build_dir},
                            {"modpost_dir", report->modpost_dir},
                            {"era", era},
                            {"era_source", report->era_source},
                            {"modules", std::move(modules)}};
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  } else {
    for (const auto& module : report->modules) {
      llvm::outs() << printable(module.module) << ' '
                   << (module.status == Status::ok ? module.result.srcversion : std::string("-")) << '\n';
    }
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
