#pragma once
// Where modpost finds a module's object list and how it splits it
// (docs/srcversion-rules.md sections 1.1 and 3: formats F1-F3).

#include <srcver/sumversion/era.hpp>

#include <llvm/Support/Error.h>

#include <string>
#include <string_view>
#include <vector>

namespace srcver::sumversion {

// The object-list file of module `module_name` (modpost's name: the module path without .ko/.o, e.g.
// "/abs/M/hello", "drivers/net/dummy", "hello"):
// - F1: "<modverdir>/<basename>.mod" (modverdir: Kbuild's MODVERDIR, ".tmp_versions" of the tree);
// - F2/F3: "<module_name>.mod".
std::string mod_file_path(std::string_view module_name, ModFormat format, std::string_view modverdir);

// The object entries, verbatim and in file order, duplicates kept (modpost never de-duplicates):
// - F1: line 2 split on single spaces, empty tokens skipped; a file without a terminated line 2 is an error
//   (modpost warns and gives no srcversion);
// - F2: line 1 split on single spaces, empty tokens skipped;
// - F3: the whole file split on LF, empty lines skipped.
// Static-library entries are returned too: skipping them is the caller's (era-dependent) business.
llvm::Expected<std::vector<std::string>> parse_mod_file(std::string_view content, ModFormat format);

// modpost's static-library test: the entry ends in ".a".
bool is_static_library(std::string_view entry);

} // namespace srcver::sumversion
