// The .cmd walk (docs/srcversion-rules.md section 1.2): line readers per era, stop rules and the same-directory test.
// The byte-level cases of its section 5 are also run through real modpost in modpost_fixtures_test.cpp; these tests
// pin the walk's decisions (which files, in which order) and the older eras, which cannot be run here (derived from
// docs/srcversion-rules.md).

#include <srcver/sumversion/cmd_file.hpp>

#include "cmd_text.hpp"

#include <gtest/gtest.h>

using namespace srcver::sumversion;
using Role = CmdFileWalk::Role;

namespace {

const EraRules k_e6 = rules_for({Era::e6, ModFormat::f3});

std::vector<std::string> paths(const CmdFileWalk& walk) {
  std::vector<std::string> out;
  for (const auto& f : walk.files)
    out.push_back(f.path);
  return out;
}

} // namespace

TEST(CmdFile, CmdFileNameKeepsTheEntryAsWritten) {
  EXPECT_EQ(cmd_file_for_object("m/x.o"), "m/.x.o.cmd");
  EXPECT_EQ(cmd_file_for_object("x.o"), ".x.o.cmd");
  EXPECT_EQ(cmd_file_for_object("./x.o"), "./.x.o.cmd");
  EXPECT_EQ(cmd_file_for_object("a//x.o"), "a//.x.o.cmd");
  EXPECT_EQ(object_dir("/abs/M/x.o"), "/abs/M/");
  EXPECT_EQ(object_dir("x.o"), "");
}

// The cases of docs/srcversion-rules.md section 1.2 step 4f (verified there with the real 6.x binary).
TEST(CmdFile, SameDirectoryIsASubstringTestEndingAtTheLastSlash) {
  EXPECT_TRUE(same_directory("m/a.h", "m/"));
  EXPECT_FALSE(same_directory("m/sub/b.h", "m/"));
  EXPECT_FALSE(same_directory("m/sub/../c.h", "m/"));
  EXPECT_FALSE(same_directory("m/./d.h", "m/"));
  EXPECT_FALSE(same_directory("m//e.h", "m/"));
  EXPECT_TRUE(same_directory("other/m/f.h", "m/"));
  EXPECT_FALSE(same_directory("m/m/g.h", "m/"));
  EXPECT_TRUE(same_directory("drivers/net/a.h", "net/"));
  EXPECT_FALSE(same_directory("a/net/net/b.h", "net/"));
  EXPECT_TRUE(same_directory("net/c.h", "net/"));
  EXPECT_TRUE(same_directory("xnet/d.h", "net/"));
  EXPECT_FALSE(same_directory("$(wildcard", "m/"));
  // dir "" (object without '/') never matches.
  EXPECT_FALSE(same_directory("x.h", ""));
  EXPECT_FALSE(same_directory("sub/y.h", ""));
  // dir "./" (6.13+ M= builds): only a "./" that ends at the last slash, such as the tail of "../".
  EXPECT_TRUE(same_directory("sub/../h.h", "./"));
  EXPECT_TRUE(same_directory("../parent.h", "./"));
  EXPECT_FALSE(same_directory("h.h", "./"));
  EXPECT_FALSE(same_directory("sub/s.h", "./"));
  EXPECT_TRUE(same_directory("sub/../sub/x.h", "./sub/"));
  EXPECT_FALSE(same_directory("sub/b.h", "./sub/"));
  EXPECT_FALSE(same_directory("sub/../a.h", "./sub/"));
  // dir "/" (object "/x.o"): modpost's NULL == NULL corner hashes a path without any '/'.
  EXPECT_TRUE(same_directory("x.h", "/"));
}

TEST(CmdFile, ModernWalkHashesSourceThenSameDirectoryDepsInOrder) {
  const std::string content = cmd_text(
      "m/x.o", "m/x.c", {"m/a.h", "m/sub/b.h", "$(wildcard include/config/FOO)", "m/x.c", "m/a.h", "other/m/f.h"});
  const CmdFileWalk walk = walk_cmd_file(content, "m/", k_e6);
  EXPECT_EQ(paths(walk), (std::vector<std::string>{"m/x.c", "m/a.h", "m/x.c", "m/a.h", "other/m/f.h"}));
  EXPECT_EQ(walk.files[0].role, Role::source);
  EXPECT_EQ(walk.skipped.size(), 2U);
  EXPECT_FALSE(walk.malformed);
}

TEST(CmdFile, WalkStopsAtALineWithoutBackslashOrABlankLine) {
  std::string content = "source_m/x.o := m/x.c\ndeps_m/x.o := \\\n  m/a.h \\\n  m/b.h\n  m/c.h \\\n";
  EXPECT_EQ(paths(walk_cmd_file(content, "m/", k_e6)), (std::vector<std::string>{"m/x.c", "m/a.h"}));
  content = "source_m/x.o := m/x.c\ndeps_m/x.o := \\\n\tm/a.h \\\n        m/b.h \\\n\n  m/c.h \\\n";
  EXPECT_EQ(paths(walk_cmd_file(content, "m/", k_e6)), (std::vector<std::string>{"m/x.c", "m/a.h", "m/b.h"}));
}

TEST(CmdFile, KeywordPrefixesWinOverDependencies) {
  const std::string content = "deps_m/x.o := \\\n  source_zz := m/b.h \\\n  m/a.h \\\n";
  const CmdFileWalk walk = walk_cmd_file(content, "m/", k_e6);
  // The dependency line is taken as a source_ line: modpost opens the text after its last space, "\".
  ASSERT_EQ(paths(walk), (std::vector<std::string>{"\\", "m/a.h"}));
  EXPECT_EQ(walk.files[0].role, Role::source);
}

TEST(CmdFile, SourceLineWithoutSpaceIsMalformed) {
  const CmdFileWalk walk = walk_cmd_file("source_m/x.o:=m/x.c\n", "m/", k_e6);
  EXPECT_TRUE(walk.malformed);
}

// e5 (5.8 up to the trim fix): dependency lines keep their indentation, so they are cut to "" and never hashed.
TEST(CmdFile, E5HashesOnlySourceLines) {
  const std::string content = cmd_text("m/x.o", "m/x.c", {"m/a.h", "m/b.h"});
  const CmdFileWalk walk = walk_cmd_file(content, "m/", rules_for({Era::e5, ModFormat::f3}));
  EXPECT_EQ(paths(walk), (std::vector<std::string>{"m/x.c"}));
  EXPECT_EQ(walk.skipped.size(), 2U);
}

// <= e4 (get_next_line): blank lines are skipped (so a blank line does not end the deps), a last line without LF
// is dropped, and a line longer than 4095 bytes ends the file as if it were complete.
TEST(CmdFile, OldLineReader) {
  const EraRules e3 = rules_for({Era::e3, ModFormat::f1});
  std::string content = "source_m/x.o := m/x.c\n\ndeps_m/x.o := \\\n  m/a.h \\\n\n\n  m/b.h \\\n  m/c.h \\";
  EXPECT_EQ(paths(walk_cmd_file(content, "m/", e3)), (std::vector<std::string>{"m/x.c", "m/a.h", "m/b.h"}));

  const std::string long_cmd = "cmd_m/x.o := " + std::string(4095, 'x') + "\n";
  content = long_cmd + "source_m/x.o := m/x.c\n";
  EXPECT_TRUE(walk_cmd_file(content, "m/", e3).files.empty()); // the source_ line hides behind the long line
  EXPECT_EQ(paths(walk_cmd_file(content, "m/", k_e6)), (std::vector<std::string>{"m/x.c"})); // no limit in e6

  // Exactly 4095 bytes is still a line.
  content = std::string(4095 - 13, 'y');
  content = "cmd_m/x.o := " + content + "\nsource_m/x.o := m/x.c\n";
  EXPECT_EQ(paths(walk_cmd_file(content, "m/", e3)), (std::vector<std::string>{"m/x.c"}));
}

// e1/e2 have no source_ lines: the source is the first dependency and passes the same-directory test like a header.
TEST(CmdFile, E1TakesTheSourceFromTheDependencyList) {
  const std::string content =
      "cmd_m/x.o := gcc\n\ndeps_m/x.o := \\\n  m/x.c \\\n  include/linux/a.h \\\n  m/x.h \\\n\n";
  const CmdFileWalk walk = walk_cmd_file(content, "m/", rules_for({Era::e1, ModFormat::f1}));
  EXPECT_EQ(paths(walk), (std::vector<std::string>{"m/x.c", "m/x.h"}));
  EXPECT_EQ(walk.files[0].role, Role::dep);
  // A source_ line in an e1 file is not a keyword.
  EXPECT_TRUE(walk_cmd_file("source_m/x.o := m/x.c\n", "m/", rules_for({Era::e1, ModFormat::f1})).files.empty());
}

TEST(CmdFile, NulByteEndsTheModernFile) {
  using namespace std::string_literals;
  const std::string content = "source_m/x.o := m/x.c\n\0source_m/y.o := m/y.c\n"s;
  EXPECT_EQ(paths(walk_cmd_file(content, "m/", k_e6)), (std::vector<std::string>{"m/x.c"}));
}
