#pragma once
// A .cmd file as fixdep writes it (docs/srcversion-rules.md section 4):
// the command line, source_, then deps_ with two-space-indented entries
// (each followed by a four-space $(wildcard include/config/...) line when `config_lines`), then the trailer.

#include <string>
#include <vector>

inline std::string cmd_text(const std::string& target, const std::string& source, const std::vector<std::string>& deps,
                            bool config_lines = false) {
  std::string s = "savedcmd_" + target + " := gcc -c -o " + target + " " + source + "\n\n";
  s += "source_" + target + " := " + source + "\n\n";
  s += "deps_" + target + " := \\\n";
  for (const auto& d : deps) {
    s += "  " + d + " \\\n";
    if (config_lines) s += "    $(wildcard include/config/FOO) \\\n";
  }
  s += "\n" + target + ": $(deps_" + target + ")\n\n$(deps_" + target + "):\n";
  return s;
}
