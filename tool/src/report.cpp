#include <srcver/tool/report.hpp>

#include <llvm/Support/Format.h>

namespace srcver::tool {

namespace {

const char* role_name(sumversion::CmdFileWalk::Role role) {
  return role == sumversion::CmdFileWalk::Role::source ? "source" : "dep";
}

} // namespace

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
  if (!result.skipped.empty()) {
    os << "  not hashed (" << result.skipped.size() << "):\n";
    for (const auto& s : result.skipped)
      os << "    " << s.path << "  (" << s.object << ": " << s.reason << ")\n";
  }
  if (result.outcome != sumversion::SrcversionResult::Outcome::ok) os << "  " << result.reason << "\n";
}

} // namespace srcver::tool
