// gcc's lookup and listing rules (docs/frontend-research.md section 2), driven the way Clang's preprocessor drives
// the model, over an in-memory file system. The expected lists are the ones real gcc 12 wrote for the same layouts
// (the research's probes); the real-build comparison is tests/integration/real-kbuild-plan.sh.
#include <srcver/frontend/include_model.hpp>

#include <gtest/gtest.h>

#include <map>

using namespace srcver::frontend;
using llvm::sys::fs::UniqueID;

namespace {

// Paths map to inodes; several spellings of one file share an inode. Relative to an implicit working directory.
class FakeFiles : public FileProbe {
public:
  void file(const std::string& path, uint64_t inode) { m_files[path] = inode; }
  void dir(const std::string& path, uint64_t inode) { m_dirs[path] = inode; }
  std::optional<UniqueID> regular_file(const std::string& path) override {
    auto it = m_files.find(path);
    if (it == m_files.end()) return std::nullopt;
    return UniqueID(1, it->second);
  }
  std::optional<UniqueID> directory(const std::string& path) override {
    auto it = m_dirs.find(path);
    if (it == m_dirs.end()) return std::nullopt;
    return UniqueID(1, it->second);
  }

private:
  std::map<std::string, uint64_t> m_files, m_dirs;
};

UniqueID id(uint64_t inode) { return UniqueID(1, inode); }

PreprocessCommand command(const std::string& source, std::vector<IncludeDir> dirs = {},
                          std::vector<std::string> includes = {}) {
  PreprocessCommand c;
  c.compiler = "gcc";
  c.source = source;
  c.include_dirs = std::move(dirs);
  c.includes = std::move(includes);
  return c;
}

// include() then entered(), as Clang does for a file it enters.
void enter(IncludeModel& m, std::string_view name, bool angled, uint64_t inode,
           DirectiveKind kind = DirectiveKind::include) {
  auto r = m.include(name, angled, kind, id(inode), false);
  ASSERT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
  m.entered(*r);
}

} // namespace

TEST(IncludeModel, QuotedIncludesStartInTheIncludersDirectoryAsSpelt) {
  FakeFiles fs;
  fs.file("/m/sub/part.c", 1);
  fs.file("/m/sub/../guarded.h", 2);
  fs.file("/m/sub/../sub2/x.h", 3);
  fs.file("/m/sub/../sub2/y.h", 4);
  auto m = IncludeModel::create(command("/m/sub/part.c"), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  enter(*m, "../guarded.h", false, 2);
  m->exited();
  enter(*m, "../sub2/x.h", false, 3);
  enter(*m, "y.h", false, 4); // from x.h: its directory is "/m/sub/../sub2/"
  EXPECT_EQ(m->dependencies(), (std::vector<std::string>{"/m/sub/part.c", "/m/sub/../guarded.h", "/m/sub/../sub2/x.h",
                                                         "/m/sub/../sub2/y.h"}));
}

TEST(IncludeModel, IncludeDirectoriesAsWrittenAndOnlyALeadingDotSlashRemoved) {
  FakeFiles fs;
  fs.dir("././include", 10);
  fs.dir("inc2//", 11);
  fs.file("a.c", 1);
  fs.file("././include/incf.h", 2);
  fs.file("inc2//n.h", 3);
  auto m =
      IncludeModel::create(command("a.c", {{"././include", DirChain::bracket}, {"inc2//", DirChain::bracket}}), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  enter(*m, "incf.h", true, 2);
  m->exited();
  enter(*m, "n.h", true, 3);
  EXPECT_EQ(m->dependencies(), (std::vector<std::string>{"a.c", "include/incf.h", "inc2//n.h"}));
  EXPECT_EQ(strip_leading_dot_slash(".//./x/./y.h"), "x/./y.h");
  EXPECT_EQ(strip_leading_dot_slash("/abs/./y.h"), "/abs/./y.h");
}

TEST(IncludeModel, SameFileThroughAnotherRecordIsListedAgainButNotThroughTheSameRecord) {
  // -include ./include/linux/kconfig.h, then <linux/kconfig.h> from the source: two records, listed twice (6.1's
  // fixdep keeps both). The same <linux/kconfig.h> again: one record, once.
  FakeFiles fs;
  fs.dir("./include", 10);
  fs.file("/m/a.c", 1);
  fs.file("././include/linux/kconfig.h", 2);
  fs.file("./include/linux/kconfig.h", 2);
  auto m =
      IncludeModel::create(command("/m/a.c", {{"./include", DirChain::bracket}}, {"./include/linux/kconfig.h"}), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  m->enter_predefines();
  enter(*m, "./include/linux/kconfig.h", false, 2, DirectiveKind::command_line);
  m->exited();
  m->exited();
  auto r = m->include("linux/kconfig.h", true, DirectiveKind::include, id(2), false);
  ASSERT_TRUE(static_cast<bool>(r));
  m->skipped(*r, /*pragma_once=*/false); // Clang skips it (guard); gcc enters the new record: listed
  auto again = m->include("linux/kconfig.h", true, DirectiveKind::include, id(2), false);
  ASSERT_TRUE(static_cast<bool>(again));
  m->skipped(*again, false);
  EXPECT_EQ(m->dependencies(),
            (std::vector<std::string>{"/m/a.c", "include/linux/kconfig.h", "include/linux/kconfig.h"}));
}

TEST(IncludeModel, PragmaOnceThroughAnotherSpellingIsNotListedAGuardedOneIs) {
  FakeFiles fs;
  fs.file("src/main.c", 1);
  fs.file("src/once.h", 2);
  fs.file("src/sub/../once.h", 2);
  fs.file("src/guard.h", 3);
  fs.file("src/./guard.h", 3);
  auto m = IncludeModel::create(command("src/main.c"), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  enter(*m, "once.h", false, 2);
  m->exited();
  auto once = m->include("sub/../once.h", false, DirectiveKind::include, id(2), false);
  ASSERT_TRUE(static_cast<bool>(once));
  m->skipped(*once, /*pragma_once=*/true);
  enter(*m, "guard.h", false, 3);
  m->exited();
  auto guard = m->include("./guard.h", false, DirectiveKind::include, id(3), false);
  ASSERT_TRUE(static_cast<bool>(guard));
  m->skipped(*guard, false);
  EXPECT_EQ(m->dependencies(), (std::vector<std::string>{"src/main.c", "src/once.h", "src/guard.h", "src/./guard.h"}));
}

TEST(IncludeModel, SystemHeadersAreLeftOutAndSoIsWhatTheyInclude) {
  FakeFiles fs;
  fs.dir("sys", 10);
  fs.dir("inc", 11);
  fs.file("a.c", 1);
  fs.file("sys/s.h", 2);
  fs.file("inc/u.h", 3);
  auto m = IncludeModel::create(command("a.c", {{"inc", DirChain::bracket}, {"sys", DirChain::system}}), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  enter(*m, "s.h", true, 2);
  enter(*m, "u.h", true, 3); // a user directory, but included from a system header
  m->exited();
  m->exited();
  enter(*m, "u.h", true, 3); // the same record: already entered, not listed now either
  EXPECT_EQ(m->dependencies(), (std::vector<std::string>{"a.c"}));
}

TEST(IncludeModel, IncludeNextContinuesAfterTheDirectoryItWasFoundIn) {
  FakeFiles fs;
  fs.dir("d1", 10);
  fs.dir("d2", 11);
  fs.file("a.c", 1);
  fs.file("d1/x.h", 2);
  fs.file("d2/x.h", 3);
  auto m = IncludeModel::create(command("a.c", {{"d1", DirChain::bracket}, {"d2", DirChain::bracket}}), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  enter(*m, "x.h", true, 2);
  enter(*m, "x.h", true, 3, DirectiveKind::include_next);
  EXPECT_EQ(m->dependencies(), (std::vector<std::string>{"a.c", "d1/x.h", "d2/x.h"}));
  // A third #include_next from d2: no directory left, gcc fails.
  auto none = m->include("x.h", true, DirectiveKind::include_next, id(3), false);
  EXPECT_FALSE(static_cast<bool>(none));
  llvm::consumeError(none.takeError());
}

TEST(IncludeModel, DuplicateAndMissingDirectoriesAreDroppedAsGccDrops) {
  FakeFiles fs;
  fs.dir("inc1", 10);
  fs.dir("./inc1", 10);
  fs.file("a.c", 1);
  fs.file("inc1/h.h", 2);
  fs.file("./inc1/h.h", 2);
  auto m = IncludeModel::create(
      command("a.c", {{"missing", DirChain::bracket}, {"inc1", DirChain::bracket}, {"./inc1", DirChain::bracket}}), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  enter(*m, "h.h", true, 2);
  EXPECT_EQ(m->dependencies(), (std::vector<std::string>{"a.c", "inc1/h.h"}));
}

TEST(IncludeModel, MissingHeaderOrAnotherFileThanClangFoundCannotBePredicted) {
  FakeFiles fs;
  fs.file("a.c", 1);
  fs.file("here.h", 2);
  auto m = IncludeModel::create(command("a.c"), fs);
  ASSERT_TRUE(static_cast<bool>(m));
  m->enter_main();
  auto missing = m->include("generated.h", false, DirectiveKind::include, std::nullopt, false);
  ASSERT_FALSE(static_cast<bool>(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("\"generated.h\" not found"), std::string::npos);
  auto other = m->include("here.h", false, DirectiveKind::include, id(99), false);
  ASSERT_FALSE(static_cast<bool>(other));
  EXPECT_NE(llvm::toString(other.takeError()).find("Clang found another file"), std::string::npos);
}

TEST(IncludeModel, AnIncludeDirectoryThatIsAFileFailsAsGccDoes) {
  FakeFiles fs;
  fs.file("a.c", 1);
  fs.file("notadir", 2);
  auto m = IncludeModel::create(command("a.c", {{"notadir", DirChain::bracket}}), fs);
  ASSERT_FALSE(static_cast<bool>(m));
  llvm::consumeError(m.takeError());
}
