#pragma once
// The front end's entry point: for every compile of a module (an object of a plan), the list Kbuild's real build
// would write into the deps_ section of its .o.cmd file (gcc -MMD's list after the kernel's fixdep, without the
// $(wildcard ...) lines). One DepsService per run: it keeps gcc's macros, the kernel's fixdep rules and the scanner's
// shared file cache across plans, modules and kernels.

#include <srcver/base/kernel_build.hpp>
#include <srcver/frontend/directive_store.hpp>
#include <srcver/frontend/gcc_macros.hpp>
#include <srcver/frontend/scanner.hpp>

#include <llvm/Support/Error.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace srcver::frontend {

struct ObjectDeps {
  std::vector<std::string> deps; // the .o.cmd deps_ entries, in order and spelling
  std::string error;             // not empty: cannot predict this object's list (why)
  bool has_version = false;      // with detect_version: the object declares a module version
};

struct DepsOptions {
  std::string cache_dir;       // "" = nothing on disk
  unsigned threads = 0;        // 0 = the number of cores
  bool filter_defines = false; // the scanner's define filter (DepScanner::set_define_filter)
};

// One compile, as a plan or a compilation database gives it.
struct CompileEntry {
  std::string cwd;                  // where the compiler runs
  std::vector<std::string> command; // its words
  std::string source;               // the source it compiles, as the command names it ("" = the command's input)
  std::string module_root;          // the module's directory, absolute ("" = the source's directory)
};

class DepsService {
public:
  explicit DepsService(DepsOptions options);

  // Per module, per compile (a plan's objects, in the plan's order), in their order; all of one kernel, scanned
  // together, run in the environment `env` (a kernel profile's: PATH finds the compiler, gcc's macros come from
  // there). Error (cannot_predict): the kernel's fixdep cannot be run or understood.
  // `detect_version`: also tell whether each object declares a module version (ObjectDeps::has_version).
  llvm::Expected<std::vector<std::vector<ObjectDeps>>> deps_of(const std::vector<std::vector<CompileEntry>>& modules,
                                                               const KernelBuild& kernel,
                                                               const std::vector<std::string>& env,
                                                               bool detect_version = false);

  // The same for a list of compiles of one kernel, in their order.
  llvm::Expected<std::vector<ObjectDeps>> deps_of(const std::vector<CompileEntry>& compiles, const KernelBuild& kernel,
                                                  const std::vector<std::string>& env, bool detect_version = false);

  unsigned compiler_runs() const;
  // Translation units scanned, and preprocessor runs over them (more: the define filter's check sent units again).
  unsigned units() const { return m_units; }
  unsigned unit_runs() const { return m_unit_runs; }
  unsigned threads() const { return m_scanner.threads(); }
  // Headers whose directives came from the kernels' directive stores, and headers added to them, in this run.
  unsigned files_from_store() const { return m_scanner.files_from_store(); }
  std::size_t files_stored() const;

private:
  // Each compile read and its gcc macros found, on the scanner's threads: the jobs to scan and, per job, the index of
  // its compile in `where`; a compile that cannot be scanned has its error in `result`.
  std::vector<ScanJob> prepare(const std::vector<CompileEntry>& compiles, const std::vector<std::string>& env,
                               bool detect_version, std::vector<ObjectDeps>& result, std::vector<std::size_t>& where);
  // Scans the jobs with the kernel's directive store and the define filter's kept names (both kept in the cache).
  std::vector<ScanOutcome> scan(const std::vector<ScanJob>& jobs, const std::string& build_dir);

  DepsOptions m_options;
  // gcc's macros per environment compiles run in (the kernels' profiles differ); the scanner and its caches are
  // shared by all.
  std::map<std::vector<std::string>, std::unique_ptr<GccMacros>> m_macros;
  // Per kernel build directory, its directive store; declared before the scanner, whose cache keeps their texts.
  std::map<std::string, std::unique_ptr<DirectiveStore>> m_stores;
  DepScanner m_scanner;
  unsigned m_units = 0;
  unsigned m_unit_runs = 0;
};

} // namespace srcver::frontend
