#include <srcver/sumversion/filter.hpp>

namespace srcver::sumversion {

std::string filter_source(std::string_view content, const EraRules& rules) {
  if (rules.reads_whole_file) {
    // e5+: the file is read into a NUL-terminated buffer and measured with strlen.
    content = content.substr(0, content.find('\0'));
  }
  const std::size_t len = content.size();
  // The byte at `i`, or 0 past the end: the NUL terminator (e5+) or the rest of the mmap page (older eras).
  auto at = [&](std::size_t i) -> unsigned char { return i < len ? static_cast<unsigned char>(content[i]) : 0; };

  std::string out;
  out.reserve(len);
  std::size_t i = 0;
  while (i < len) {
    const unsigned char c = at(i);
    if (c == '\\' && at(i + 1) == '\n' && i + 1 < len) {
      i += 2;
    } else if (is_c_space(c)) {
      i += 1;
    } else if (c == '"') {
      // String: hashed verbatim up to and including the first quote whose previous byte is not a backslash.
      out.push_back('"');
      std::size_t j = i + 1;
      for (; j < len; ++j) {
        out.push_back(content[j]);
        if (content[j] == '"' && content[j - 1] != '\\') break;
      }
      i = j + 1;
    } else if (c == '/' && at(i + 1) == '*') {
      // Comment: ends at the first j >= i+2 with "*/" at j-1..j; unterminated swallows the rest.
      std::size_t j = i + 2;
      while (j < len && !(content[j - 1] == '*' && content[j] == '/'))
        ++j;
      i = j + 1;
    } else {
      out.push_back(static_cast<char>(c));
      i += 1;
    }
  }
  return out;
}

} // namespace srcver::sumversion
