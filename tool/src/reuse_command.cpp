// `srcversion-predict reuse <module-dir> <kernel> [<ko-or-dir>...]`: per module, a built module that a build for the
// kernel would reproduce, or "build" and the first difference (docs/reuse.md). Evidence, in order: the prediction is
// certain; a record of what the binary was compiled from (the module store's, found by the binary's SHA-256 for a
// file given, by the inputs' key otherwise); every compile, input file, program, kernel-wide file and symbol of that
// record the same for this kernel; the binary's srcversion equal to the prediction; its vermagic loadable.

#include "build_record.hpp"
#include "module_store.hpp"
#include "module_targets.hpp"
#include "predict.hpp"

#include <srcver/base/cache_file.hpp>
#include <srcver/base/process.hpp>
#include <srcver/kbuild_shim/kernel.hpp>
#include <srcver/sumversion/mod_file.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/outcome.hpp>

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace srcver::tool {
namespace {

struct Decision {
  enum class Kind { reuse, build, cannot_predict };
  std::string module;
  Kind kind = Kind::build;
  std::string file; // the module file to use (reuse), or the one that was refused
  std::string reason;
  std::string predicted; // the prediction's srcversion ("" = none)
  std::string bytes;     // the module file's content, checked (reuse from the store)
};

const char* kind_name(Decision::Kind kind) {
  switch (kind) {
  case Decision::Kind::reuse: return "reuse";
  case Decision::Kind::build: return "build";
  case Decision::Kind::cannot_predict: return "cannot-predict";
  }
  return "build";
}

// What one module's build for the target kernel would compile, as the record's comparison needs it.
struct Target {
  const Prediction* prediction;
  InputsCollector* collector;
  std::vector<InputsCollector::Object> objects;
};

std::vector<InputsCollector::Object> target_objects(const Prediction& prediction, const PredictedModule& module) {
  std::vector<InputsCollector::Object> objects;
  for (const auto& c : module.compiles) {
    InputsCollector::Object o;
    const std::string rel = fs::path(c.object).lexically_relative(prediction.module_dir).string();
    const bool absolute = !c.object.empty() && c.object[0] == '/';
    o.name = absolute && !rel.empty() && rel.rfind("..", 0) != 0 ? rel : c.object;
    o.command = c.command;
    o.source = c.source;
    o.deps = c.deps;
    objects.push_back(std::move(o));
  }
  return objects;
}

// Why `record` is not what a build of `module` for the target would produce ("" when it is).
std::string refuse(const BuildRecord& record, const PredictedModule& module, Target& target) {
  for (const auto& entry : module.result.objects) {
    if (sumversion::is_static_library(entry))
      return "it links " + entry + ", whose objects a record does not cover yet";
  }
  std::vector<std::string> symbols;
  for (const auto& s : record.inputs.symbols)
    symbols.push_back(s.name);
  auto inputs = target.collector->collect(module.path, target.prediction->make_dir, target.objects, symbols,
                                          target.prediction->module_dir);
  if (!inputs) return take_error(inputs.takeError()).message;
  if (auto d = first_difference(record.inputs, *inputs); !d.empty()) return d;
  const std::string& predicted = module.result.srcversion;
  if (!record.srcversion.empty() && record.srcversion != predicted) {
    return "its srcversion " + record.srcversion + " is not the prediction " + predicted;
  }
  if (record.srcversion.empty() && module.status == PredictedModule::Status::ok) {
    return "a build would carry srcversion " + predicted + "; the module file carries none";
  }
  const std::string built_for = record.vermagic.substr(0, record.vermagic.find(' '));
  if (built_for != target.prediction->release && !target.collector->modversions()) {
    return "its vermagic names " + built_for + ", and " + target.prediction->release +
           " has no CONFIG_MODVERSIONS: its loader compares the release too";
  }
  return {};
}

std::string sha256_of_file(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  return buffer ? base::sha256_hex((*buffer)->getBuffer().str()) : std::string();
}

// The files given for `module`: each needs a record in the store (found by its SHA-256) that passes.
Decision decide_files(const PredictedModule& module, const std::vector<std::string>& files, Target& target,
                      ModuleStore& store) {
  Decision d{module.path, Decision::Kind::build, "", "", module.result.srcversion, ""};
  const std::string name = fs::path(module.path).filename().string();
  for (const auto& file : files) {
    auto entry = store.find_binary(name, sha256_of_file(file));
    std::string why = entry ? refuse(entry->record, module, target)
                            : "no record of what " + file + " was compiled from in the module store " + store.dir();
    if (why.empty()) return {module.path, Decision::Kind::reuse, file, "", module.result.srcversion, entry->binary};
    if (d.reason.empty()) {
      d.file = file;
      d.reason = why;
    }
  }
  if (files.empty()) d.reason = "no module file of this name was given";
  return d;
}

// The module store alone: the entry whose inputs' key is the target's.
Decision decide_store(const PredictedModule& module, Target& target, ModuleStore& store) {
  Decision d{module.path, Decision::Kind::build, "", "", module.result.srcversion, ""};
  auto inputs = target.collector->collect(module.path, target.prediction->make_dir, target.objects, {},
                                          target.prediction->module_dir);
  if (!inputs) {
    d.reason = take_error(inputs.takeError()).message;
    return d;
  }
  const std::string name = fs::path(module.path).filename().string();
  const std::string key = inputs->key();
  std::string dropped;
  auto entry = store.find(name, key, &dropped);
  if (!entry) {
    d.reason = dropped.empty() ? "no build with these inputs in the module store " + store.dir()
                               : "the module store's entry was dropped: " + dropped;
    // Which input differs from the build recorded last (the store's newest record of the module).
    for (const auto& record : store.records_of(name)) {
      if (record.inputs.module != module.path) continue;
      if (auto why = first_difference(record.inputs, *inputs); !why.empty()) {
        d.reason += "; its latest build (" + record.vermagic.substr(0, record.vermagic.find(' ')) + ") differs: " + why;
      }
      break;
    }
    return d;
  }
  d.file = (fs::path(store.dir()) / name / key / "module.ko").string();
  d.reason = refuse(entry->record, module, target);
  if (d.reason.empty()) {
    d.kind = Decision::Kind::reuse;
    d.bytes = std::move(entry->binary);
  }
  return d;
}

void print(const std::vector<Decision>& decisions, const ReuseCommand& command, const Prediction& prediction,
           int status) {
  if (!command.json) {
    for (const auto& d : decisions) {
      llvm::outs() << d.module << " " << kind_name(d.kind) << " "
                   << (d.kind == Decision::Kind::reuse ? d.file : d.reason) << "\n";
    }
    return;
  }
  llvm::json::Array out;
  auto or_null = [](const std::string& s) { return s.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(s); };
  for (const auto& d : decisions) {
    out.push_back(llvm::json::Object{{"module", d.module},
                                     {"decision", kind_name(d.kind)},
                                     {"file", or_null(d.file)},
                                     {"predicted", or_null(d.predicted)},
                                     {"reason", or_null(d.reason)}});
  }
  llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{{"kernel", prediction.release},
                                                                              {"module_dir", command.module_dir},
                                                                              {"policy", "inputs"},
                                                                              {"modules", std::move(out)},
                                                                              {"exit_status", status}}))
               << "\n";
}

// --place: every module's file written where the build would leave it (<module-dir>/<module>.ko), each through a
// temporary file renamed into place; a file already there is never replaced (then nothing is placed: build).
// All or nothing: a module that is not reusable leaves the directory untouched.
int place_all(std::vector<Decision>& decisions, const std::string& module_dir) {
  for (const auto& d : decisions) {
    if (d.kind != Decision::Kind::reuse) return exit_differs;
  }
  std::error_code ec;
  for (auto& d : decisions) {
    const fs::path dest = fs::path(module_dir) / (d.module + ".ko");
    if (fs::exists(dest, ec) || !fs::is_directory(dest.parent_path(), ec)) {
      d.kind = Decision::Kind::build;
      d.reason = dest.string() +
                 (fs::exists(dest, ec) ? " exists already: it is not replaced" : ": its directory does not exist");
      return exit_differs;
    }
  }
  for (auto& d : decisions) {
    const fs::path dest = fs::path(module_dir) / (d.module + ".ko");
    const fs::path tmp = dest.string() + ".srcversion-predict.tmp";
    base::write_atomically(tmp, d.bytes);
    if (!fs::exists(tmp, ec) || (fs::rename(tmp, dest, ec), ec)) {
      fs::remove(tmp, ec);
      return report_error(make_error(ErrorCategory::io, "cannot write the module file", dest.string()));
    }
    d.reason = "placed at " + dest.string();
  }
  return exit_ok;
}

} // namespace

int run_reuse(const ReuseCommand& command) {
  const Targets targets = collect_targets(command.targets);
  if (!targets.error.empty()) return report_error(make_error(ErrorCategory::input, targets.error));
  PredictOptions options = command.options;
  options.keep_compiles = true;
  auto prediction = predict_directory(command.module_dir, command.kernel, options);
  if (!prediction) return report_prediction_error(prediction.takeError());
  auto kernel = kbuild_shim::resolve_kernel(prediction->build_dir);
  if (!kernel) return report_error(kernel.takeError());
  InputsCollector collector(*kernel, base::current_environment());
  ModuleStore store(command.store.dir, command.store.max_bytes);
  std::vector<bool> used(targets.files.size(), false);
  std::vector<Decision> decisions;
  int status = exit_ok;
  for (const auto& module : prediction->modules) {
    Decision d;
    if (module.status == PredictedModule::Status::cannot_predict ||
        module.status == PredictedModule::Status::no_srcversion) {
      d = {module.path, Decision::Kind::cannot_predict, "", module.reason, "", ""};
      status = worse_status(status, exit_cannot_predict);
    } else {
      Target target{&*prediction, &collector, target_objects(*prediction, module)};
      d = command.targets.empty() ? decide_store(module, target, store)
                                  : decide_files(module, files_for(module, targets, used), target, store);
      if (d.kind != Decision::Kind::reuse) status = worse_status(status, exit_differs);
    }
    decisions.push_back(std::move(d));
  }
  if (command.place && status == exit_ok) status = place_all(decisions, prediction->module_dir);
  print(decisions, command, *prediction, status);
  return status;
}

} // namespace srcver::tool
