// `srcversion-predict reuse <module-dir> <kernel> [<ko-or-dir>...]`: per module, a built module that a build for the
// kernel would reproduce, or "build" and the first difference (docs/reuse.md). Evidence, in order: the prediction is
// certain; a record of what the binary was compiled from (the module store's, found by the binary's SHA-256 for a
// file given, by the inputs' key otherwise); every compile, input file, program, kernel-wide file and symbol of that
// record the same for this kernel; the binary's srcversion equal to the prediction; its vermagic loadable.

#include "build_record.hpp"
#include "installed_module.hpp"
#include "module_elf.hpp"
#include "module_store.hpp"
#include "module_targets.hpp"
#include "predict.hpp"

#include <srcver/base/cache_file.hpp>
#include <srcver/base/module_file_names.hpp>
#include <srcver/base/process.hpp>
#include <srcver/kbuild_shim/kernel.hpp>
#include <srcver/sumversion/mod_file.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>
#include <srcver/tool/outcome.hpp>

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

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
  // --policy=kabi: the symbols it needs that the target kernel does not export, with the CRC it holds for each: a
  // module of the same package reused with it must export them (resolve_package_symbols).
  std::vector<SymbolVersion> from_package;
};

const char* kind_name(Decision::Kind kind) {
  switch (kind) {
  case Decision::Kind::reuse: return "reuse";
  case Decision::Kind::build: return "build";
  case Decision::Kind::cannot_predict: return "cannot-predict";
  }
  return "build";
}

// The target kernel as --policy=kabi needs it besides its Module.symvers: a module built for it (found under
// /lib/modules/<release>, build/ and source/ left out, else in the module store), whose vermagic and ELF machine its
// loader accepts.
struct KabiTarget {
  bool modversions = false;
  std::string vermagic; // "" = no module built for the target was found
  std::string reference;
  std::uint16_t machine = 0;
};

KabiTarget kabi_target(const std::string& release, bool modversions, ModuleStore& store) {
  KabiTarget t;
  t.modversions = modversions;
  std::error_code ec;
  fs::recursive_directory_iterator it(fs::path("/lib/modules") / release, fs::directory_options::skip_permission_denied,
                                      ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it.depth() == 0 && (name == "build" || name == "source")) {
      it.disable_recursion_pending();
      continue;
    }
    if (base::module_suffix(name).empty() || !it->is_regular_file(ec)) continue;
    auto bytes = read_module_file(it->path().string());
    if (!bytes) {
      llvm::consumeError(bytes.takeError());
      continue;
    }
    auto info = parse_modinfo(*bytes, it->path().string());
    auto elf = ElfFile::parse(*bytes, it->path().string());
    if (!info || !elf) {
      if (!info) llvm::consumeError(info.takeError());
      if (!elf) llvm::consumeError(elf.takeError());
      continue;
    }
    const std::string vermagic = modinfo_value(*info, "vermagic");
    if (vermagic.substr(0, vermagic.find(' ')) != release) continue;
    t.vermagic = vermagic;
    t.reference = it->path().string();
    t.machine = elf->machine();
    return t;
  }
  if (auto entry = store.built_for(release)) {
    if (auto elf = ElfFile::parse(entry->binary, store.dir())) {
      t.vermagic = entry->record.vermagic;
      t.reference = "a build of " + entry->record.inputs.module + " in the module store " + store.dir();
      t.machine = elf->machine();
    } else {
      llvm::consumeError(elf.takeError());
    }
  }
  return t;
}

// What one module's build for the target kernel would compile, as the record's comparison needs it.
struct Target {
  const Prediction* prediction;
  InputsCollector* collector;
  std::vector<InputsCollector::Object> objects;
  ReusePolicy policy = ReusePolicy::inputs;
  const KabiTarget* kabi = nullptr; // with ReusePolicy::kabi
  // What the last refuse_abi that passed left to the package's own modules (Decision::from_package).
  std::vector<SymbolVersion> from_package = {};
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

// --policy=kabi: why the binary would not load, or not link the same, on the target: its architecture, its vermagic
// by the loader's rule (after the release word with CONFIG_MODVERSIONS, all of it without), and every symbol it needs
// exported by the target's Module.symvers with the CRC the binary holds for it ("" when all hold). A symbol the
// target does not export is left, with the CRC held, in `target.from_package`: another module of the package must
// export it (resolve_package_symbols).
std::string refuse_abi(const std::string& binary, const std::string& file, const BuildRecord& record, Target& target) {
  const KabiTarget& kt = *target.kabi;
  const std::string& release = target.prediction->release;
  if (kt.vermagic.empty()) {
    return "no module built for " + release + " is installed under /lib/modules/" + release +
           " or kept in the module store: the vermagic and architecture its loader accepts are unknown";
  }
  auto elf = ElfFile::parse(binary, file);
  if (!elf) return take_error(elf.takeError()).message;
  if (elf->machine() != kt.machine) {
    return "it is built for ELF machine " + std::to_string(elf->machine()) + ", " + release + "'s modules for " +
           std::to_string(kt.machine) + " (" + kt.reference + ")";
  }
  const auto rest = [&](const std::string& v) {
    return kt.modversions ? v.substr(std::min(v.find(' '), v.size())) : v;
  };
  if (rest(record.vermagic) != rest(kt.vermagic)) {
    return "its vermagic '" + record.vermagic + "' is not loadable where modules carry '" + kt.vermagic + "' (" +
           kt.reference + (kt.modversions ? ", compared after the release" : ", no CONFIG_MODVERSIONS") + ")";
  }
  auto versions = module_versions(*elf);
  if (!versions) return take_error(versions.takeError()).message;
  auto undefined = elf->undefined_symbols();
  if (!undefined) return take_error(undefined.takeError()).message;
  std::map<std::string, std::uint32_t> crcs;
  for (const auto& v : *versions)
    crcs[v.name] = v.crc;
  std::vector<std::string> needed = *undefined;
  for (const auto& v : *versions)
    needed.push_back(v.name);
  const auto& exported = target.collector->symvers();
  target.from_package.clear();
  std::sort(needed.begin(), needed.end());
  needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
  for (const auto& name : needed) {
    auto held = crcs.find(name);
    if (kt.modversions && held == crcs.end()) return "symbol " + name + ": the module file holds no CRC for it";
    auto it = exported.find(name);
    if (it == exported.end()) {
      target.from_package.push_back({name, kt.modversions ? held->second : 0});
      continue;
    }
    if (!kt.modversions) continue;
    const std::uint32_t crc = static_cast<std::uint32_t>(std::strtoul(it->second.c_str(), nullptr, 16));
    if (held->second != crc) {
      return "symbol " + name + ": CRC " + llvm::formatv("{0:x8}", held->second).str() + " in the module file, " +
             llvm::formatv("{0:x8}", crc).str() + " in " + release + "'s Module.symvers";
    }
  }
  return {};
}

// Why `record` (its module file `binary`, named `file`) is not what a build of `module` for the target would
// produce, by the target's policy ("" when it is).
std::string refuse(const BuildRecord& record, const std::string& binary, const std::string& file,
                   const PredictedModule& module, Target& target) {
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
  const bool kabi = target.policy == ReusePolicy::kabi;
  const std::string difference =
      kabi ? first_module_difference(record.inputs, *inputs, target.prediction->make_dir, target.prediction->module_dir)
           : first_difference(record.inputs, *inputs);
  if (!difference.empty()) return difference;
  const std::string& predicted = module.result.srcversion;
  if (!record.srcversion.empty() && record.srcversion != predicted) {
    return "its srcversion " + record.srcversion + " is not the prediction " + predicted;
  }
  if (record.srcversion.empty() && module.status == PredictedModule::Status::ok) {
    return "a build would carry srcversion " + predicted + "; the module file carries none";
  }
  if (kabi) return refuse_abi(binary, file, record, target);
  const std::string built_for = record.vermagic.substr(0, record.vermagic.find(' '));
  if (built_for != target.prediction->release && !target.collector->modversions()) {
    return "its vermagic names " + built_for + ", and " + target.prediction->release +
           " has no CONFIG_MODVERSIONS: its loader compares the release too";
  }
  return {};
}

// The store's entry of module `name` whose binary `bytes` (a module file given, decompressed) is: found by its
// SHA-256, or, for a file as DKMS installed it (stripped, signed: installed_module.hpp), among the module's records
// with the file's vermagic and srcversion. nullopt with `why` set when there is none.
std::optional<ModuleStore::Entry> entry_of_file(ModuleStore& store, const std::string& name, const std::string& bytes,
                                                const std::string& file, std::string& why) {
  if (auto entry = store.find_binary(name, base::sha256_hex(bytes))) return entry;
  why = "no record of what " + file + " was compiled from in the module store " + store.dir();
  auto info = parse_modinfo(bytes, file);
  if (!info) {
    why = take_error(info.takeError()).message;
    return std::nullopt;
  }
  const std::string vermagic = modinfo_value(*info, "vermagic");
  const std::string srcversion = modinfo_value(*info, "srcversion");
  for (const auto& record : store.records_of(name)) {
    if (record.vermagic != vermagic || record.srcversion != srcversion) continue;
    auto entry = store.find(name, record.inputs.key());
    if (!entry) continue;
    auto same = is_installed_form(bytes, entry->binary);
    if (!same) {
      why = take_error(same.takeError()).message;
      return std::nullopt;
    }
    if (*same) return entry;
  }
  return std::nullopt;
}

// The files given for `module`: each needs a record in the store (its binary the file, as built or as DKMS installed
// it) that passes.
Decision decide_files(const PredictedModule& module, const std::vector<std::string>& files, Target& target,
                      ModuleStore& store) {
  Decision d{module.path, Decision::Kind::build, "", "", module.result.srcversion, "", {}};
  const std::string name = fs::path(module.path).filename().string();
  for (const auto& file : files) {
    auto bytes = read_module_file(file); // a compressed module is found by what it holds
    std::string why;
    auto entry = bytes ? entry_of_file(store, name, *bytes, file, why) : std::nullopt;
    if (!bytes) why = take_error(bytes.takeError()).message;
    if (entry) why = refuse(entry->record, entry->binary, file, module, target);
    if (why.empty()) {
      return {module.path,   Decision::Kind::reuse, file, "", module.result.srcversion,
              entry->binary, target.from_package};
    }
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
  Decision d{module.path, Decision::Kind::build, "", "", module.result.srcversion, "", {}};
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
  d.reason = refuse(entry->record, entry->binary, d.file, module, target);
  if (d.reason.empty()) {
    d.kind = Decision::Kind::reuse;
    d.bytes = std::move(entry->binary);
    d.from_package = target.from_package;
  }
  return d;
}

// --policy=kabi: each reused module's symbols that the target kernel does not export must be exported, with the CRC
// it holds (when the kernel has CONFIG_MODVERSIONS), by another module of the package reused with it; otherwise it is
// built, and so, in turn, is every module that counted on its exports.
void resolve_package_symbols(std::vector<Decision>& decisions, bool modversions, const std::string& release) {
  std::vector<std::map<std::string, std::optional<std::uint32_t>>> exports(decisions.size());
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (decisions[i].kind != Decision::Kind::reuse) continue;
    auto elf = ElfFile::parse(decisions[i].bytes, decisions[i].file);
    auto list = elf ? elf->exported_symbols() : llvm::Expected<std::vector<ElfFile::Export>>(elf.takeError());
    if (!list) {
      llvm::consumeError(list.takeError()); // its exports unknown: no other module can count on them
      continue;
    }
    for (auto& e : *list)
      exports[i][e.name] = e.crc;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      Decision& d = decisions[i];
      if (d.kind != Decision::Kind::reuse) continue;
      for (const auto& needed : d.from_package) {
        bool found = false;
        for (std::size_t j = 0; j < decisions.size() && !found; ++j) {
          if (j == i || decisions[j].kind != Decision::Kind::reuse) continue;
          auto e = exports[j].find(needed.name);
          found = e != exports[j].end() && (!modversions || e->second == needed.crc);
        }
        if (found) continue;
        d.kind = Decision::Kind::build;
        d.reason = "symbol " + needed.name + ": " + release + " does not export it, and no module of this package " +
                   "reused with it exports it" +
                   (modversions ? " with CRC " + llvm::formatv("{0:x8}", needed.crc).str() : std::string());
        d.bytes.clear();
        changed = true;
        break;
      }
    }
  }
}

// --policy=kabi, the module store alone: the newest entry of the module that passes (the kernel's headers may differ,
// so no key finds it).
Decision decide_store_kabi(const PredictedModule& module, Target& target, ModuleStore& store) {
  Decision d{module.path, Decision::Kind::build, "", "", module.result.srcversion, "", {}};
  const std::string name = fs::path(module.path).filename().string();
  for (const auto& record : store.records_of(name)) {
    if (record.inputs.module != module.path) continue;
    const std::string key = record.inputs.key();
    std::string dropped;
    auto entry = store.find(name, key, &dropped);
    const std::string file = (fs::path(store.dir()) / name / key / "module.ko").string();
    const std::string why = entry ? refuse(entry->record, entry->binary, file, module, target)
                                  : "the module store's entry was dropped: " + dropped;
    if (why.empty()) {
      return {module.path,   Decision::Kind::reuse, file, "", module.result.srcversion,
              entry->binary, target.from_package};
    }
    if (d.reason.empty()) {
      d.file = file;
      d.reason = why;
    }
  }
  if (d.reason.empty()) d.reason = "no build of this module in the module store " + store.dir();
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
  llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                             {"kernel", prediction.release},
                                             {"module_dir", command.module_dir},
                                             {"policy", command.policy == ReusePolicy::kabi ? "kabi" : "inputs"},
                                             {"modules", std::move(out)},
                                             {"exit_status", status}}))
               << "\n";
}

// The temporary name --place writes `dest` under before linking it into place: ours by its name and the writer's pid.
std::string place_temp(const fs::path& dest, pid_t pid) {
  return dest.string() + ".srcversion-predict." + std::to_string(pid) + ".tmp";
}

// Removes what a killed --place left beside `dest`: a temporary of ours whose writer is gone.
void remove_stale_temps(const fs::path& dest) {
  std::error_code ec;
  const std::string prefix = dest.filename().string() + ".srcversion-predict.";
  for (const auto& entry : fs::directory_iterator(dest.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + 4 || name.substr(name.size() - 4) != ".tmp")
      continue;
    const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 4);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::strtol(digits.c_str(), nullptr, 10));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
  }
}

// --place: every module's file written where the build would leave it (<module-dir>/<module>.ko): written under a
// temporary name of ours, then hard-linked to its name, which fails rather than replace a file that is there (a
// concurrent run's, a build's); a file already there means nothing more is placed (build). All or nothing before
// the first write: a module that is not reusable leaves the directory untouched. A run killed half-way leaves whole
// files or none under the module's names; its temporary is removed by the next run.
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
    remove_stale_temps(dest);
    const std::string tmp = place_temp(dest, ::getpid());
    bool written = false;
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << d.bytes;
      written = static_cast<bool>(out.flush());
    }
    const int linked = written ? ::link(tmp.c_str(), dest.c_str()) : -1;
    const int link_errno = errno;
    fs::remove(tmp, ec);
    if (linked != 0 && written && link_errno == EEXIST) {
      d.kind = Decision::Kind::build;
      d.reason = dest.string() + " appeared meanwhile: it is not replaced";
      return exit_differs;
    }
    if (linked != 0) return report_error(make_error(ErrorCategory::io, "cannot write the module file", dest.string()));
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
  collector.set_kernel_flags(kernel_flag_words(prediction->profile_env));
  ModuleStore store(command.store.dir, command.store.max_bytes);
  KabiTarget kabi;
  if (command.policy == ReusePolicy::kabi) kabi = kabi_target(prediction->release, collector.modversions(), store);
  std::vector<bool> used(targets.files.size(), false);
  std::vector<Decision> decisions;
  int status = exit_ok;
  for (const auto& module : prediction->modules) {
    Decision d;
    if (module.status == PredictedModule::Status::cannot_predict ||
        module.status == PredictedModule::Status::no_srcversion) {
      d = {module.path, Decision::Kind::cannot_predict, "", module.reason, "", "", {}};
      status = worse_status(status, exit_cannot_predict);
    } else {
      Target target{&*prediction, &collector, target_objects(*prediction, module), command.policy, &kabi};
      if (!command.targets.empty())
        d = decide_files(module, files_for(module, targets, used), target, store);
      else if (command.policy == ReusePolicy::kabi)
        d = decide_store_kabi(module, target, store);
      else
        d = decide_store(module, target, store);
      if (d.kind != Decision::Kind::reuse) status = worse_status(status, exit_differs);
    }
    decisions.push_back(std::move(d));
  }
  if (command.policy == ReusePolicy::kabi) {
    resolve_package_symbols(decisions, collector.modversions(), prediction->release);
    for (const auto& d : decisions)
      if (d.kind == Decision::Kind::build) status = worse_status(status, exit_differs);
  }
  if (command.place && status == exit_ok) status = place_all(decisions, prediction->module_dir);
  print(decisions, command, *prediction, status);
  return status;
}

} // namespace srcver::tool
