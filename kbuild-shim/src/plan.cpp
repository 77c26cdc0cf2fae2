#include <srcver/base/error.hpp>
#include <srcver/base/module_file_names.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/base/shell_words.hpp>
#include <srcver/kbuild_shim/list_commands.hpp>
#include <srcver/kbuild_shim/plan.hpp>

#include <llvm/ADT/StringRef.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

namespace fs = std::filesystem;

namespace srcver::kbuild_shim {
namespace {

// The recipe hooks, redefined on make's command line (so that they reach every recursive make): instead of running
// a command and writing its .cmd file, print the target, the first prerequisite and the command, shell-quoted.
const char* const k_compile_hook = "cmd_and_fixdep=: SRCVER-O '$@' '$<' '$(call escsq,$(cmd_$(1)))'";
const char* const k_savecmd_hook = "cmd_and_savecmd=: SRCVER-S '$@' '$(call escsq,$(cmd_$(1)))'";

struct Record {
  std::string target;
  std::string source;  // compile records only
  std::string command; // as the shell would receive it
};

// Build artifacts are not copied to the scratch directory: Kbuild recreates (or, with -n, only names) them.
bool is_artifact(const fs::path& p) {
  const std::string name = p.filename().string();
  const llvm::StringRef n(name);
  return n.ends_with(".o") || !base::module_suffix(name).empty() || n.ends_with(".mod") || n.ends_with(".mod.c") ||
         n == "modules.order" || n == "Module.symvers" ||
         (n.starts_with(".") && (n.ends_with(".cmd") || n.ends_with(".d")));
}

} // namespace

std::string strip_module_suffix(std::string_view entry) {
  const llvm::StringRef e(entry.data(), entry.size());
  if (e.ends_with(".ko")) return e.drop_back(3).str();
  if (e.ends_with(".o")) return e.drop_back(2).str();
  return e.str();
}

llvm::Error copy_sources(const std::string& from_str, const std::string& to_str) {
  const fs::path from(from_str);
  const fs::path to(to_str);
  std::error_code ec;
  fs::create_directories(to, ec);
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path rel = it->path().lexically_relative(from);
    const fs::path dest = to / rel;
    const fs::file_status status = it->symlink_status(ec);
    if (ec) {
      // reported below
    } else if (fs::is_symlink(status)) {
      fs::copy_symlink(it->path(), dest, ec);
    } else if (fs::is_directory(status)) {
      fs::create_directories(dest, ec);
    } else if (!is_artifact(it->path())) {
      fs::copy_file(it->path(), dest, ec);
    }
    if (ec) return make_error(ErrorCategory::io, "cannot copy: " + ec.message(), it->path().string());
  }
  if (ec) return make_error(ErrorCategory::io, "cannot read: " + ec.message(), from.string());
  return llvm::Error::success();
}

namespace {

fs::path absolute_in(const fs::path& dir, const std::string& path) {
  return (fs::path(path).is_absolute() ? fs::path(path) : dir / path).lexically_normal();
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

// The module directory the caller names, canonical: a directory with a Kbuild file or a makefile (input error else).
llvm::Expected<fs::path> checked_module_dir(const std::string& module_dir_arg) {
  std::error_code ec;
  const fs::path module_dir = fs::canonical(module_dir_arg, ec);
  if (ec || !fs::is_directory(module_dir, ec) || ec) {
    return make_error(ErrorCategory::input, "not a directory", module_dir_arg);
  }
  for (const char* name : {"Kbuild", "Makefile", "makefile"}) {
    if (fs::exists(module_dir / name, ec)) return module_dir;
    if (ec) return make_error(ErrorCategory::input, "cannot read: " + ec.message(), module_dir.string());
  }
  return make_error(ErrorCategory::input, "no Kbuild or Makefile", module_dir.string());
}

// One module directory's Kbuild run: where make runs, with what, and how its paths are said of the module directory.
struct KbuildRun {
  fs::path module_dir;           // the caller's, canonical
  fs::path work;                 // make's copy of it (module_dir itself when it already is a copy)
  fs::path make_dir;             // make's working directory
  std::vector<std::string> env;  // make's environment
  std::vector<std::string> argv; // make's command line
  std::chrono::milliseconds timeout;

  // A path or text of the copy, said of the module directory.
  std::string back(const std::string& text) const { return replace_all(text, work.string(), module_dir.string()); }
};

// The profile's top-level make, turned into a make on `work`: PWD is not the profile's (that of whoever captured it)
// but the real build's caller's directory; the hooks and the caller's make arguments added.
KbuildRun kbuild_run(const fs::path& module_dir, const fs::path& work, const KernelProfile& profile,
                     const PlanOptions& options) {
  KbuildRun run{module_dir, work, {}, {}, {}, options.timeout};
  const std::string work_str = work.string();
  for (const auto& e : profile.env) {
    if (e.rfind("PWD=", 0) == 0 || e.rfind("OLDPWD=", 0) == 0) continue;
    run.env.push_back(replace_all(e, k_module_dir_placeholder, work_str));
  }
  std::error_code ec;
  const bool pwd_is_module_dir = options.pwd.empty() || fs::equivalent(options.pwd, module_dir, ec);
  run.env.push_back("PWD=" + (pwd_is_module_dir ? work_str : options.pwd));
  for (const auto& a : profile.argv)
    run.argv.push_back(replace_all(a, k_module_dir_placeholder, work_str));
  run.make_dir = replace_all(profile.cwd, k_module_dir_placeholder, work_str);
  run.argv.insert(run.argv.end(), {"-n", "-B", k_compile_hook, k_savecmd_hook});
  run.argv.insert(run.argv.end(), options.make_args.begin(), options.make_args.end());
  return run;
}

// What the hooks printed, in make's order (prerequisites first).
struct Hooks {
  std::map<std::string, Record> compiles; // by absolute object path
  std::vector<Record> saved;
};

// Runs make, dry, and reads the hooks it prints. cannot_predict when make fails or times out.
llvm::Expected<Hooks> run_kbuild(const KbuildRun& run) {
  auto made = base::run_process(run.argv, run.env, run.make_dir.string(), run.timeout);
  if (!made) return made.takeError();
  if (made->timed_out)
    return base::timed_out_error("Kbuild (make on the module's makefiles)", run.timeout, run.module_dir.string());
  if (made->exit_status != 0) {
    return make_error(ErrorCategory::cannot_predict,
                      "Kbuild cannot evaluate this module (make exit " + std::to_string(made->exit_status) +
                          "): " + run.back(made->err.substr(0, 4000)),
                      run.module_dir.string());
  }
  Hooks hooks;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  llvm::StringRef(made->out).split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    if (line.starts_with(": SRCVER-O ")) {
      auto words = base::shell_split(line.drop_front(11).str());
      if (words.size() != 3) continue;
      hooks.compiles[absolute_in(run.make_dir, words[0]).string()] = Record{words[0], words[1], words[2]};
    } else if (line.starts_with(": SRCVER-S ")) {
      auto words = base::shell_split(line.drop_front(11).str());
      if (words.size() == 2) hooks.saved.push_back(Record{words[0], {}, words[1]});
    }
  }
  return hooks;
}

// Kbuild's own .mod and modules.order writers among the saved commands, in make's order. cannot_predict when one
// would write outside the copy.
llvm::Expected<std::vector<const Record*>> kbuild_writers(const Hooks& hooks, const KbuildRun& run) {
  std::vector<const Record*> writers;
  for (const Record& r : hooks.saved) {
    const llvm::StringRef target(r.target);
    if (!target.ends_with(".mod") && !target.ends_with("modules.order")) continue;
    const fs::path out = absolute_in(run.make_dir, r.target);
    if (out.string().rfind(run.work.string() + "/", 0) != 0) {
      return make_error(ErrorCategory::cannot_predict,
                        "Kbuild would write " + out.string() + " outside the module directory",
                        run.module_dir.string());
    }
    writers.push_back(&r);
  }
  return writers;
}

// The writers evaluated directly (absolute path -> content), or nothing when one is not a known Kbuild pipeline.
std::optional<std::map<std::string, std::string>> evaluate_writers(const std::vector<const Record*>& writers,
                                                                   const fs::path& make_dir) {
  std::map<std::string, std::string> written;
  for (const Record* r : writers) {
    auto list = evaluate_list_command(r->command, [&](const std::string& path) -> std::optional<std::string> {
      auto it = written.find(absolute_in(make_dir, path).string());
      if (it == written.end()) return std::nullopt;
      return it->second;
    });
    if (!list || absolute_in(make_dir, list->target) != absolute_in(make_dir, r->target)) return std::nullopt;
    written[absolute_in(make_dir, list->target).string()] = list->content;
  }
  return written;
}

// The writers run by the shell, all of them in one shell. cannot_predict when they fail or time out.
llvm::Error run_writers(const std::vector<const Record*>& writers, const KbuildRun& run) {
  std::string script = "set -e\n";
  for (const Record* r : writers)
    script += r->command + "\n";
  auto ran = base::run_process({"sh", "-c", script}, run.env, run.make_dir.string(), run.timeout);
  if (!ran) return ran.takeError();
  if (ran->timed_out)
    return base::timed_out_error("Kbuild's .mod/modules.order commands", run.timeout, run.module_dir.string());
  if (ran->exit_status != 0) {
    return make_error(ErrorCategory::cannot_predict,
                      "Kbuild's .mod/modules.order commands failed: " + run.back(ran->err), run.module_dir.string());
  }
  return llvm::Error::success();
}

// Kbuild's own .mod and modules.order writers, in make's order, in the copy only: evaluated directly when they are
// Kbuild's known pipelines, else run by the shell.
llvm::Error write_module_lists(const Hooks& hooks, const KbuildRun& run) {
  auto writers = kbuild_writers(hooks, run);
  if (!writers) return writers.takeError();
  const auto written = evaluate_writers(*writers, run.make_dir);
  if (!written) return run_writers(*writers, run);
  for (const auto& [path, content] : *written) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) return make_error(ErrorCategory::io, "cannot write", path);
  }
  return llvm::Error::success();
}

// A modules.order entry's module: its .mod file's lines, and each object's compile rule. cannot_predict for an
// object without one.
llvm::Expected<PlannedModule> planned_module(const std::string& entry, const Hooks& hooks, const KbuildRun& run) {
  const fs::path stem_path = absolute_in(run.make_dir, strip_module_suffix(entry));
  PlannedModule module;
  module.path = stem_path.lexically_relative(run.work).generic_string();
  module.name = stem_path.filename().string();
  const std::vector<std::string> mod_lines = read_lines(stem_path.string() + ".mod");
  for (const std::string& line : mod_lines)
    module.mod_entries.push_back(run.back(line));
  for (const std::string& line : mod_lines) {
    if (line.empty() || llvm::StringRef(line).ends_with(".a")) continue;
    auto it = hooks.compiles.find(absolute_in(run.make_dir, line).string());
    if (it == hooks.compiles.end()) {
      return make_error(ErrorCategory::cannot_predict,
                        "object " + run.back(line) + " of module " + module.path +
                            " has no compile rule (a prebuilt "
                            "or generated object)",
                        run.module_dir.string());
    }
    PlannedObject object;
    object.object = run.back(line);
    object.source = run.back(it->second.source);
    for (const std::string& word : base::shell_split(it->second.command, /*stop_at_separator=*/true)) {
      object.command.push_back(run.back(word));
    }
    module.objects.push_back(std::move(object));
  }
  return module;
}

// The plan: modules.order's modules, in its order. cannot_predict when Kbuild builds no module.
llvm::Expected<Plan> read_plan(const Hooks& hooks, const KbuildRun& run) {
  Plan plan;
  plan.module_dir = run.module_dir.string();
  plan.make_dir = run.back(run.make_dir.string());
  const fs::path order = run.work / "modules.order";
  std::error_code ec;
  if (!fs::exists(order, ec)) {
    if (ec) return make_error(ErrorCategory::io, "cannot read: " + ec.message(), order.string());
    return make_error(ErrorCategory::cannot_predict, "Kbuild builds no module here (no obj-m)",
                      run.module_dir.string());
  }
  for (const std::string& entry : read_lines(order)) {
    if (entry.empty()) continue;
    auto module = planned_module(entry, hooks, run);
    if (!module) return module.takeError();
    plan.modules.push_back(std::move(*module));
  }
  return plan;
}

} // namespace

llvm::Expected<Plan> plan_module_dir(const std::string& module_dir_arg, const KernelProfile& profile,
                                     const PlanOptions& options) {
  auto module_dir = checked_module_dir(module_dir_arg);
  if (!module_dir) return module_dir.takeError();

  // make runs on a copy (Kbuild's .mod and modules.order writers run there), unless the directory is already one.
  std::optional<base::ScratchDir> scratch;
  fs::path work = *module_dir;
  if (!options.already_a_copy) {
    auto made = base::ScratchDir::create("plan");
    if (!made) return made.takeError();
    scratch.emplace(std::move(*made));
    work = scratch->path() / module_dir->filename();
    if (llvm::Error err = copy_sources(module_dir->string(), work.string())) return err;
  }

  const KbuildRun run = kbuild_run(*module_dir, work, profile, options);
  auto hooks = run_kbuild(run);
  if (!hooks) return hooks.takeError();
  if (llvm::Error err = write_module_lists(*hooks, run)) return err;
  return read_plan(*hooks, run);
}

} // namespace srcver::kbuild_shim
