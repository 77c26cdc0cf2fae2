// Shell word splitting, as Kbuild's recorded commands are split when compared with planned ones.

#include <srcver/base/shell_words.hpp>

#include <gtest/gtest.h>

using srcver::base::shell_quote;
using srcver::base::shell_split;
using Words = std::vector<std::string>;

TEST(ShellWords, QuotesAndEscapes) {
  EXPECT_EQ(shell_split("  gcc -c  -o x.o x.c "), (Words{"gcc", "-c", "-o", "x.o", "x.c"}));
  EXPECT_EQ(shell_split("-DKBUILD_MODNAME='\"hello\"'"), (Words{"-DKBUILD_MODNAME=\"hello\""}));
  EXPECT_EQ(shell_split("-D'A B' \"C D\" E\\ F"), (Words{"-DA B", "C D", "E F"}));
  EXPECT_EQ(shell_split("\"a\\\"b\\$c\\d\""), (Words{"a\"b$c\\d"}));
  EXPECT_EQ(shell_split("''"), (Words{""}));
  EXPECT_EQ(shell_split("'it'\\''s'"), (Words{"it's"}));
}

TEST(ShellWords, StopsAtTheFirstUnquotedSeparator) {
  EXPECT_EQ(shell_split("gcc -c x.c ; objtool x.o", true), (Words{"gcc", "-c", "x.c"}));
  EXPECT_EQ(shell_split("gcc '-Da;b' x.c; objtool", true), (Words{"gcc", "-Da;b", "x.c"}));
  EXPECT_EQ(shell_split("gcc \"-D;\" x.c | tee", true), (Words{"gcc", "-D;", "x.c"}));
  EXPECT_EQ(shell_split("a && b", true), (Words{"a"}));
  EXPECT_EQ(shell_split("a ; b"), (Words{"a", ";", "b"}));
}

TEST(ShellWords, QuoteRoundTrips) {
  for (const char* s : {"", "plain", "it's", "a b", "'\"$x\"'", "\\"}) {
    EXPECT_EQ(shell_split(shell_quote(s)), (Words{s})) << s;
  }
}
