#pragma once
// The walk modpost makes over an object's `.cmd` file (docs/srcversion-rules.md section 1.2 steps 3-4): which files it
// hashes, in order.

#include <srcver/sumversion/era.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace srcver::sumversion {

// The `.cmd` file modpost reads for a `.mod` entry: dir + "." + base + ".cmd", nothing normalised
// ("m/x.o" -> "m/.x.o.cmd", "x.o" -> ".x.o.cmd", "./x.o" -> "./.x.o.cmd").
std::string cmd_file_for_object(std::string_view object);

// The directory part of an object entry, including its last '/', or "" when there is none.
std::string_view object_dir(std::string_view object);

// modpost's same-directory test, a substring test (docs/srcversion-rules.md section 1.2 step 4f):
// the FIRST occurrence of `dir` in `path` must end
// at the LAST '/' of `path`. Subdirectories, `..` and `./` spellings fail; `other/m/f.h` passes for "m/"; "" never
// passes; a 1-character dir ("/") also passes a path without any '/'.
bool same_directory(std::string_view path, std::string_view dir);

struct CmdFileWalk {
  enum class Role { source, dep };
  struct File {
    Role role;
    std::string path; // as written in the .cmd file; modpost opens it relative to its working directory
  };
  struct Skipped {
    std::string path; // the dependency line, cut at its first space (may be "" or "$(wildcard")
    std::string reason;
  };

  std::vector<File> files;      // in hashing order
  std::vector<Skipped> skipped; // dependency lines that were seen but not hashed (for --explain)
  bool malformed = false;       // a `source_` line without a space: modpost gives no srcversion
  std::string end;              // why the walk ended (for --explain)
};

// Walks `content` (a .cmd file as read from disk) for an object whose directory is `dir`, under `rules`.
CmdFileWalk walk_cmd_file(std::string_view content, std::string_view dir, const EraRules& rules);

} // namespace srcver::sumversion
