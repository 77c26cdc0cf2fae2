// Era selection from kernel versions (docs/srcversion-rules.md section 2),
// including the stable fix points of the 5.8 trim regression.

#include <srcver/sumversion/era.hpp>

#include <gtest/gtest.h>

using namespace srcver::sumversion;
using srcver::parse_kernel_version;

namespace {

std::string era_of(const char* version) {
  auto v = parse_kernel_version(version);
  EXPECT_TRUE(static_cast<bool>(v)) << version;
  if (!v) {
    llvm::consumeError(v.takeError());
    return "bad";
  }
  auto era = era_for_version(*v);
  if (!era) {
    llvm::consumeError(era.takeError());
    return "unpinned";
  }
  return era_name(*era);
}

} // namespace

TEST(Era, FromVersion) {
  EXPECT_EQ(era_of("2.6.18"), "E1");
  EXPECT_EQ(era_of("2.6.32"), "E2");
  EXPECT_EQ(era_of("3.4.0"), "E3");
  EXPECT_EQ(era_of("3.10.0"), "E3");
  EXPECT_EQ(era_of("4.18.0"), "E3");
  EXPECT_EQ(era_of("5.2.21"), "E3");
  EXPECT_EQ(era_of("5.3.0"), "E4");
  EXPECT_EQ(era_of("5.4.280"), "E4");
  EXPECT_EQ(era_of("5.8.0"), "E5/F2");
  EXPECT_EQ(era_of("5.14.0"), "E5/F2");
  EXPECT_EQ(era_of("5.18.19"), "E5/F2");
  EXPECT_EQ(era_of("5.19.0"), "E5/F3");
  EXPECT_EQ(era_of("6.7.5"), "E5/F3");
  EXPECT_EQ(era_of("6.8"), "E6");
  EXPECT_EQ(era_of("6.12.111"), "E6");
  EXPECT_EQ(era_of("6.13.0"), "E7");
  EXPECT_EQ(era_of("7.2.12"), "E7");
}

TEST(Era, StableBackportsOfTheTrimFix) {
  EXPECT_EQ(era_of("5.10.209"), "E5/F2");
  EXPECT_EQ(era_of("5.10.210"), "E6/F2");
  EXPECT_EQ(era_of("5.15.148"), "E5/F2");
  EXPECT_EQ(era_of("5.15.149"), "E6/F2");
  EXPECT_EQ(era_of("6.1.78"), "E5/F3");
  EXPECT_EQ(era_of("6.1.79"), "E6");
  EXPECT_EQ(era_of("6.1.192"), "E6"); // Debian 6.1.0-56
  EXPECT_EQ(era_of("6.6.17"), "E5/F3");
  EXPECT_EQ(era_of("6.6.18"), "E6");
  EXPECT_EQ(era_of("6.7.5"), "E5/F3");
  EXPECT_EQ(era_of("6.7.6"), "E6");
  // Branches that ended before the fix stay e5 whatever their patch level.
  EXPECT_EQ(era_of("6.2.16"), "E5/F3");
  EXPECT_EQ(era_of("5.19.17"), "E5/F3");
}

TEST(Era, OldBoundaries) {
  EXPECT_EQ(era_of("2.6.27"), "E1");
  EXPECT_EQ(era_of("2.6.28"), "E2");
  EXPECT_EQ(era_of("2.6.37"), "E2");
  EXPECT_EQ(era_of("2.6.38"), "E3");
  EXPECT_EQ(era_of("3.0.0"), "E3");
}

TEST(Era, Parse) {
  auto name = [](const char* text) {
    auto era = parse_era(text);
    if (!era) {
      llvm::consumeError(era.takeError());
      return std::string("error");
    }
    return era_name(*era);
  };
  EXPECT_EQ(name("E6"), "E6");
  EXPECT_EQ(name("e7"), "E7");
  EXPECT_EQ(name("E5/F2"), "E5/F2");
  EXPECT_EQ(name("e5/f3"), "E5/F3");
  EXPECT_EQ(name("E6/F2"), "E6/F2");
  EXPECT_EQ(name("E6/F3"), "E6");
  EXPECT_EQ(name("E3"), "E3");
  EXPECT_EQ(name("E4"), "E4");
  EXPECT_EQ(name("E5"), "error");
  EXPECT_EQ(name("E8"), "error");
  EXPECT_EQ(name("6.1"), "error");
  EXPECT_EQ(name("E6/F4"), "error");
  // The formats a kernel of the era had, and no other (the man page offered /F1 for every era).
  EXPECT_EQ(name("E3/F1"), "E3");
  EXPECT_EQ(name("E4/F2"), "E4");
  EXPECT_EQ(name("E7/F3"), "E7");
  EXPECT_EQ(name("E1/F2"), "error");
  EXPECT_EQ(name("E4/F1"), "error");
  EXPECT_EQ(name("E5/F1"), "error");
  EXPECT_EQ(name("E6/F1"), "error");
  EXPECT_EQ(name("E7/F2"), "error");
}

TEST(Era, RulesPerEra) {
  const EraRules e1 = rules_for({Era::e1, ModFormat::f1});
  EXPECT_FALSE(e1.has_source_line);
  EXPECT_FALSE(e1.skips_static_libs);
  EXPECT_TRUE(e1.old_line_reader);
  EXPECT_FALSE(e1.reads_whole_file);
  EXPECT_FALSE(e1.missing_is_fatal);
  EXPECT_TRUE(rules_for({Era::e2, ModFormat::f1}).skips_static_libs);
  EXPECT_TRUE(rules_for({Era::e3, ModFormat::f1}).has_source_line);
  const EraRules e5 = rules_for({Era::e5, ModFormat::f3});
  EXPECT_FALSE(e5.trims_lines);
  EXPECT_FALSE(e5.old_line_reader);
  EXPECT_TRUE(e5.reads_whole_file);
  EXPECT_TRUE(e5.missing_is_fatal);
  EXPECT_TRUE(rules_for({Era::e6, ModFormat::f3}).trims_lines);
}
