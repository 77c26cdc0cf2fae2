#pragma once
// What the kernel's scripts/basic/fixdep does to gcc's dependency list before Kbuild stores it in the .o.cmd file:
// the first dependency becomes source_, some generated headers are dropped (matched by suffix), and from v6.3
// duplicates are removed (exact string). Which of these a kernel's fixdep does is learnt from that fixdep itself,
// run once on a crafted dependency file (about a millisecond; the binary ships with the kernel headers), and kept
// in the cache directory keyed by the binary's identity.

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace srcver::frontend {

struct FixdepRules {
  std::vector<std::string> dropped_suffixes; // e.g. include/generated/autoconf.h
  bool removes_duplicates = false;
};

// Runs <kernel_build_dir>/scripts/basic/fixdep on a crafted list. Error (cannot_predict): no fixdep, or its output
// is not understood.
llvm::Expected<FixdepRules> learn_fixdep_rules(const std::string& kernel_build_dir, const std::string& cache_dir);

// The .o.cmd's deps_ entries for gcc's dependency list (the source first), without the $(wildcard ...) lines.
std::vector<std::string> apply_fixdep(const FixdepRules& rules, std::vector<std::string> gcc_dependencies);

// The rules' one-line description, for the cache and for -v.
std::string describe(const FixdepRules& rules);

} // namespace srcver::frontend
