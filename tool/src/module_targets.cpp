// The built modules a command is given, and the files of one predicted module among them (module_targets.hpp).

#include "module_targets.hpp"

#include <srcver/base/module_file_names.hpp>

namespace srcver::tool {

namespace fs = std::filesystem;

std::string module_stem(const fs::path& file) {
  const std::string name = file.filename().string();
  const std::string_view suffix = base::module_suffix(name);
  return suffix.empty() ? std::string() : name.substr(0, name.size() - suffix.size());
}

Targets collect_targets(const std::vector<std::string>& args) {
  Targets t;
  for (const auto& arg : args) {
    std::error_code ec;
    if (arg.empty()) {
      t.error = "an empty <ko-or-dir> argument: give a built module (.ko, .ko.xz, .ko.zst, .ko.gz) or a directory to "
                "search for it";
    } else if (fs::is_directory(arg, ec)) {
      t.dirs.push_back(arg);
      for (auto it = fs::recursive_directory_iterator(arg, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_regular_file(ec)) continue;
        if (std::string stem = module_stem(it->path()); !stem.empty()) {
          t.found_by_stem.emplace(stem, it->path().string());
        }
      }
    } else if (fs::is_regular_file(arg, ec)) {
      t.files.push_back(arg);
    } else {
      t.error = arg + ": no such file or directory: give a built module (.ko, .ko.xz, .ko.zst, .ko.gz) or a directory "
                      "to search for it";
    }
  }
  return t;
}

std::vector<std::string> files_for(const PredictedModule& module, const Targets& targets,
                                   std::vector<bool>& file_used) {
  const std::string stem = fs::path(module.path).filename().string();
  std::vector<std::string> files;
  for (std::size_t i = 0; i < targets.files.size(); ++i) {
    if (module_stem(targets.files[i]) == stem) {
      files.push_back(targets.files[i]);
      file_used[i] = true;
    }
  }
  for (const auto& dir : targets.dirs) {
    std::vector<std::string> exact;
    for (auto suffix : base::k_module_suffixes) {
      std::error_code ec;
      const std::string file = dir + "/" + module.path + std::string(suffix);
      if (fs::is_regular_file(file, ec)) exact.push_back(file);
    }
    if (!exact.empty()) {
      files.insert(files.end(), exact.begin(), exact.end());
      continue;
    }
    auto [from, to] = targets.found_by_stem.equal_range(stem);
    for (auto it = from; it != to; ++it)
      files.push_back(it->second);
  }
  return files;
}

} // namespace srcver::tool
