#include <srcver/base/cache_file.hpp>
#include <srcver/base/process.hpp>
#include <srcver/frontend/fixdep.hpp>
#include <srcver/frontend/plan_deps.hpp>

#include "work_queue.hpp"

#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <optional>

namespace srcver::frontend {

namespace {

// The define filter's kept names (a speed matter only: see DepScanner::set_define_filter), one per line; one file
// for every kernel, since their headers share most names, so that a kernel new to the cache starts with them.
std::string kept_defines_file(const std::string& cache_dir) {
  return cache_dir.empty() ? std::string() : cache_dir + "/kept-defines";
}

// A kernel's directive store (see directive_store.hpp), by its build directory.
std::string directive_store_file(const std::string& cache_dir, const std::string& build_dir) {
  return cache_dir.empty() ? std::string()
                           : cache_dir + "/directives/" + base::sha256_hex(build_dir).substr(0, 32) + ".store";
}

std::vector<std::string> read_names(const std::string& path) {
  std::vector<std::string> names;
  const auto read = base::read_checked(path); // missing or damaged (reported): none kept
  llvm::SmallVector<llvm::StringRef, 0> lines;
  llvm::StringRef(read.content).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (auto line : lines)
    names.push_back(line.str());
  return names;
}

// Merges `learned` into the names kept in `path`, with what other runs may have added meanwhile; a lost update costs
// time, never an answer.
void save_names(const std::string& path, const std::vector<std::string>& learned) {
  if (learned.empty()) return;
  std::vector<std::string> names = read_names(path);
  names.insert(names.end(), learned.begin(), learned.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string text;
  for (const auto& n : names)
    text += n + "\n";
  base::write_checked(path, text);
}

// Why no compile can be predicted in this environment, or "".
std::string unmodelled_environment(const std::vector<std::string>& env) {
  // gcc adds CPATH's directories to the bracket chain and C_INCLUDE_PATH's to the system chain, even with -nostdinc.
  std::string error;
  for (const char* var : {"CPATH", "C_INCLUDE_PATH"}) {
    if (!base::env_value(env, var).empty())
      error = std::string(var) + " is set: gcc would search its directories too, which the front end does not model";
  }
  return error;
}

// A compile as the scanner takes it: its command read, its gcc macros found, its module root decided.
llvm::Expected<ScanJob> scan_job(const CompileEntry& compile, GccMacros& macros, bool detect_version) {
  auto command = parse_compile_command(compile.command, compile.source);
  if (!command) return command.takeError();
  auto found = macros.for_command(*command, compile.cwd);
  if (!found) return found.takeError();
  std::string root = compile.module_root;
  if (root.empty()) { // the source's directory
    root = command->source[0] == '/' ? command->source : compile.cwd + "/" + command->source;
    root = root.substr(0, root.rfind('/'));
  }
  return ScanJob{std::move(*command), compile.cwd, std::move(root), *found, detect_version};
}

// A unit's outcome as its object's deps_ list: gcc's list through the kernel's fixdep, or why it cannot be known.
ObjectDeps object_deps(const FixdepRules& rules, ScanOutcome outcome) {
  ObjectDeps out;
  if (!outcome.error.empty()) {
    out.error = outcome.error;
    return out;
  }
  for (const auto& d : outcome.dependencies) {
    if (d.find_first_of(" \t\n\\$#:") != std::string::npos) {
      out.error = "the dependency '" + d +
                  "' has a character that gcc escapes in its dependency file and fixdep reads differently; not "
                  "modelled";
      break;
    }
  }
  out.has_version = outcome.has_version;
  if (out.error.empty()) out.deps = apply_fixdep(rules, std::move(outcome.dependencies));
  return out;
}

} // namespace

DepsService::DepsService(DepsOptions options) : m_options(std::move(options)), m_scanner(m_options.threads) {
  m_scanner.set_define_filter(m_options.filter_defines);
}

unsigned DepsService::compiler_runs() const {
  unsigned runs = 0;
  for (const auto& [env, macros] : m_macros)
    runs += macros->compiler_runs();
  return runs;
}

std::size_t DepsService::files_stored() const {
  std::size_t n = 0;
  for (const auto& [dir, store] : m_stores)
    n += store->added();
  return n;
}

llvm::Expected<std::vector<std::vector<ObjectDeps>>>
DepsService::deps_of(const std::vector<std::vector<CompileEntry>>& modules, const KernelBuild& kernel,
                     const std::vector<std::string>& env, bool detect_version) {
  std::vector<CompileEntry> compiles;
  for (const auto& module : modules)
    compiles.insert(compiles.end(), module.begin(), module.end());
  auto flat = deps_of(compiles, kernel, env, detect_version);
  if (!flat) return flat.takeError();
  std::vector<std::vector<ObjectDeps>> result;
  std::size_t next = 0;
  for (const auto& module : modules) {
    result.emplace_back();
    for (std::size_t o = 0; o < module.size(); ++o)
      result.back().push_back(std::move((*flat)[next++]));
  }
  return result;
}

llvm::Expected<std::vector<ObjectDeps>> DepsService::deps_of(const std::vector<CompileEntry>& compiles,
                                                             const KernelBuild& kernel,
                                                             const std::vector<std::string>& env, bool detect_version) {
  auto rules = learn_fixdep_rules(kernel.build_dir, m_options.cache_dir);
  if (!rules) return rules.takeError();
  std::vector<ObjectDeps> result(compiles.size());
  std::vector<std::size_t> where; // job -> compile
  const std::vector<ScanJob> jobs = prepare(compiles, env, detect_version, result, where);
  auto outcomes = scan(jobs, kernel.build_dir);
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    ++m_units;
    m_unit_runs += outcomes[j].runs;
    result[where[j]] = object_deps(*rules, std::move(outcomes[j]));
  }
  return result;
}

std::vector<ScanJob> DepsService::prepare(const std::vector<CompileEntry>& compiles,
                                          const std::vector<std::string>& env, bool detect_version,
                                          std::vector<ObjectDeps>& result, std::vector<std::size_t>& where) {
  const std::string env_error = unmodelled_environment(env);
  auto& macros = m_macros[env];
  if (!macros) macros = std::make_unique<GccMacros>(m_options.cache_dir, env);
  // Each compile read and its gcc macros found, on the scanner's threads (the macros' cache serialises what it must).
  std::vector<std::optional<ScanJob>> prepared(compiles.size());
  WorkQueue queue(compiles.size());
  run_on_threads(std::min<std::size_t>(m_scanner.threads(), compiles.size()), [&] {
    while (const auto i = queue.next()) {
      if (!env_error.empty()) {
        result[*i].error = env_error;
        continue;
      }
      auto job = scan_job(compiles[*i], *macros, detect_version);
      if (!job) {
        result[*i].error = llvm::toString(job.takeError());
        continue;
      }
      prepared[*i] = std::move(*job);
    }
  });
  std::vector<ScanJob> jobs;
  for (std::size_t i = 0; i < compiles.size(); ++i) {
    if (!prepared[i]) continue;
    jobs.push_back(std::move(*prepared[i]));
    where.push_back(i);
  }
  return jobs;
}

std::vector<ScanOutcome> DepsService::scan(const std::vector<ScanJob>& jobs, const std::string& build_dir) {
  const std::string kept_file = m_options.filter_defines ? kept_defines_file(m_options.cache_dir) : "";
  if (!kept_file.empty()) m_scanner.keep_defines(read_names(kept_file));
  auto& store = m_stores[build_dir];
  if (!store) store = std::make_unique<DirectiveStore>(directive_store_file(m_options.cache_dir, build_dir));
  auto outcomes = m_scanner.scan(jobs, store.get());
  store->save();
  if (!kept_file.empty()) save_names(kept_file, m_scanner.learned_defines());
  return outcomes;
}

} // namespace srcver::frontend
