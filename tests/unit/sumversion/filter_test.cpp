// The source filter, byte by byte (docs/srcversion-rules.md section 1.3).
// Expected bytes are derived from its rules; the same inputs'
// srcversions from real modpost runs are checked in modpost_fixtures_test.cpp.

#include <srcver/sumversion/filter.hpp>

#include <gtest/gtest.h>

using namespace srcver::sumversion;
using namespace std::string_literals;

namespace {

const EraRules k_e6 = rules_for({Era::e6, ModFormat::f3});
const EraRules k_e4 = rules_for({Era::e4, ModFormat::f2});

std::string e6(std::string_view in) { return filter_source(in, k_e6); }

} // namespace

TEST(Filter, OnlyTheSixCLocaleSpacesAreDropped) {
  EXPECT_EQ(e6("a \t\n\v\f\rb"), "ab");
  // 0x1C-0x1F, 0x85, 0xA0 and 0xFF are not spaces in the C locale (Python's isspace says otherwise).
  EXPECT_EQ(e6("a\x1c\x1d\x1e\x1f\x85\xa0\xff"
               "b"),
            "a\x1c\x1d\x1e\x1f\x85\xa0\xff"
            "b");
}

TEST(Filter, BackslashNewlineIsDroppedButNotBackslashCrLf) {
  EXPECT_EQ(e6("#define X a \\\n b"), "#defineXab");
  EXPECT_EQ(e6("#define X a \\\r\n b"), "#defineXa\\b");
  EXPECT_EQ(e6("x \\"), "x\\"); // a trailing backslash is hashed
}

TEST(Filter, StringsAreHashedRawUpToAnUnescapedQuote) {
  EXPECT_EQ(e6("s = \"a /* b */ c\" ;"), "s=\"a /* b */ c\";");
  EXPECT_EQ(e6("\"\\\"\" x"), "\"\\\"\"x");
  // `\\"` does not close: the string runs on to the next quote.
  EXPECT_EQ(e6("a \"x\\\\\" y z \"w\" v"), "a\"x\\\\\" y z \"w\" v");
  // An unterminated string hashes everything to the end, newlines included.
  EXPECT_EQ(e6("a \"b c\n d /* e"), "a\"b c\n d /* e");
  // A quote inside a character literal opens a string.
  EXPECT_EQ(e6("char c = '\"'; int  x = 1; /* c */ \"tail\""), "charc='\"'; int  x = 1; /* c */ \"tail\"");
  // The string's own opening quote counts as the byte before: "" is closed at once.
  EXPECT_EQ(e6("\"\" a"), "\"\"a");
}

TEST(Filter, CommentsEndAtTheFirstStarSlashEvenTheOpenersStar) {
  EXPECT_EQ(e6("a /*/ b */ c /**/ d /*"), "ab*/cd");
  EXPECT_EQ(e6("int a; /* never closed\n int b;"), "inta;");
  EXPECT_EQ(e6("int a; /"), "inta;/"); // a trailing slash is hashed
  EXPECT_EQ(e6("x /* y */"), "x");
}

TEST(Filter, LineCommentsAreNotComments) { EXPECT_EQ(e6("a // it's \"b\"\nc"), "a//it's\"b\"c"); }

// e5+ reads the file as a C string: a NUL byte ends it. <= e4 maps the file: the NUL is hashed.
TEST(Filter, NulByteEndsTheFileFromE5On) {
  const std::string content = "int a;\0 int b;\n"s;
  EXPECT_EQ(filter_source(content, k_e6), "inta;");
  EXPECT_EQ(filter_source(content, rules_for({Era::e5, ModFormat::f3})), "inta;");
  EXPECT_EQ(filter_source(content, k_e4), "inta;\0intb;"s);
}

// <= e4: the byte after the end of the mapping reads as 0, so a trailing '/' is hashed there too.
TEST(Filter, OldErasReadZeroPastTheEnd) {
  EXPECT_EQ(filter_source("a /", k_e4), "a/");
  EXPECT_EQ(filter_source("/*", k_e4), "");
}
