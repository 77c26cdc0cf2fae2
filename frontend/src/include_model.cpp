#include <srcver/base/error.hpp>
#include <srcver/frontend/include_model.hpp>

#include <algorithm>

namespace srcver::frontend {

namespace {

// gcc's append_file_to_dir: a '/' only between a non-empty directory and a name, and not after one already there.
std::string append_to_dir(const std::string& dir, std::string_view name) {
  std::string path = dir;
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

// gcc's dir_name_of_file: the path up to and including its last '/', "" for a bare name.
std::string dir_name_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

struct Candidate {
  std::string name;
  bool system;
  llvm::sys::fs::UniqueID id;
};

// gcc's remove_duplicates: drops directories that do not exist, duplicates of one in `system`, duplicates of an
// earlier one in the same chain, and the last one when it duplicates `join` (the head of the chain it joins).
std::vector<Candidate> remove_duplicates(const std::vector<Candidate>& head, const std::vector<Candidate>& system,
                                         std::optional<llvm::sys::fs::UniqueID> join) {
  std::vector<Candidate> kept;
  for (std::size_t j = 0; j < head.size(); ++j) {
    const auto& cur = head[j];
    auto same = [&](const Candidate& other) { return other.id == cur.id; };
    if (std::any_of(system.begin(), system.end(), same)) continue;
    if (std::any_of(kept.begin(), kept.end(), same)) continue;
    if (j + 1 == head.size() && join && *join == cur.id) continue;
    kept.push_back(cur);
  }
  return kept;
}

// A search that cannot go on (the includer named for the message).
llvm::Error refuse_include(const std::string& why, const std::string& includer_path) {
  return make_error(ErrorCategory::cannot_predict, why + " (included from " + includer_path + ")");
}

} // namespace

std::string strip_leading_dot_slash(std::string_view path) {
  while (path.size() >= 2 && path[0] == '.' && path[1] == '/') {
    path.remove_prefix(2);
    while (!path.empty() && path[0] == '/')
      path.remove_prefix(1);
  }
  return std::string(path);
}

IncludeModel::IncludeModel(FileProbe& probe, std::vector<Dir> dirs, std::size_t bracket_head, std::string source)
    : m_probe(&probe), m_dirs(std::move(dirs)), m_chain_size(m_dirs.size()), m_bracket_head(bracket_head),
      m_source(std::move(source)) {
  Dir no_search;
  no_search.no_search = true;
  m_no_search = m_dirs.size();
  m_dirs.push_back(no_search);
}

llvm::Expected<IncludeModel> IncludeModel::create(const PreprocessCommand& command, FileProbe& probe) {
  std::vector<Candidate> quote, bracket, system;
  for (const auto& d : command.include_dirs) {
    auto id = probe.directory(d.path);
    if (!id) {
      if (probe.regular_file(d.path)) {
        return make_error(ErrorCategory::cannot_predict,
                          "include directory '" + d.path + "' is not a directory (gcc fails)");
      }
      continue; // gcc silently ignores a directory that does not exist
    }
    switch (d.chain) {
    case DirChain::quote: quote.push_back({d.path, false, *id}); break;
    case DirChain::bracket: bracket.push_back({d.path, false, *id}); break;
    case DirChain::system:
    case DirChain::after: break;
    }
  }
  // The system chain is -isystem then -idirafter, in command order within each.
  for (auto chain : {DirChain::system, DirChain::after}) {
    for (const auto& d : command.include_dirs) {
      if (d.chain != chain) continue;
      if (auto id = probe.directory(d.path)) system.push_back({d.path, true, *id});
    }
  }
  system = remove_duplicates(system, {}, std::nullopt);
  bracket = remove_duplicates(bracket, system,
                              system.empty() ? std::nullopt : std::optional<llvm::sys::fs::UniqueID>(system[0].id));
  std::optional<llvm::sys::fs::UniqueID> quote_join;
  if (!bracket.empty()) {
    quote_join = bracket[0].id;
  } else if (!system.empty()) {
    quote_join = system[0].id;
  }
  quote = remove_duplicates(quote, system, quote_join);

  std::vector<Dir> dirs;
  for (const auto* chain : {&quote, &bracket, &system}) {
    for (const auto& c : *chain) {
      Dir d;
      d.name = c.name;
      d.system = c.system;
      d.chain_index = dirs.size();
      dirs.push_back(d);
    }
  }
  return IncludeModel(probe, std::move(dirs), quote.size(), command.source);
}

std::size_t IncludeModel::includer_dir(const std::string& name, bool system) {
  auto [it, inserted] = m_includer_dirs.emplace(name, m_dirs.size());
  if (inserted) {
    Dir d;
    d.name = name;
    d.system = system;
    m_dirs.push_back(d);
  }
  return it->second;
}

void IncludeModel::enter_main() {
  Record main;
  main.path = m_source;
  main.dir = m_no_search;
  main.entered = true;
  if (auto id = m_probe->regular_file(m_source)) main.id = *id;
  m_records.push_back(main);
  m_cache.emplace(std::make_pair(m_source, m_no_search), 0);
  m_deps.push_back(strip_leading_dot_slash(m_source));
  m_stack.push_back(Frame{std::size_t{0}, false});
}

void IncludeModel::enter_predefines() { m_stack.push_back(Frame{std::nullopt, false}); }

llvm::Expected<std::size_t> IncludeModel::include(std::string_view name, bool angled, DirectiveKind kind,
                                                  std::optional<llvm::sys::fs::UniqueID> clang_file,
                                                  bool includer_in_system_header) {
  const Frame includer = m_stack.empty() ? Frame{} : m_stack.back();
  const std::string includer_path = includer.record ? m_records[*includer.record].path : std::string("<command line>");
  const bool includer_system = includer.system || includer_in_system_header;
  if (!includer.record && (kind == DirectiveKind::include || kind == DirectiveKind::include_next)) {
    kind = DirectiveKind::command_line;
  }
  auto start = search_start(name, angled, kind, includer, includer_path, includer_system);
  if (!start) return start.takeError();

  const std::string written(name);
  const std::optional<std::size_t> record = find_file(written, *start);
  if (!record) {
    const std::string shown = angled ? "<" + written + ">" : "\"" + written + "\"";
    return refuse_include(
        "header " + shown + " not found: gcc would stop here (a header the module's build generates?)", includer_path);
  }
  Record& r = m_records[*record];
  if (!clang_file)
    return refuse_include("Clang did not find '" + written + "', which gcc finds as " + r.path, includer_path);
  if (*clang_file != r.id) {
    return refuse_include("gcc finds '" + written + "' as " + r.path + ", Clang found another file", includer_path);
  }
  r.system_now = includer_system || m_dirs[r.dir].system;
  return *record;
}

llvm::Expected<std::size_t> IncludeModel::search_start(std::string_view name, bool angled, DirectiveKind kind,
                                                       const Frame& includer, const std::string& includer_path,
                                                       bool includer_system) {
  if (!name.empty() && name[0] == '/') return m_no_search;
  if (kind == DirectiveKind::include_next && includer.record && !m_dirs[m_records[*includer.record].dir].no_search) {
    const Dir& found_in = m_dirs[m_records[*includer.record].dir];
    const std::size_t next = found_in.chain_index ? *found_in.chain_index + 1 : 0;
    if (next >= m_chain_size) {
      return refuse_include("#include_next <" + std::string(name) + ">: no include path left to search", includer_path);
    }
    return next;
  }
  if (angled) {
    if (m_bracket_head >= m_chain_size) {
      return refuse_include("<" + std::string(name) + ">: no include path to search", includer_path);
    }
    return m_bracket_head;
  }
  if (kind == DirectiveKind::command_line || kind == DirectiveKind::imacros) return includer_dir("./", false);
  return includer_dir(dir_name_of(includer_path), includer_system);
}

std::optional<std::size_t> IncludeModel::find_file(const std::string& written, std::size_t start) {
  if (auto hit = m_cache.find({written, start}); hit != m_cache.end()) return hit->second;
  // Along the chain from `start`; the caches of the two chain heads are consulted on the way, and the result is
  // cached for the start and for every head passed.
  std::optional<std::size_t> record, found_in_cache;
  bool saw_bracket = false, saw_quote = false;
  for (std::size_t dir = start;;) {
    const Dir& d = m_dirs[dir];
    const std::string path = d.no_search ? written : append_to_dir(d.name, written);
    if (auto id = m_probe->regular_file(path)) {
      m_records.push_back(Record{path, *id, dir});
      record = m_records.size() - 1;
      break;
    }
    const std::optional<std::size_t> next = next_dir(d);
    if (!next) break;
    dir = *next;
    if (dir == m_bracket_head) {
      saw_bracket = true;
    } else if (dir == 0) {
      saw_quote = true;
    } else {
      continue;
    }
    if (auto head = m_cache.find({written, dir}); head != m_cache.end()) {
      record = head->second;
      found_in_cache = dir;
      break;
    }
  }
  if (!record) return std::nullopt;
  m_cache.emplace(std::make_pair(written, start), *record);
  if (saw_bracket && m_bracket_head != start && found_in_cache != m_bracket_head) {
    m_cache.emplace(std::make_pair(written, m_bracket_head), *record);
  }
  if (saw_quote && start != 0 && found_in_cache != std::optional<std::size_t>(0)) {
    m_cache.emplace(std::make_pair(written, std::size_t{0}), *record);
  }
  return record;
}

std::optional<std::size_t> IncludeModel::next_dir(const Dir& d) const {
  if (d.no_search) return std::nullopt;
  if (!d.chain_index) return m_chain_size > 0 ? std::optional<std::size_t>(0) : std::nullopt;
  if (*d.chain_index + 1 < m_chain_size) return *d.chain_index + 1;
  return std::nullopt;
}

void IncludeModel::list(std::size_t record, bool system) {
  Record& r = m_records[record];
  if (r.entered) return;
  r.entered = true;
  if (!system) m_deps.push_back(strip_leading_dot_slash(r.path));
}

void IncludeModel::entered(std::size_t record) {
  const bool system = m_records[record].system_now;
  list(record, system);
  m_stack.push_back(Frame{record, system});
}

void IncludeModel::skipped(std::size_t record, bool pragma_once) {
  if (!pragma_once) list(record, m_records[record].system_now);
}

void IncludeModel::exited() {
  if (!m_stack.empty()) m_stack.pop_back();
}

} // namespace srcver::frontend
