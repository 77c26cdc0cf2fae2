#include <srcver/base/error.hpp>
#include <srcver/sumversion/mod_file.hpp>

namespace srcver::sumversion {
namespace {

void split_into(std::string_view text, char separator, std::vector<std::string>& out) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(separator, pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) out.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
}

} // namespace

std::string mod_file_path(std::string_view module_name, ModFormat format, std::string_view modverdir) {
  if (format == ModFormat::f1) {
    const std::size_t slash = module_name.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? module_name : module_name.substr(slash + 1);
    std::string path(modverdir);
    if (!path.empty() && path.back() != '/') path += '/';
    path += base;
    path += ".mod";
    return path;
  }
  std::string path(module_name);
  path += ".mod";
  return path;
}

llvm::Expected<std::vector<std::string>> parse_mod_file(std::string_view content, ModFormat format) {
  // Every era reads the file as a C string.
  content = content.substr(0, content.find('\0'));
  std::vector<std::string> entries;
  switch (format) {
  case ModFormat::f1: {
    const std::size_t nl1 = content.find('\n');
    if (nl1 == std::string_view::npos) {
      return make_error(ErrorCategory::input, "object list file has no second line");
    }
    const std::size_t nl2 = content.find('\n', nl1 + 1);
    if (nl2 == std::string_view::npos) {
      return make_error(ErrorCategory::input, "object list file's second line is not terminated");
    }
    split_into(content.substr(nl1 + 1, nl2 - nl1 - 1), ' ', entries);
    break;
  }
  case ModFormat::f2: split_into(content.substr(0, content.find('\n')), ' ', entries); break;
  case ModFormat::f3: split_into(content, '\n', entries); break;
  }
  return entries;
}

bool is_static_library(std::string_view entry) {
  return entry.size() >= 2 && entry[entry.size() - 2] == '.' && entry.back() == 'a';
}

} // namespace srcver::sumversion
