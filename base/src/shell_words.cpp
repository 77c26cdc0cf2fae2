#include <srcver/base/shell_words.hpp>

namespace srcver::base {

std::vector<std::string> shell_split(std::string_view text, bool stop_at_separator) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  std::size_t i = 0;
  auto finish = [&] {
    if (in_word) words.push_back(word);
    word.clear();
    in_word = false;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      finish();
      ++i;
    } else if (stop_at_separator && (c == ';' || c == '|' || (c == '&' && i + 1 < text.size() && text[i + 1] == '&'))) {
      break;
    } else if (c == '\'') {
      in_word = true;
      const std::size_t end = text.find('\'', i + 1);
      const std::size_t stop = end == std::string_view::npos ? text.size() : end;
      word.append(text.substr(i + 1, stop - i - 1));
      i = stop + 1;
    } else if (c == '"') {
      in_word = true;
      ++i;
      while (i < text.size() && text[i] != '"') {
        // Inside double quotes a backslash escapes only $ ` " \ and newline.
        if (text[i] == '\\' && i + 1 < text.size() &&
            (text[i + 1] == '$' || text[i + 1] == '`' || text[i + 1] == '"' || text[i + 1] == '\\' ||
             text[i + 1] == '\n')) {
          if (text[i + 1] != '\n') word.push_back(text[i + 1]);
          i += 2;
        } else {
          word.push_back(text[i++]);
        }
      }
      ++i;
    } else if (c == '\\' && i + 1 < text.size()) {
      if (text[i + 1] != '\n') {
        in_word = true;
        word.push_back(text[i + 1]);
      }
      i += 2;
    } else {
      in_word = true;
      word.push_back(c);
      ++i;
    }
  }
  finish();
  return words;
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

} // namespace srcver::base
