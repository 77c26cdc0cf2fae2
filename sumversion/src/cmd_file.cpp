#include <srcver/sumversion/cmd_file.hpp>
#include <srcver/sumversion/filter.hpp>

#include <optional>

namespace srcver::sumversion {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Yields the lines of a .cmd file the way the era's modpost reads them.
class LineReader {
public:
  LineReader(std::string_view content, const EraRules& rules) : m_rules(rules) {
    // e5+ reads the file into a NUL-terminated buffer: a NUL byte ends it. The old reader works on the mapping.
    m_content = rules.old_line_reader ? content : content.substr(0, content.find('\0'));
  }

  // The next line, or nullopt at the end. `long_line` is set when the old reader gave up on a line > 4095 bytes.
  std::optional<std::string_view> next() { return m_rules.old_line_reader ? next_old() : next_new(); }
  bool hit_long_line() const { return m_long_line; }

private:
  // e5+ get_line: split at LF; empty lines are returned; a final fragment without LF is returned.
  std::optional<std::string_view> next_new() {
    if (m_pos >= m_content.size()) return std::nullopt;
    const std::size_t nl = m_content.find('\n', m_pos);
    const std::size_t end = nl == std::string_view::npos ? m_content.size() : nl;
    std::string_view line = m_content.substr(m_pos, end - m_pos);
    m_pos = nl == std::string_view::npos ? m_content.size() : nl + 1;
    if (m_rules.trims_lines) {
      std::size_t k = 0;
      while (k < line.size() && is_c_space(static_cast<unsigned char>(line[k])))
        ++k;
      line.remove_prefix(k);
    }
    return line;
  }

  // <= e4 get_next_line: skips leading spaces (LF included, so no blank lines), returns a line only when its LF is
  // found (a last line without LF is dropped), and ends the file at a line longer than 4095 bytes. The line is
  // copied into a C string, so a NUL byte inside it ends it.
  std::optional<std::string_view> next_old() {
    while (m_pos < m_content.size() && is_c_space(static_cast<unsigned char>(m_content[m_pos])))
      ++m_pos;
    const std::size_t start = m_pos;
    for (std::size_t len = 0; m_pos < m_content.size(); ++m_pos) {
      if (m_content[m_pos] == '\n') {
        std::string_view line = m_content.substr(start, m_pos - start);
        ++m_pos;
        return line.substr(0, line.find('\0'));
      }
      if (++len > 4095) {
        m_long_line = true;
        m_pos = m_content.size();
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  const EraRules& m_rules;
  std::string_view m_content;
  std::size_t m_pos = 0;
  bool m_long_line = false;
};

} // namespace

std::string_view object_dir(std::string_view object) {
  const std::size_t slash = object.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : object.substr(0, slash + 1);
}

std::string cmd_file_for_object(std::string_view object) {
  const std::string_view dir = object_dir(object);
  std::string path(dir);
  path += '.';
  path += object.substr(dir.size());
  path += ".cmd";
  return path;
}

bool same_directory(std::string_view path, std::string_view dir) {
  const std::size_t first = path.find(dir);
  const std::size_t last_slash = path.rfind('/');
  if (first != std::string_view::npos && last_slash != std::string_view::npos) {
    return first + dir.size() - 1 == last_slash; // for dir "" this wraps to npos and never matches
  }
  // modpost compares pointers: strstr() NULL + len - 1 equals strrchr() NULL only when len == 1.
  return first == std::string_view::npos && last_slash == std::string_view::npos && dir.size() == 1;
}

namespace {

// Why a dependency fails modpost's same-directory test, in the terms of --explain.
std::string why_not_same_directory(std::string_view path, std::string_view dir) {
  const std::string quoted = "\"" + std::string(dir) + "\"";
  if (dir.empty()) return "the object is named without a directory, so no dependency passes modpost's directory test";
  if (path.find('/') == std::string_view::npos) return "spelled without a directory (the object's is " + quoted + ")";
  const std::size_t first = path.find(dir);
  if (first != std::string_view::npos) {
    if (path.find("/../") != std::string_view::npos || path.find("/./") != std::string_view::npos) {
      return "spelled with '..' or '.' after " + quoted + ": modpost compares spellings, not files";
    }
    return "in a subdirectory of " + quoted + " (modpost's test wants the object's own directory)";
  }
  return "not in the object's directory " + quoted;
}

} // namespace

CmdFileWalk walk_cmd_file(std::string_view content, std::string_view dir, const EraRules& rules) {
  CmdFileWalk walk;
  LineReader reader(content, rules);
  bool in_deps = false;
  while (auto line = reader.next()) {
    const std::string_view l = *line;
    if (rules.has_source_line && starts_with(l, "source_")) {
      const std::size_t space = l.rfind(' ');
      if (space == std::string_view::npos) {
        walk.malformed = true;
        walk.end = "malformed source_ line (no space)";
        return walk;
      }
      walk.files.push_back({CmdFileWalk::Role::source, std::string(l.substr(space + 1))});
      continue;
    }
    if (starts_with(l, "deps_")) {
      in_deps = true;
      continue;
    }
    if (!in_deps) continue;
    if (l.empty() || l.back() != '\\') {
      walk.end = l.empty() ? "blank line after the dependency list" : "line without a trailing backslash";
      return walk;
    }
    std::size_t cut = 0;
    while (cut < l.size() && !is_c_space(static_cast<unsigned char>(l[cut])))
      ++cut;
    const std::string_view path = l.substr(0, cut);
    if (same_directory(path, dir)) {
      walk.files.push_back({CmdFileWalk::Role::dep, std::string(path)});
    } else if (path.empty()) {
      walk.skipped.push_back({std::string(path), "indented dependency line, not trimmed in this era"});
    } else if (starts_with(path, "$(wildcard")) {
      walk.skipped.push_back({std::string(path), "config dependency"});
    } else {
      walk.skipped.push_back({std::string(path), why_not_same_directory(path, dir)});
    }
  }
  walk.end = reader.hit_long_line() ? "line longer than 4095 bytes ends the file (old line reader)" : "end of file";
  return walk;
}

} // namespace srcver::sumversion
