#pragma once
// The define filter (DepScanner::set_define_filter; off unless turned on). A unit's inclusions depend on a macro only
// through the names its preprocessor looks up: every identifier it lexes outside skipped blocks (in a condition, an
// #include's operand, a macro's body, live code), every name a paste forms, every name given to defined, #ifdef,
// #undef or push_macro; each of these has an entry in the unit's identifier table. So a #define whose name never
// entered the table changed no condition, no operand and no expansion: leaving it out changes nothing but the time
// spent (most defines of the kernel's headers are constants and helpers of C code that no directive reaches). The
// scanner gives a kernel header's directives without the defines whose names are not in a kept set, and after the
// unit checks that none of the names it left out is in the unit's identifier table; if one is, the unit runs again
// with every define, and the names found are kept from then on (the set is a speed matter only: the check, not the
// set, makes the answer right). Never left out: a define of the module's own files (a define Clang rejects must
// still stop the prediction), one outside every conditional of a file that has a conditional outside every other (so
// that Clang sees the file's include guard, or its absence, as before; autoconf.h has no conditional), one whose
// body has '#' or '##' (the forms that can be errors), one of a name the file tests with #ifdef or #ifndef (an
// include guard: always looked up).

#include <srcver/frontend/scanner.hpp>

#include <clang/Lex/DependencyDirectivesScanner.h>
#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/ADT/StringSet.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace srcver::frontend {

// The filter's switch and its kept names, shared by the scanner's workers (thread-safe but for set_on and
// add_module_names, called before they start). Every new kept name makes a new generation.
class DefineFilter {
public:
  bool on() const { return m_on; }
  void set_on(bool on) { m_on = on; }

  // Keeps `names` from now on; those not kept before are learned.
  void keep(const std::vector<std::string>& names);
  // Keeps `names` (an earlier run's) and forgets what was learned so far.
  void seed(const std::vector<std::string>& names);
  // The names kept since the last seed.
  std::vector<std::string> learned() const;
  // The kept names' generation: a file's directives filtered under an earlier one are filtered again.
  unsigned generation() const { return m_generation.load(); }

  // When on: also kept, every identifier-like word of the C, header and assembler files under the jobs' module
  // roots (comments and strings too: more names only keep more defines). The module's code names the kernel macros
  // it uses, which its first filtered run would otherwise look up and run again.
  void add_module_names(const std::vector<ScanJob>& jobs);

  // `all` (the directives of `text`) without the defines the filter leaves out, in `out`; the names of those left
  // out, sorted and unique, in `dropped` (views of `text`).
  void filter(llvm::StringRef text, llvm::ArrayRef<clang::dependency_directives_scan::Directive> all,
              std::vector<clang::dependency_directives_scan::Directive>& out,
              std::vector<llvm::StringRef>& dropped) const;

private:
  bool m_on = false;
  mutable std::mutex m_mutex;
  llvm::StringSet<> m_kept;
  std::atomic<unsigned> m_generation{0};
  std::vector<std::string> m_learned; // names kept since the last seed
  llvm::StringSet<> m_module_names;   // also kept: the names the modules' own files use
};

// A file of one unit whose defines the filter saw: its text, all its directives, the names of the defines it left
// out (an empty list too: its bodies count in the check).
struct FilteredFile {
  llvm::StringRef text;
  llvm::ArrayRef<clang::dependency_directives_scan::Directive> directives;
  llvm::ArrayRef<llvm::StringRef> dropped;
};

// The check after a unit's run: appends to `found` the names left out of `files` that the unit looked up
// (`looked_up`), sorted and unique. When there are any, also the names left out that the bodies of the defines
// kept (those of these files, and those of the names just found) name, directly or through other such bodies: they
// enter the table when those bodies are read, so they are kept at once rather than one run at a time.
void check_dropped(llvm::ArrayRef<FilteredFile> files, llvm::function_ref<bool(llvm::StringRef)> looked_up,
                   std::vector<std::string>& found);

} // namespace srcver::frontend
