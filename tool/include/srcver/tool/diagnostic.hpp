#pragma once
// The CLI's diagnostics on stderr: one call, one message, "srcversion-predict: <text>". The text goes through
// srcver::printable() (a path or file content never puts raw bytes on the terminal; make's own lines quoted in a
// message stay lines) and loses its trailing blank lines.

#include <string_view>

namespace srcver::tool {

// "srcversion-predict: <text>"
void print_diagnostic(std::string_view text);

// "srcversion-predict: warning: <text>": something the user should know that changes neither output nor status.
void print_warning(std::string_view text);

} // namespace srcver::tool
