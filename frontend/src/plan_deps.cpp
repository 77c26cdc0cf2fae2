#include <srcver/base/cache_file.hpp>
#include <srcver/base/process.hpp>
#include <srcver/frontend/fixdep.hpp>
#include <srcver/frontend/plan_deps.hpp>

#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

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

} // namespace

DepsService::DepsService(DepsOptions options)
    : m_options(std::move(options)), m_macros(m_options.cache_dir, m_options.env), m_scanner(m_options.threads) {
  m_scanner.set_define_filter(m_options.filter_defines);
}

std::size_t DepsService::files_stored() const {
  std::size_t n = 0;
  for (const auto& [dir, store] : m_stores)
    n += store->added();
  return n;
}

llvm::Expected<std::vector<std::vector<ObjectDeps>>>
DepsService::deps_of(const kbuild_shim::Plan& plan, const kbuild_shim::KernelBuild& kernel, bool detect_version) {
  std::vector<CompileEntry> compiles;
  for (const auto& module : plan.modules) {
    for (const auto& object : module.objects)
      compiles.push_back(CompileEntry{plan.make_dir, object.command, object.source, plan.module_dir});
  }
  auto flat = deps_of(compiles, kernel, detect_version);
  if (!flat) return flat.takeError();
  std::vector<std::vector<ObjectDeps>> result;
  std::size_t next = 0;
  for (const auto& module : plan.modules) {
    result.emplace_back();
    for (std::size_t o = 0; o < module.objects.size(); ++o)
      result.back().push_back(std::move((*flat)[next++]));
  }
  return result;
}

llvm::Expected<std::vector<ObjectDeps>> DepsService::deps_of(const std::vector<CompileEntry>& compiles,
                                                             const kbuild_shim::KernelBuild& kernel,
                                                             bool detect_version) {
  auto rules = learn_fixdep_rules(kernel.build_dir, m_options.cache_dir);
  if (!rules) return rules.takeError();

  // gcc adds CPATH's directories to the bracket chain and C_INCLUDE_PATH's to the system chain, even with -nostdinc.
  std::string env_error;
  for (const char* var : {"CPATH", "C_INCLUDE_PATH"}) {
    if (!base::env_value(m_options.env, var).empty()) {
      env_error =
          std::string(var) + " is set: gcc would search its directories too, which the front end does not model";
    }
  }

  // Each compile read and its gcc macros found, on the scanner's threads (the macros' cache serialises what it must).
  std::vector<ObjectDeps> result(compiles.size());
  std::vector<std::optional<ScanJob>> prepared(compiles.size());
  std::atomic<std::size_t> next{0};
  auto prepare = [&] {
    for (std::size_t i = next++; i < compiles.size(); i = next++) {
      const auto& compile = compiles[i];
      if (!env_error.empty()) {
        result[i].error = env_error;
        continue;
      }
      auto command = parse_compile_command(compile.command, compile.source);
      if (!command) {
        result[i].error = llvm::toString(command.takeError());
        continue;
      }
      auto macros = m_macros.for_command(*command, compile.cwd);
      if (!macros) {
        result[i].error = llvm::toString(macros.takeError());
        continue;
      }
      std::string root = compile.module_root;
      if (root.empty()) { // the source's directory
        root = command->source[0] == '/' ? command->source : compile.cwd + "/" + command->source;
        root = root.substr(0, root.rfind('/'));
      }
      prepared[i] = ScanJob{std::move(*command), compile.cwd, std::move(root), *macros, detect_version};
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < m_scanner.threads() && t < compiles.size(); ++t)
    pool.emplace_back(prepare);
  prepare();
  for (auto& t : pool)
    t.join();
  std::vector<ScanJob> jobs;
  std::vector<std::size_t> where; // job -> compile
  for (std::size_t i = 0; i < compiles.size(); ++i) {
    if (!prepared[i]) continue;
    jobs.push_back(std::move(*prepared[i]));
    where.push_back(i);
  }
  const std::string kept_file = m_options.filter_defines ? kept_defines_file(m_options.cache_dir) : "";
  if (!kept_file.empty()) m_scanner.keep_defines(read_names(kept_file));
  auto& store = m_stores[kernel.build_dir];
  if (!store) store = std::make_unique<DirectiveStore>(directive_store_file(m_options.cache_dir, kernel.build_dir));
  auto outcomes = m_scanner.scan(jobs, store.get());
  store->save();
  if (!kept_file.empty()) {
    if (auto learned = m_scanner.learned_defines(); !learned.empty()) {
      // Merged with what other runs may have added meanwhile; a lost update costs time, never an answer.
      std::vector<std::string> names = read_names(kept_file);
      names.insert(names.end(), learned.begin(), learned.end());
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
      std::string text;
      for (const auto& n : names)
        text += n + "\n";
      base::write_checked(kept_file, text);
    }
  }
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    ++m_units;
    m_unit_runs += outcomes[j].runs;
    ObjectDeps& out = result[where[j]];
    if (!outcomes[j].error.empty()) {
      out.error = outcomes[j].error;
      continue;
    }
    for (const auto& d : outcomes[j].dependencies) {
      if (d.find_first_of(" \t\n\\$#:") != std::string::npos) {
        out.error = "the dependency '" + d +
                    "' has a character that gcc escapes in its dependency file and fixdep reads differently; not "
                    "modelled";
        break;
      }
    }
    out.has_version = outcomes[j].has_version;
    if (out.error.empty()) out.deps = apply_fixdep(*rules, std::move(outcomes[j].dependencies));
  }
  return result;
}

} // namespace srcver::frontend
