#pragma once
// A Kbuild compile command (gcc's command line, as the plan gives it) read for what matters to gcc's preprocessor:
// the source, its language, the include directories in their chains, the -D/-U operations in order, the forced
// includes, and the flags that decide gcc's predefined macros. Flags that change preprocessing in ways the front end
// does not model are refused (cannot predict), never ignored.

#include <llvm/Support/Error.h>

#include <string>
#include <string_view>
#include <vector>

namespace srcver::frontend {

enum class Language { c, assembler_with_cpp };

// gcc's four include chains (gcc/incpath.cc), in search order.
enum class DirChain { quote, bracket, system, after };

struct IncludeDir {
  std::string path; // exactly as written on the command line
  DirChain chain;
};

struct MacroOp {
  std::string text; // "NAME", "NAME=VALUE" or "NAME(args)=VALUE"
  bool undef = false;
};

struct PreprocessCommand {
  std::string compiler; // the command's first word
  std::string source;   // as the command spells it
  Language language = Language::c;
  std::string std;                      // the last -std=... (or -ansi as -std=c90), "" for gcc's default
  std::vector<IncludeDir> include_dirs; // in command order
  std::vector<MacroOp> macros;          // -D and -U, in command order
  std::vector<std::string> imacros;     // -imacros files, in command order
  std::vector<std::string> includes;    // -include files, in command order
  std::vector<std::string> macro_flags; // what decides gcc's predefined macros (-m, -f, -O, -std...), in order
};

// Reads a compile command. `source` is the rule's $< as the plan names it; the command must compile exactly it
// ("" = whatever single source it compiles).
// Errors (cannot_predict): a flag the front end does not model, no -nostdinc (gcc's own include directories would
// apply), a source that is not C or assembler-with-cpp.
llvm::Expected<PreprocessCommand> parse_compile_command(const std::vector<std::string>& words, std::string_view source);

} // namespace srcver::frontend
