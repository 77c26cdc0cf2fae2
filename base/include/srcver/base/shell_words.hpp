#pragma once
// Splitting a command line as the POSIX shell splits it into words (quotes and backslashes; no expansions), which is
// how Kbuild's recorded commands are compared with planned ones.

#include <string>
#include <string_view>
#include <vector>

namespace srcver::base {

// The words of `text`. With `stop_at_separator`, stops at the first unquoted ';', '&&', '||' or '|'
// (the compile command of a `.o.cmd` line ends at its first ';').
std::vector<std::string> shell_split(std::string_view text, bool stop_at_separator = false);

// `text` inside single quotes, as Kbuild's escsq + '...' write it: ' becomes '\''.
std::string shell_quote(std::string_view text);

} // namespace srcver::base
