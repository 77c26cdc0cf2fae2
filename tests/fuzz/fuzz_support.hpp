#pragma once
// Shared by the fuzz targets (tests/fuzz/): every era setting modpost distinguishes, and the check that turns a broken
// invariant into a finding.

#include <srcver/sumversion/era.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace srcver::fuzz {

// Each era with its usual object-list format, and the second format of the two eras that span two (E5/F2, E6/F2).
inline constexpr std::array<sumversion::EraSetting, 9> k_era_settings{{
    {sumversion::Era::e1, sumversion::ModFormat::f1},
    {sumversion::Era::e2, sumversion::ModFormat::f1},
    {sumversion::Era::e3, sumversion::ModFormat::f1},
    {sumversion::Era::e4, sumversion::ModFormat::f2},
    {sumversion::Era::e5, sumversion::ModFormat::f2},
    {sumversion::Era::e5, sumversion::ModFormat::f3},
    {sumversion::Era::e6, sumversion::ModFormat::f2},
    {sumversion::Era::e6, sumversion::ModFormat::f3},
    {sumversion::Era::e7, sumversion::ModFormat::f3},
}};

// Stops the run when `ok` is false: an invariant of the code under test does not hold for this input. libFuzzer
// keeps the input (crash-<sha1>) like any other crash; the standalone driver fails the test.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: invariant broken: %s\n", what);
  std::abort();
}

// The input as bytes; `data` may be null when `size` is 0.
inline std::string_view as_view(const unsigned char* data, std::size_t size) {
  return size == 0 ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(data), size);
}

} // namespace srcver::fuzz
