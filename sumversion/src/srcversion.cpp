#include <srcver/sumversion/filter.hpp>
#include <srcver/sumversion/md4.hpp>
#include <srcver/sumversion/mod_file.hpp>
#include <srcver/sumversion/srcversion.hpp>

#include <optional>
#include <string>
#include <unordered_map>

namespace srcver::sumversion {
namespace {

using Outcome = SrcversionResult::Outcome;

// One module's computation, step by step as modpost's sumversion goes (docs/srcversion-rules.md sections 1.1-1.3):
// the inputs, the single MD4 stream of the module and the result being filled. A step that decides the outcome
// (no srcversion, or modpost fails) records it in the result and returns false (or nullopt): the computation stops
// there, as modpost gives up there.
class Sumversion {
public:
  Sumversion(FileSource& files, const SrcversionRequest& request, const EraRules& rules)
      : m_files(files), m_request(request), m_rules(rules) {}

  SrcversionResult run() {
    if (!read_object_list()) return std::move(m_result);
    if (m_request.modversions && m_rules.mod_format == ModFormat::f3 && !open_crc_pass_cmd_files())
      return std::move(m_result);
    for (std::size_t i = 0; i < m_result.objects.size(); ++i) {
      const std::string& object = m_result.objects[i];
      if (m_rules.skips_static_libs && is_static_library(object)) continue;
      if (!hash_object(object, i + 1 == m_result.objects.size())) return std::move(m_result);
    }
    m_result.srcversion = format_srcversion(m_md4.finish());
    return std::move(m_result);
  }

private:
  // Section 1.1: the .mod file (or F1's $MODVERDIR/<base>.mod) and its entries.
  bool read_object_list() {
    m_result.mod_file = mod_file_path(m_request.module_name, m_rules.mod_format, m_request.modverdir);
    auto mod_content = read(m_result.mod_file);
    if (!mod_content) return false;
    m_mod_content = std::move(*mod_content);
    auto objects = parse_mod_file(m_mod_content, m_rules.mod_format);
    if (!objects) {
      m_result.outcome = Outcome::no_srcversion;
      m_result.reason = m_result.mod_file + ": " + llvm::toString(objects.takeError()) + ": no srcversion";
      return false;
    }
    m_result.objects = std::move(*objects);
    return true;
  }

  // Section 1.1, the symbol-CRC pass: 5.19+ -m reads the .cmd of every entry up to the first empty line of the .mod
  // file.
  bool open_crc_pass_cmd_files() {
    std::string_view rest = m_mod_content;
    rest = rest.substr(0, rest.find('\0'));
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const std::string_view entry = rest.substr(0, nl);
      if (entry.empty()) break;
      std::string object(entry);
      if (m_rules.crc_cmd_from_stem && object.size() >= 2) object = object.substr(0, object.size() - 2) + ".o";
      if (!read(cmd_file_for_object(object))) return false;
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    return true;
  }

  // Section 1.2: one entry's .cmd file, walked, then the files it names hashed in order.
  bool hash_object(const std::string& object, bool last_entry) {
    const std::string cmd_path = cmd_file_for_object(object);
    auto cmd_content = read_mapped(cmd_path);
    if (!cmd_content) return false;

    const CmdFileWalk walk = walk_cmd_file(*cmd_content, object_dir(object), m_rules);
    for (const auto& skipped : walk.skipped)
      m_result.skipped.push_back({object, skipped.path, skipped.reason});
    if (walk.malformed) {
      give_up_on_malformed(cmd_path, walk, last_entry);
      return false;
    }
    for (const auto& file : walk.files) {
      if (!hash_file(object, file)) return false;
    }
    return true;
  }

  // Section 1.2 step 4a: a `source_` line without a space. 5.19-6.11 free a pointer that strsep moved, unless this
  // entry ended the .mod file without a newline.
  void give_up_on_malformed(const std::string& cmd_path, const CmdFileWalk& walk, bool last_entry) {
    const std::string_view mod = m_mod_content;
    const bool ended_file = last_entry && !mod.empty() && mod.back() != '\n';
    if (m_rules.malformed_source_aborts && !ended_file) {
      m_result.outcome = Outcome::modpost_fails;
      m_result.reason = "modpost would abort (free(): invalid pointer) after " + cmd_path + ": " + walk.end;
    } else {
      m_result.outcome = Outcome::no_srcversion;
      m_result.reason = cmd_path + ": " + walk.end + ": no srcversion";
    }
  }

  // Section 1.3: one file's filtered bytes into the stream.
  bool hash_file(const std::string& object, const CmdFileWalk::File& file) {
    // A file hashed again (a header of several objects) is read and filtered once: modpost reads it each time, with
    // the same bytes.
    auto known = m_filtered.find(file.path);
    if (known == m_filtered.end()) {
      auto content = read_mapped(file.path);
      if (!content) return false;
      known = m_filtered.emplace(file.path, filter_source(*content, m_rules)).first;
    }
    const std::string& bytes = known->second;
    m_md4.update(bytes);
    if (m_request.keep_hash_input) m_result.hash_input += bytes;
    m_result.hashed.push_back({object, file.path, file.role, bytes.size()});
    return true;
  }

  // A file modpost opens. One that cannot be read: e5+ modpost dies; older eras lose this module's srcversion.
  std::optional<std::string> read(const std::string& path) {
    auto content = m_files.read(path);
    if (content) return std::move(*content);
    const std::string message = llvm::toString(content.takeError());
    if (m_rules.missing_is_fatal) {
      m_result.outcome = Outcome::modpost_fails;
      m_result.reason = "modpost would fail: " + path + ": " + message;
    } else {
      m_result.outcome = Outcome::no_srcversion;
      m_result.reason = "modpost cannot read " + path + " (" + message + "): no srcversion";
    }
    return std::nullopt;
  }

  // A .cmd or hashed file, which E1-E4 memory-map: an empty one cannot be mapped, and the module gets no srcversion.
  std::optional<std::string> read_mapped(const std::string& path) {
    auto content = read(path);
    if (content && !m_rules.reads_whole_file && content->empty()) {
      m_result.outcome = Outcome::no_srcversion;
      m_result.reason = path + " is empty and cannot be mapped: no srcversion";
      return std::nullopt;
    }
    return content;
  }

  FileSource& m_files;
  const SrcversionRequest& m_request;
  const EraRules& m_rules;
  SrcversionResult m_result;
  std::string m_mod_content;
  Md4 m_md4;
  std::unordered_map<std::string, std::string> m_filtered; // path -> filtered bytes
};

} // namespace

SrcversionResult compute_srcversion(FileSource& files, const SrcversionRequest& request, const EraRules& rules) {
  return Sumversion(files, request, rules).run();
}

} // namespace srcver::sumversion
