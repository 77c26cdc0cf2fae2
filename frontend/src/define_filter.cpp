#include "define_filter.hpp"

#include <clang/Basic/CharInfo.h>
#include <clang/Basic/TokenKinds.h>
#include <llvm/ADT/StringMap.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <optional>
#include <set>

namespace srcver::frontend {

namespace dds = clang::dependency_directives_scan;

namespace {

bool opens_conditional(const dds::Directive& d) {
  return d.Kind == dds::pp_if || d.Kind == dds::pp_ifdef || d.Kind == dds::pp_ifndef;
}

// The name a directive names first (a #define's, an #ifdef's), or none.
std::optional<llvm::StringRef> name_of(llvm::StringRef text, const dds::Directive& d) {
  if (d.Tokens.size() < 3 || !d.Tokens[2].is(clang::tok::raw_identifier)) return std::nullopt;
  return text.substr(d.Tokens[2].Offset, d.Tokens[2].Length);
}

// The defines `filter_defines` never leaves out: the names the file tests with #ifdef or #ifndef, and whether the
// file has a conditional outside every other (it may have an include guard).
struct FileShape {
  llvm::StringSet<> tested;
  bool top_conditional = false;
};

FileShape shape_of(llvm::StringRef text, llvm::ArrayRef<dds::Directive> all) {
  FileShape shape;
  int depth = 0;
  for (const auto& d : all) {
    if (d.Kind == dds::pp_ifdef || d.Kind == dds::pp_ifndef) {
      if (auto name = name_of(text, d)) shape.tested.insert(*name);
    }
    if (opens_conditional(d)) shape.top_conditional |= depth++ == 0;
    if (d.Kind == dds::pp_endif) --depth;
  }
  return shape;
}

// See define_filter.hpp: `all` without the defines whose names are in none of the sets, in `out`.
void filter_defines(llvm::StringRef text, llvm::ArrayRef<dds::Directive> all, const llvm::StringSet<>& kept,
                    const llvm::StringSet<>& named, std::vector<dds::Directive>& out,
                    std::vector<llvm::StringRef>& dropped) {
  const FileShape shape = shape_of(text, all);
  out.clear();
  dropped.clear();
  int depth = 0;
  for (const auto& d : all) {
    if (opens_conditional(d)) ++depth;
    if (d.Kind == dds::pp_endif) --depth;
    if (d.Kind == dds::pp_define && (depth > 0 || !shape.top_conditional)) {
      const auto name = name_of(text, d);
      const bool hashes = std::any_of(
          d.Tokens.begin() + std::min<std::size_t>(3, d.Tokens.size()), d.Tokens.end(),
          [](const dds::Token& t) { return t.isOneOf(clang::tok::hash, clang::tok::hashhash, clang::tok::hashat); });
      if (name && !hashes && !shape.tested.contains(*name) && !kept.contains(*name) && !named.contains(*name)) {
        dropped.push_back(*name);
        continue;
      }
    }
    out.push_back(d);
  }
  std::sort(dropped.begin(), dropped.end());
  dropped.erase(std::unique(dropped.begin(), dropped.end()), dropped.end());
}

// Every identifier-like word of the C, header and assembler files under `root` (64 MiB read at most).
void add_names_under(const std::string& root, llvm::StringSet<>& names) {
  std::error_code ec;
  std::size_t budget = 64u << 20; // bytes read at most
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec; it.increment(ec)) {
    const llvm::StringRef path = it->path();
    if (!(path.ends_with(".c") || path.ends_with(".h") || path.ends_with(".S") || path.ends_with(".inc"))) continue;
    auto text = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!text || (*text)->getBufferSize() > budget) continue;
    budget -= (*text)->getBufferSize();
    const llvm::StringRef t = (*text)->getBuffer();
    for (std::size_t i = 0; i < t.size();) {
      const std::size_t start = i;
      while (i < t.size() && clang::isAsciiIdentifierContinue(t[i]))
        ++i;
      if (i == start) {
        ++i;
      } else if (!(t[start] >= '0' && t[start] <= '9')) { // a number (0x1f) is no name
        names.insert(t.substr(start, i - start));
      }
    }
  }
}

// The second half of check_dropped: the names left out that the kept bodies reach, appended to `found`.
void add_names_of_bodies(llvm::ArrayRef<FilteredFile> files, std::vector<std::string>& found) {
  llvm::StringSet<> dropped;
  for (const auto& f : files) {
    for (llvm::StringRef name : f.dropped)
      dropped.insert(name);
  }
  // Per define's name, the identifiers of its bodies; the work list starts with the names of the defines kept.
  llvm::StringMap<std::vector<llvm::StringRef>> body_names;
  std::vector<llvm::StringRef> work;
  for (const auto& f : files) {
    for (const auto& directive : f.directives) {
      if (directive.Kind != dds::pp_define || directive.Tokens.size() < 4) continue;
      const llvm::StringRef name = f.text.substr(directive.Tokens[2].Offset, directive.Tokens[2].Length);
      auto& names = body_names[name];
      for (const auto& t : directive.Tokens.drop_front(3)) {
        if (t.is(clang::tok::raw_identifier)) names.push_back(f.text.substr(t.Offset, t.Length));
      }
      if (!dropped.contains(name)) work.push_back(name);
    }
  }
  llvm::StringSet<> seen;
  for (const auto& n : found) // the set's own copy: `found` grows below, which may move its strings
    work.push_back(seen.insert(n).first->getKey());
  llvm::StringSet<> expanded;
  while (!work.empty()) {
    const llvm::StringRef name = work.back();
    work.pop_back();
    if (!expanded.insert(name).second) continue;
    const auto it = body_names.find(name);
    if (it == body_names.end()) continue;
    for (llvm::StringRef n : it->second) {
      if (dropped.contains(n) && seen.insert(n).second) {
        found.push_back(n.str());
        work.push_back(n);
      }
    }
  }
}

} // namespace

void DefineFilter::keep(const std::vector<std::string>& names) {
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& n : names) {
    if (m_kept.insert(n).second) m_learned.push_back(n);
  }
  ++m_generation;
}

void DefineFilter::seed(const std::vector<std::string>& names) {
  keep(names);
  std::lock_guard<std::mutex> lock(m_mutex);
  m_learned.clear();
}

std::vector<std::string> DefineFilter::learned() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_learned;
}

void DefineFilter::add_module_names(const std::vector<ScanJob>& jobs) {
  if (!m_on) return;
  std::set<std::string> roots;
  for (const auto& job : jobs) {
    if (!job.module_root.empty()) roots.insert(job.module_root);
  }
  for (const auto& root : roots)
    add_names_under(root, m_module_names);
}

void DefineFilter::filter(llvm::StringRef text, llvm::ArrayRef<dds::Directive> all, std::vector<dds::Directive>& out,
                          std::vector<llvm::StringRef>& dropped) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  filter_defines(text, all, m_kept, m_module_names, out, dropped);
}

void check_dropped(llvm::ArrayRef<FilteredFile> files, llvm::function_ref<bool(llvm::StringRef)> looked_up,
                   std::vector<std::string>& found) {
  for (const auto& f : files) {
    for (llvm::StringRef name : f.dropped) {
      if (looked_up(name)) found.push_back(name.str());
    }
  }
  if (found.empty()) return;
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  add_names_of_bodies(files, found);
}

} // namespace srcver::frontend
