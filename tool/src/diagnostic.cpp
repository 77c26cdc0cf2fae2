#include <srcver/base/error.hpp>
#include <srcver/tool/diagnostic.hpp>

#include <fmt/core.h>

#include <cstdio>

namespace srcver::tool {

namespace {

void print_line(std::string_view prefix, std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
    text.remove_suffix(1);
  fmt::print(stderr, "srcversion-predict: {}{}\n", prefix, printable(text, /*keep_newlines=*/true));
}

} // namespace

void print_diagnostic(std::string_view text) { print_line("", text); }

void print_warning(std::string_view text) { print_line("warning: ", text); }

} // namespace srcver::tool
