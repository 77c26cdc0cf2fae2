#pragma once
// gcc's (cpplib's) view of one translation unit's inclusions: which file an #include finds, how gcc spells its path,
// and whether -MMD lists it. Written from the rules in docs/frontend-research.md section 2, not from cpplib. Clang's
// preprocessor drives it: it tells the model what each directive names and what Clang did (entered the file, skipped
// it for an include guard or #pragma once); the model answers with gcc's spelling and keeps gcc's dependency list.
//
// The rules, in short:
// - a path is the directory as written + "/" (unless it is empty or ends in "/") + the name as written; nothing is
//   normalised; a quoted include starts in the includer's directory as gcc found the includer; -include starts in
//   "./"; only a leading "./" is removed when the list is written;
// - the chains are quote (-iquote), bracket (-I), system (-isystem), after (-idirafter), with gcc's removal of
//   missing and duplicate directories (compared by device and inode);
// - a dependency is listed the first time a *record* is entered; a record is a lookup-cache entry keyed by (written
//   name, start directory), shared with the chain heads a search passed; so the same file reached by another record
//   is listed again, except a #pragma once file (gcc compares contents and does not enter it);
// - a system header (the maximum of the includer's and the directory's kind) is not listed (-MMD).

#include <srcver/frontend/compile_command.hpp>

#include <llvm/Support/Error.h>
#include <llvm/Support/FileSystem/UniqueID.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace srcver::frontend {

// What the model asks of the file system (relative paths are relative to the compile's working directory).
class FileProbe {
public:
  virtual ~FileProbe() = default;
  // The identity of a regular file (not a directory) at `path`, if there is one.
  virtual std::optional<llvm::sys::fs::UniqueID> regular_file(const std::string& path) = 0;
  // The identity of a directory at `path`, if there is one.
  virtual std::optional<llvm::sys::fs::UniqueID> directory(const std::string& path) = 0;
};

enum class DirectiveKind {
  include,
  include_next,
  command_line, // -include, from the predefines buffer
  imacros,      // -imacros, from the predefines buffer
};

class IncludeModel {
public:
  // Builds the chains (a directory that does not exist is dropped, as gcc drops it). `source` is the main file as
  // the command names it. Error: an include directory that is not a directory (gcc fails).
  static llvm::Expected<IncludeModel> create(const PreprocessCommand& command, FileProbe& probe);

  // The main file was entered: it is the first dependency.
  void enter_main();
  // The predefines buffer (-include, -imacros) was entered.
  void enter_predefines();

  // An inclusion directive in the current file. `clang_file` is the file Clang's preprocessor found (none: not
  // found). `includer_in_system_header`: the directive is in a system header by Clang's account (e.g. after
  // #pragma GCC system_header). Returns the record's index; errors (cannot_predict): the file is missing (gcc
  // fails), or gcc would find another file than Clang did.
  llvm::Expected<std::size_t> include(std::string_view name, bool angled, DirectiveKind kind,
                                      std::optional<llvm::sys::fs::UniqueID> clang_file,
                                      bool includer_in_system_header);
  // Clang entered the file of the last include(): it becomes the current file.
  void entered(std::size_t record);
  // Clang did not enter it: an include guard (gcc enters a record it has not entered before, and lists it), or
  // #pragma once (gcc does not enter it either).
  void skipped(std::size_t record, bool pragma_once);
  // The current file ended.
  void exited();

  // gcc's dependency list so far: the main file first, each path with a leading "./" removed as gcc writes it.
  const std::vector<std::string>& dependencies() const { return m_deps; }

private:
  struct Dir {
    std::string name; // as written (an includer directory: the includer's path up to its last '/', or "")
    bool system = false;
    std::optional<std::size_t> chain_index; // none: an includer directory ("./" for -include), or no search path
    bool no_search = false;                 // absolute names and the main file
  };
  struct Record {
    std::string path;
    llvm::sys::fs::UniqueID id;
    std::size_t dir; // index into m_dirs: where it was found
    bool entered = false;
    bool system_now = false; // whether the last include() that named it was of a system header
  };
  struct Frame {
    std::optional<std::size_t> record; // none: the predefines buffer
    bool system = false;
  };

  IncludeModel(FileProbe& probe, std::vector<Dir> dirs, std::size_t bracket_head, std::string source);
  std::size_t includer_dir(const std::string& name, bool system);
  // Where gcc starts searching for `name` (libcpp's search_path_head). Errors (cannot_predict): no include path is
  // left to search.
  llvm::Expected<std::size_t> search_start(std::string_view name, bool angled, DirectiveKind kind,
                                           const Frame& includer, const std::string& includer_path,
                                           bool includer_system);
  // The record of `written` searched from `start` (gcc's _cpp_find_file, its lookup cache included); none: not found.
  std::optional<std::size_t> find_file(const std::string& written, std::size_t start);
  // The directory a search goes on to after `d` in the merged chain, or none.
  std::optional<std::size_t> next_dir(const Dir& d) const;
  void list(std::size_t record, bool system);

  FileProbe* m_probe;
  std::vector<Dir> m_dirs;      // the merged chain first (quote, bracket, system), then the other directories
  std::size_t m_chain_size = 0; // the merged chain is m_dirs[0, m_chain_size)
  std::size_t m_bracket_head = 0;
  std::size_t m_no_search = 0;
  std::map<std::string, std::size_t> m_includer_dirs;                 // by name
  std::map<std::pair<std::string, std::size_t>, std::size_t> m_cache; // (written name, start dir) -> record
  std::vector<Record> m_records;
  std::vector<Frame> m_stack;
  std::vector<std::string> m_deps;
  std::string m_source;
};

// gcc's spelling in the dependency file: every leading "./" (and the '/'s after it) removed.
std::string strip_leading_dot_slash(std::string_view path);

} // namespace srcver::frontend
