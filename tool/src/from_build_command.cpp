#include <srcver/sumversion/error.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/log.hpp>

#include <fmt/core.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <fstream>

namespace srcver::tool {
namespace {

using Outcome = sumversion::SrcversionResult::Outcome;

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
  case Outcome::ok: return "ok";
  case Outcome::no_srcversion: return "no-srcversion";
  case Outcome::modpost_fails: return "modpost-fails";
  }
  return "?";
}

int exit_for(ErrorCategory category) {
  return category == ErrorCategory::cannot_predict ? exit_cannot_predict : exit_usage;
}

llvm::json::Value module_json(const BuiltModule& module) {
  const auto& r = module.result;
  llvm::json::Array objects;
  for (const auto& o : r.objects)
    objects.push_back(o);
  llvm::json::Array hashed;
  for (const auto& h : r.hashed) {
    hashed.push_back(llvm::json::Object{{"object", h.object},
                                        {"path", h.path},
                                        {"role", h.role == sumversion::CmdFileWalk::Role::source ? "source" : "dep"},
                                        {"hashed_bytes", static_cast<int64_t>(h.hashed_bytes)}});
  }
  llvm::json::Object out{{"module", module.module},
                         {"status", outcome_name(r.outcome)},
                         {"mod_file", r.mod_file},
                         {"objects", std::move(objects)},
                         {"hashed_files", std::move(hashed)}};
  out["srcversion"] = r.outcome == Outcome::ok ? llvm::json::Value(r.srcversion) : llvm::json::Value(nullptr);
  if (r.outcome != Outcome::ok) out["reason"] = r.reason;
  return out;
}

} // namespace

int run_from_build(const FromBuildCommand& command) {
  FromBuildOptions options = command.options;
  options.keep_hash_input = !command.dump_hash_input.empty();
  auto report = compute_from_build(command.build_dir, options);
  if (!report) {
    const ErrorReport error = take_error(report.takeError());
    fmt::print(stderr, "srcversion-predict: {}\n", error.message);
    return exit_for(error.category);
  }
  SRCVER_LOG("era {} from {}; modpost directory {}", sumversion::era_name(report->era), report->era_source,
             report->modpost_dir);

  int status = exit_ok;
  for (const auto& module : report->modules) {
    if (module.result.outcome != Outcome::ok) {
      status = exit_cannot_predict;
      fmt::print(stderr, "srcversion-predict: {}: {}\n", module.module, module.result.reason);
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
      fmt::print(stderr, "srcversion-predict: cannot write {}\n", command.dump_hash_input);
      return exit_usage;
    }
  }

  if (command.json) {
    llvm::json::Array modules;
    for (const auto& module : report->modules)
      modules.push_back(module_json(module));
    llvm::json::Object root{{"build_dir", report->build_dir},
                            {"modpost_dir", report->modpost_dir},
                            {"era", sumversion::era_name(report->era)},
                            {"era_source", report->era_source},
                            {"modules", std::move(modules)}};
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  } else {
    for (const auto& module : report->modules) {
      llvm::outs() << module.module << ' '
                   << (module.result.outcome == Outcome::ok ? module.result.srcversion : std::string("-")) << '\n';
    }
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
