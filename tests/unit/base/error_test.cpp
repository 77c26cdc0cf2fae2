// printable(): what the CLI prints of a path or of file content is never raw binary (issue 13: from-build on a
// garbage .mod printed its bytes to the terminal).

#include <srcver/base/error.hpp>

#include <gtest/gtest.h>

using srcver::printable;

TEST(Printable, KeepsPrintableTextAndUtf8) {
  EXPECT_EQ(printable("/usr/src/hello-1.0/hello.c"), "/usr/src/hello-1.0/hello.c");
  EXPECT_EQ(printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(printable("a b$c`d;e'f\"g\\h"), "a b$c`d;e'f\"g\\h");
}

TEST(Printable, EscapesControlsAndInvalidBytes) {
  EXPECT_EQ(printable(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("\x01\x1b[31m\x7f"), "\\x01\\x1b[31m\\x7f");
  EXPECT_EQ(printable("line\r\n\tx"), "line\\r\\n\\tx");
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");                   // never valid in UTF-8
  EXPECT_EQ(printable("\xc3"), "\\xc3");                            // a sequence cut short
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");                   // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");          // a surrogate
  EXPECT_EQ(printable("\xc2\x9b"), "\\xc2\\x9b");                   // C1 control CSI
  EXPECT_EQ(printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); // above U+10FFFF
}

TEST(Printable, NewlinesKeptOnRequestAndIdempotent) {
  EXPECT_EQ(printable("make: *** x\nStop.\n", /*keep_newlines=*/true), "make: *** x\nStop.\n");
  const std::string once = printable("\x01\xff\n");
  EXPECT_EQ(printable(once), once);
}

TEST(Printable, ErrorTextIsEscaped) {
  const srcver::ErrorReport report =
      srcver::take_error(srcver::make_error(srcver::ErrorCategory::input, "bad \x02 byte\nsecond line", "/tmp/\xff"));
  EXPECT_EQ(report.message, "/tmp/\\xff: bad \\x02 byte\nsecond line");
}
