// Object lists per format (docs/srcversion-rules.md sections 1.1 and 3), and where modpost looks for them.

#include <srcver/sumversion/mod_file.hpp>

#include <gtest/gtest.h>

using namespace srcver::sumversion;
using Entries = std::vector<std::string>;

namespace {

Entries parse(std::string_view content, ModFormat format) {
  auto entries = parse_mod_file(content, format);
  EXPECT_TRUE(static_cast<bool>(entries));
  if (!entries) {
    llvm::consumeError(entries.takeError());
    return {};
  }
  return *entries;
}

} // namespace

TEST(ModFile, Paths) {
  EXPECT_EQ(mod_file_path("/abs/M/hello", ModFormat::f3, ""), "/abs/M/hello.mod");
  EXPECT_EQ(mod_file_path("drivers/net/dummy", ModFormat::f2, ""), "drivers/net/dummy.mod");
  // F1 keys the list by basename only, in MODVERDIR.
  EXPECT_EQ(mod_file_path("drivers/net/dummy", ModFormat::f1, ".tmp_versions"), ".tmp_versions/dummy.mod");
  EXPECT_EQ(mod_file_path("hello", ModFormat::f1, "/abs/M/.tmp_versions/"), "/abs/M/.tmp_versions/hello.mod");
}

TEST(ModFile, F3OnePerLineEmptyLinesSkippedDuplicatesKept) {
  EXPECT_EQ(parse("m/x.o\n\nm/lib.a\nm/y.o\nm/x.o\n", ModFormat::f3), (Entries{"m/x.o", "m/lib.a", "m/y.o", "m/x.o"}));
  EXPECT_EQ(parse("./hello.o\n./sub/b.o", ModFormat::f3), (Entries{"./hello.o", "./sub/b.o"}));
  // An F2 line read as F3 is one entry with a space in it (modpost then fails to open its .cmd).
  EXPECT_EQ(parse("m/x.o m/x.o\n", ModFormat::f3), (Entries{"m/x.o m/x.o"}));
}

TEST(ModFile, F2FirstLineSplitOnSpaces) {
  EXPECT_EQ(parse("m/a.o  m/b.o m/a.o\nprintk kmalloc\n", ModFormat::f2), (Entries{"m/a.o", "m/b.o", "m/a.o"}));
  EXPECT_EQ(parse("m/a.o", ModFormat::f2), (Entries{"m/a.o"}));
}

TEST(ModFile, F1SecondLineMustBeTerminated) {
  EXPECT_EQ(parse("/abs/M/foo.ko\n/abs/M/a.o /abs/M/b.o\n", ModFormat::f1), (Entries{"/abs/M/a.o", "/abs/M/b.o"}));
  auto missing = parse_mod_file("/abs/M/foo.ko\n/abs/M/a.o", ModFormat::f1);
  EXPECT_FALSE(static_cast<bool>(missing));
  llvm::consumeError(missing.takeError());
  auto one_line = parse_mod_file("/abs/M/foo.ko", ModFormat::f1);
  EXPECT_FALSE(static_cast<bool>(one_line));
  llvm::consumeError(one_line.takeError());
}

TEST(ModFile, StaticLibraryTest) {
  EXPECT_TRUE(is_static_library("m/lib.a"));
  EXPECT_TRUE(is_static_library(".a"));
  EXPECT_FALSE(is_static_library("a"));
  EXPECT_FALSE(is_static_library("m/x.o"));
  EXPECT_FALSE(is_static_library("m/x.ab"));
}
