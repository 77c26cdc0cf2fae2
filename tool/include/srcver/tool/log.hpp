#pragma once
// The one logging facility: off unless -v, to stderr. Libraries below tool/ never log.

#include <fmt/core.h>

#include <cstdio>

namespace srcver::log {

void set_enabled(bool enabled);
bool enabled();

} // namespace srcver::log

#define SRCVER_LOG(...)                                                                                                \
  do {                                                                                                                 \
    if (::srcver::log::enabled()) {                                                                                    \
      ::fmt::print(stderr, "srcversion-predict: ");                                                                    \
      ::fmt::print(stderr, __VA_ARGS__);                                                                               \
      ::fmt::print(stderr, "\n");                                                                                      \
    }                                                                                                                  \
  } while (false)
