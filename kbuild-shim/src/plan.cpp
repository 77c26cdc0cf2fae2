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
    if (it->is_symlink()) {
      fs::copy_symlink(it->path(), dest, ec);
    } else if (it->is_directory()) {
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

} // namespace

llvm::Expected<Plan> plan_module_dir(const std::string& module_dir_arg, const KernelProfile& profile,
                                     const PlanOptions& options) {
  std::error_code ec;
  const fs::path module_dir = fs::canonical(module_dir_arg, ec);
  if (ec || !fs::is_directory(module_dir)) return make_error(ErrorCategory::input, "not a directory", module_dir_arg);
  if (!fs::exists(module_dir / "Kbuild") && !fs::exists(module_dir / "Makefile") &&
      !fs::exists(module_dir / "makefile")) {
    return make_error(ErrorCategory::input, "no Kbuild or Makefile", module_dir.string());
  }

  // make runs on a copy (Kbuild's .mod and modules.order writers run there), unless the directory is already one.
  std::optional<base::ScratchDir> scratch;
  fs::path work = module_dir;
  if (!options.already_a_copy) {
    auto made = base::ScratchDir::create("plan");
    if (!made) return made.takeError();
    scratch.emplace(std::move(*made));
    work = scratch->path() / module_dir.filename();
    if (llvm::Error err = copy_sources(module_dir.string(), work.string())) return err;
  }
  const std::string work_str = work.string();

  // PWD is not the profile's (that of whoever captured it) but the real build's caller's directory.
  std::vector<std::string> env;
  for (const auto& e : profile.env) {
    if (e.rfind("PWD=", 0) == 0 || e.rfind("OLDPWD=", 0) == 0) continue;
    env.push_back(replace_all(e, k_module_dir_placeholder, work_str));
  }
  const bool pwd_is_module_dir = options.pwd.empty() || fs::equivalent(options.pwd, module_dir, ec);
  env.push_back("PWD=" + (pwd_is_module_dir ? work_str : options.pwd));
  std::vector<std::string> argv;
  for (const auto& a : profile.argv)
    argv.push_back(replace_all(a, k_module_dir_placeholder, work_str));
  const fs::path make_dir = replace_all(profile.cwd, k_module_dir_placeholder, work_str);
  argv.insert(argv.end(), {"-n", "-B", k_compile_hook, k_savecmd_hook});
  argv.insert(argv.end(), options.make_args.begin(), options.make_args.end());

  auto run = base::run_process(argv, env, make_dir.string(), options.timeout);
  if (!run) return run.takeError();
  if (run->timed_out)
    return base::timed_out_error("Kbuild (make on the module's makefiles)", options.timeout, module_dir.string());
  if (run->exit_status != 0) {
    return make_error(ErrorCategory::cannot_predict,
                      "Kbuild cannot evaluate this module (make exit " + std::to_string(run->exit_status) +
                          "): " + replace_all(run->err.substr(0, 4000), work_str, module_dir.string()),
                      module_dir.string());
  }

  // The printed hooks, in make's order (prerequisites first).
  std::map<std::string, Record> compiles; // by absolute object path
  std::vector<Record> saved;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  llvm::StringRef(run->out).split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    if (line.starts_with(": SRCVER-O ")) {
      auto words = base::shell_split(line.drop_front(11).str());
      if (words.size() != 3) continue;
      compiles[absolute_in(make_dir, words[0]).string()] = Record{words[0], words[1], words[2]};
    } else if (line.starts_with(": SRCVER-S ")) {
      auto words = base::shell_split(line.drop_front(11).str());
      if (words.size() == 2) saved.push_back(Record{words[0], {}, words[1]});
    }
  }

  // Kbuild's own .mod and modules.order writers, in make's order, in the scratch copy only: evaluated directly when
  // they are Kbuild's known pipelines, else run by the shell (all of them, in one shell).
  std::vector<const Record*> writers;
  for (const Record& r : saved) {
    const llvm::StringRef target(r.target);
    if (!target.ends_with(".mod") && !target.ends_with("modules.order")) continue;
    const fs::path out = absolute_in(make_dir, r.target);
    if (out.string().rfind(work_str + "/", 0) != 0) {
      return make_error(ErrorCategory::cannot_predict,
                        "Kbuild would write " + out.string() + " outside the module directory", module_dir.string());
    }
    writers.push_back(&r);
  }
  std::map<std::string, std::string> written; // absolute path -> content
  bool evaluated = true;
  for (const Record* r : writers) {
    auto list = evaluate_list_command(r->command, [&](const std::string& path) -> std::optional<std::string> {
      auto it = written.find(absolute_in(make_dir, path).string());
      if (it == written.end()) return std::nullopt;
      return it->second;
    });
    if (!list || absolute_in(make_dir, list->target) != absolute_in(make_dir, r->target)) {
      evaluated = false;
      break;
    }
    written[absolute_in(make_dir, list->target).string()] = list->content;
  }
  if (evaluated) {
    for (const auto& [path, content] : written) {
      std::ofstream out(path, std::ios::binary);
      out << content;
      if (!out) return make_error(ErrorCategory::io, "cannot write", path);
    }
  } else {
    std::string script = "set -e\n";
    for (const Record* r : writers)
      script += r->command + "\n";
    auto ran = base::run_process({"sh", "-c", script}, env, make_dir.string(), options.timeout);
    if (!ran) return ran.takeError();
    if (ran->timed_out)
      return base::timed_out_error("Kbuild's .mod/modules.order commands", options.timeout, module_dir.string());
    if (ran->exit_status != 0) {
      return make_error(ErrorCategory::cannot_predict,
                        "Kbuild's .mod/modules.order commands failed: " +
                            replace_all(ran->err, work_str, module_dir.string()),
                        module_dir.string());
    }
  }

  Plan plan;
  plan.module_dir = module_dir.string();
  plan.make_dir = replace_all(make_dir.string(), work_str, module_dir.string());
  auto back = [&](const std::string& s) { return replace_all(s, work_str, module_dir.string()); };
  if (!fs::exists(work / "modules.order")) {
    return make_error(ErrorCategory::cannot_predict, "Kbuild builds no module here (no obj-m)", module_dir.string());
  }
  for (const std::string& entry : read_lines(work / "modules.order")) {
    if (entry.empty()) continue;
    const std::string stem = strip_module_suffix(entry);
    const fs::path stem_path = absolute_in(make_dir, stem);
    PlannedModule module;
    module.path = stem_path.lexically_relative(work).generic_string();
    module.name = stem_path.filename().string();
    for (const std::string& line : read_lines(stem_path.string() + ".mod"))
      module.mod_entries.push_back(back(line));
    for (const std::string& line : read_lines(stem_path.string() + ".mod")) {
      if (line.empty() || llvm::StringRef(line).ends_with(".a")) continue;
      auto it = compiles.find(absolute_in(make_dir, line).string());
      if (it == compiles.end()) {
        return make_error(ErrorCategory::cannot_predict,
                          "object " + back(line) + " of module " + module.path +
                              " has no compile rule (a prebuilt "
                              "or generated object)",
                          module_dir.string());
      }
      PlannedObject object;
      object.object = back(line);
      object.source = back(it->second.source);
      for (const std::string& word : base::shell_split(it->second.command, /*stop_at_separator=*/true)) {
        object.command.push_back(back(word));
      }
      module.objects.push_back(std::move(object));
    }
    plan.modules.push_back(std::move(module));
  }
  return plan;
}

} // namespace srcver::kbuild_shim
