#pragma once
// The scanning service: Clang's preprocessor, run on each translation unit with gcc's predefined macros and the
// command's include options, reports every inclusion to an IncludeModel, which keeps gcc's dependency list. Clang
// runs in dependency-directives mode (only the directives of each file are lexed, from a cache of minimised files
// shared by every translation unit and kernel of the scans with the same module roots); a file whose text has a
// directive that mode drops and that matters here is lexed in full: #pragma GCC system_header and _Pragma always,
// #error in the module's own files (an #error that is reached stops gcc: cannot predict). One worker per thread.

#include <srcver/frontend/compile_command.hpp>

#include <memory>
#include <string>
#include <vector>

namespace srcver::frontend {

class DirectiveStore;

struct ScanJob {
  PreprocessCommand command;
  std::string cwd;         // the compile's working directory
  std::string module_root; // absolute; its files are lexed in full when they have #error ("" = none)
  std::shared_ptr<const std::vector<std::string>> gcc_macros; // "NAME=VALUE" texts (GccMacros)
  // Also tell whether the unit declares a module version (MODULE_VERSION, or MODULE_INFO(version, ...), expanded in
  // live code): the module's own files are then lexed in full, since the declaration is not a directive.
  bool detect_version = false;
};

struct ScanOutcome {
  std::vector<std::string> dependencies; // gcc's -MMD list: the source first, spelled as gcc writes it
  std::string error;                     // not empty: gcc's list cannot be known (why; cannot predict)
  bool has_version = false;              // with detect_version: a module version is declared
  unsigned runs = 1;                     // preprocessor runs (more than one: the define filter's check failed)
};

class DepScanner {
public:
  // `threads` 0 = the number of cores.
  explicit DepScanner(unsigned threads);
  ~DepScanner();
  DepScanner(const DepScanner&) = delete;
  DepScanner& operator=(const DepScanner&) = delete;

  // Scans the jobs, in parallel; the outcomes are in the jobs' order. With a store: files are read from it where it
  // has them unchanged, and those read from disk are added to it (see directive_store.hpp); it must outlive the
  // scanner, whose cache keeps the texts it served.
  std::vector<ScanOutcome> scan(const std::vector<ScanJob>& jobs, DirectiveStore* store = nullptr);

  unsigned threads() const;
  // Files whose directives a store gave (counted once per thread and working directory).
  unsigned files_from_store() const;

  // The define filter (off unless turned on): kernel headers' #defines whose names no unit has looked up are left
  // out, each unit checked afterwards and run again in full if it looked one up (see src/define_filter.hpp). Its
  // kept names are a matter of speed only: keep_defines() seeds them (from an earlier run), learned_defines() gives
  // those this scanner added.
  void set_define_filter(bool on);
  void keep_defines(const std::vector<std::string>& names);
  std::vector<std::string> learned_defines() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace srcver::frontend
