#include <srcver/sumversion/filter.hpp>
#include <srcver/sumversion/md4.hpp>
#include <srcver/sumversion/mod_file.hpp>
#include <srcver/sumversion/srcversion.hpp>

#include <string>
#include <unordered_map>

namespace srcver::sumversion {
namespace {

using Outcome = SrcversionResult::Outcome;

// The outcome of a file that cannot be read: e5+ modpost dies; older eras lose this module's srcversion.
void fail_missing(SrcversionResult& result, const EraRules& rules, const std::string& path, llvm::Error err) {
  const std::string message = llvm::toString(std::move(err));
  if (rules.missing_is_fatal) {
    result.outcome = Outcome::modpost_fails;
    result.reason = "modpost would fail: " + path + ": " + message;
  } else {
    result.outcome = Outcome::no_srcversion;
    result.reason = "modpost cannot read " + path + " (" + message + "): no srcversion";
  }
}

} // namespace

SrcversionResult compute_srcversion(FileSource& files, const SrcversionRequest& request, const EraRules& rules) {
  SrcversionResult result;
  result.mod_file = mod_file_path(request.module_name, rules.mod_format, request.modverdir);

  auto mod_content = files.read(result.mod_file);
  if (!mod_content) {
    fail_missing(result, rules, result.mod_file, mod_content.takeError());
    return result;
  }
  auto objects = parse_mod_file(*mod_content, rules.mod_format);
  if (!objects) {
    result.outcome = Outcome::no_srcversion;
    result.reason = result.mod_file + ": " + llvm::toString(objects.takeError()) + ": no srcversion";
    return result;
  }
  result.objects = std::move(*objects);

  if (request.modversions && rules.mod_format == ModFormat::f3) {
    // 5.19+ -m: the CRC pass reads the .cmd of every entry up to the first empty line of the .mod file.
    std::string_view rest = *mod_content;
    rest = rest.substr(0, rest.find('\0'));
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const std::string_view entry = rest.substr(0, nl);
      if (entry.empty()) break;
      std::string object(entry);
      if (rules.crc_cmd_from_stem && object.size() >= 2) object = object.substr(0, object.size() - 2) + ".o";
      const std::string cmd_path = cmd_file_for_object(object);
      if (auto cmd = files.read(cmd_path); !cmd) {
        fail_missing(result, rules, cmd_path, cmd.takeError());
        return result;
      }
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
  }

  Md4 md4;
  // A file hashed again (a header of several objects) is read and filtered once: modpost reads it each time, with the
  // same bytes.
  std::unordered_map<std::string, std::string> filtered;
  for (const std::string& object : result.objects) {
    if (rules.skips_static_libs && is_static_library(object)) continue;

    const std::string cmd_path = cmd_file_for_object(object);
    auto cmd_content = files.read(cmd_path);
    if (!cmd_content) {
      fail_missing(result, rules, cmd_path, cmd_content.takeError());
      return result;
    }
    if (!rules.reads_whole_file && cmd_content->empty()) {
      result.outcome = Outcome::no_srcversion;
      result.reason = cmd_path + " is empty and cannot be mapped: no srcversion";
      return result;
    }

    const CmdFileWalk walk = walk_cmd_file(*cmd_content, object_dir(object), rules);
    for (const auto& skipped : walk.skipped)
      result.skipped.push_back({object, skipped.path, skipped.reason});
    if (walk.malformed) {
      // 5.19-6.11 free a pointer that strsep moved, unless this entry ended the .mod file without a newline.
      const std::string_view mod = *mod_content;
      const bool ended_file = &object == &result.objects.back() && !mod.empty() && mod.back() != '\n';
      if (rules.malformed_source_aborts && !ended_file) {
        result.outcome = Outcome::modpost_fails;
        result.reason = "modpost would abort (free(): invalid pointer) after " + cmd_path + ": " + walk.end;
      } else {
        result.outcome = Outcome::no_srcversion;
        result.reason = cmd_path + ": " + walk.end + ": no srcversion";
      }
      return result;
    }

    for (const auto& file : walk.files) {
      auto known = filtered.find(file.path);
      if (known == filtered.end()) {
        auto content = files.read(file.path);
        if (!content) {
          fail_missing(result, rules, file.path, content.takeError());
          return result;
        }
        if (!rules.reads_whole_file && content->empty()) {
          result.outcome = Outcome::no_srcversion;
          result.reason = file.path + " is empty and cannot be mapped: no srcversion";
          return result;
        }
        known = filtered.emplace(file.path, filter_source(*content, rules)).first;
      }
      const std::string& bytes = known->second;
      md4.update(bytes);
      if (request.keep_hash_input) result.hash_input += bytes;
      result.hashed.push_back({object, file.path, file.role, bytes.size()});
    }
  }
  result.srcversion = format_srcversion(md4.finish());
  return result;
}

} // namespace srcver::sumversion
