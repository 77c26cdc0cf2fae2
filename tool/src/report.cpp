// A computation shown the same way for a prediction and a built tree: JSON and the --explain view (report.hpp).
#include "report.hpp"

#include <llvm/Support/Format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace srcver::tool {

namespace {

const char* role_name(sumversion::CmdFileWalk::Role role) {
  return role == sumversion::CmdFileWalk::Role::source ? "source" : "dep";
}

} // namespace

llvm::json::Object outcome_json(const char* status, bool ok, const std::string& srcversion, const std::string& reason) {
  llvm::json::Object out{{"status", status}};
  out["srcversion"] = ok ? llvm::json::Value(srcversion) : llvm::json::Value(nullptr);
  out["reason"] = ok ? llvm::json::Value(nullptr) : llvm::json::Value(reason);
  return out;
}

void add_result_json(llvm::json::Object& out, const sumversion::SrcversionResult& result) {
  llvm::json::Array objects;
  for (const auto& o : result.objects)
    objects.push_back(o);
  llvm::json::Array hashed;
  for (const auto& h : result.hashed) {
    hashed.push_back(llvm::json::Object{{"object", h.object},
                                        {"path", h.path},
                                        {"role", role_name(h.role)},
                                        {"hashed_bytes", static_cast<int64_t>(h.hashed_bytes)}});
  }
  llvm::json::Array skipped;
  for (const auto& s : result.skipped)
    skipped.push_back(llvm::json::Object{{"object", s.object}, {"path", s.path}, {"reason", s.reason}});
  out["mod_file"] = result.mod_file;
  out["objects"] = std::move(objects);
  out["hashed_files"] = std::move(hashed);
  out["not_hashed"] = std::move(skipped);
}

void print_explain(llvm::raw_ostream& os, const sumversion::SrcversionResult& result) {
  if (!result.mod_file.empty()) os << "  object list: " << result.mod_file << "\n";
  os << "  objects:";
  for (const auto& o : result.objects)
    os << " " << o;
  os << "\n";
  std::size_t total = 0;
  for (const auto& h : result.hashed)
    total += h.hashed_bytes;
  os << "  hashed, in order (" << result.hashed.size() << " files, " << total << " bytes after filtering):\n";
  for (const auto& h : result.hashed) {
    os << llvm::format("    %10zu  ", h.hashed_bytes) << h.path << "  (" << role_name(h.role) << " of " << h.object
       << ")\n";
  }
  // Not hashed: grouped by object and reason, in the order first seen; a reason's paths under it (fixdep's
  // `$(wildcard ...)` lines are only counted: they name no file).
  std::vector<std::pair<std::string, std::vector<std::string>>> groups; // "<object>: <reason>" -> paths
  for (const auto& s : result.skipped) {
    const std::string key = s.object + ": " + s.reason;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
    if (it == groups.end()) it = groups.insert(groups.end(), {key, {}});
    it->second.push_back(s.path);
  }
  if (!groups.empty()) os << "  not hashed (" << result.skipped.size() << "):\n";
  for (const auto& [key, paths] : groups) {
    os << "    " << key << " (" << paths.size() << ")\n";
    if (paths.front() == "$(wildcard") continue;
    for (const auto& p : paths)
      os << "      " << p << "\n";
  }
  if (result.outcome != sumversion::SrcversionResult::Outcome::ok) os << "  " << result.reason << "\n";
}

} // namespace srcver::tool
