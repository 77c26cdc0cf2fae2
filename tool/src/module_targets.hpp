#pragma once
// The built modules a command is given (`check`, `reuse`): files as they are, directories searched for each module.

#include "predict.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace srcver::tool {

// "x" for "dir/x.ko.xz", "" when the name has none of the module suffixes.
std::string module_stem(const std::filesystem::path& file);

// The module files given: files as they are, directories searched (recursively) by module name.
struct Targets {
  std::vector<std::string> files;                        // given as files
  std::multimap<std::string, std::string> found_by_stem; // in the directories given
  std::vector<std::string> dirs;                         // the directories given
  std::string error;                                     // a target that does not exist
};

Targets collect_targets(const std::vector<std::string>& args);

// The files to compare `module` with: the files given under its name, marked used in `file_used`; in each directory,
// the module's own path first (a build tree), else every file of that name below it.
std::vector<std::string> files_for(const PredictedModule& module, const Targets& targets, std::vector<bool>& file_used);

} // namespace srcver::tool
