#include <srcver/kbuild_shim/list_commands.hpp>

#include <llvm/ADT/StringRef.h>

#include <regex>
#include <set>
#include <sstream>

namespace srcver::kbuild_shim {
namespace {

// Words without any character the shell or echo would treat specially.
const char* const k_plain = R"([^\s'"\\$`|&;<>(){}*?\[\]#~=%]+)";

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  std::string w;
  while (in >> w)
    words.push_back(w);
  return words;
}

} // namespace

std::optional<ListCommand>
evaluate_list_command(const std::string& command,
                      const std::function<std::optional<std::string>(const std::string&)>& read_file) {
  static const std::regex k_mod(std::string(R"(^\s*printf '%s\\n'((?:\s+)") + k_plain +
                                R"()*)\s*\|\s*[\w/.-]*awk '!x\[\$0\]\+\+ \{ print\("()" + k_plain +
                                R"()?"\$0\) \}'\s*>\s*()" + k_plain + R"()\s*$)");
  static const std::regex k_order(std::string(R"(^\s*\{((?:\s*(?:echo|cat)\s+)") + k_plain +
                                  R"(\s*;)*)\s*:;\s*\}\s*>\s*()" + k_plain + R"()\s*$)");
  std::smatch m;
  if (std::regex_match(command, m, k_mod)) {
    std::vector<std::string> objects = words_of(m[1].str());
    if (objects.empty()) objects.push_back(""); // printf with no argument still prints one (empty) line
    ListCommand out{m[3].str(), {}};
    std::set<std::string> seen;
    for (const std::string& o : objects) {
      if (seen.insert(o).second) out.content += m[2].str() + o + "\n";
    }
    return out;
  }
  if (std::regex_match(command, m, k_order)) {
    ListCommand out{m[2].str(), {}};
    std::istringstream steps(m[1].str());
    std::string step;
    while (std::getline(steps, step, ';')) {
      const std::vector<std::string> w = words_of(step);
      if (w.empty()) continue;
      if (w.size() != 2) return std::nullopt;
      if (w[0] == "echo") {
        out.content += w[1] + "\n";
      } else {
        const auto content = read_file(w[1]);
        if (!content) return std::nullopt;
        out.content += *content;
      }
    }
    return out;
  }
  return std::nullopt;
}

} // namespace srcver::kbuild_shim
