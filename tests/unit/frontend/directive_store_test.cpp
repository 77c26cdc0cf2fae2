// The directive store on real files: a scan served from a store gives the lists and the errors of a scan from disk,
// a changed file is read again, the module's own files and files lexed in full are never stored, a young file is not
// stored, and a damaged store is an empty one. (Against real builds, the store is in play in every integration test
// that predicts twice with one cache: tests/integration/directive-store.sh compares the lists with and without it.)
#include <srcver/frontend/compile_command.hpp>
#include <srcver/frontend/directive_store.hpp>
#include <srcver/frontend/scanner.hpp>

#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace srcver::frontend;
using srcver::frontend::testing::ScratchDir;

namespace {

constexpr std::chrono::nanoseconds k_any_age{0};

// As Kbuild compiles an external module: in the kernel's directory, the source by its absolute name, the kernel's
// headers through -I./include.
ScanJob job(const std::string& kernel, const std::string& module, const std::string& source) {
  auto command = parse_compile_command({"gcc", "-nostdinc", "-I./include", "-c", "-o", "x.o", module + "/" + source},
                                       module + "/" + source);
  EXPECT_TRUE(static_cast<bool>(command));
  ScanJob j;
  j.command = std::move(*command);
  j.cwd = kernel;
  j.module_root = module;
  return j;
}

// A "kernel" directory of headers and a module that includes them.
struct Layout {
  ScratchDir dir{"directive-store"};
  std::string store;
  std::string kernel;
  std::string module;
  Layout() {
    store = dir.path() + "/cache/kernel.store";
    kernel = dir.path() + "/kern";
    module = dir.path() + "/module";
    // Comments, continued lines, a directive after a comment on its line, a condition on __LINE__ (the directive
    // lines must keep their lines), an include guard, no newline at the end.
    dir.write("kern/include/a.h", "#ifndef A_H\n#define A_H\n/* a comment\n   of three lines */\n"
                                  "int code(void); /* not a directive */\n"
                                  "#define LONG_ONE(x) \\\n  ((x) + \\\n   1)\n"
                                  "#if __LINE__ == 9\n#include \"nine.h\"\n#else\n#include \"not-nine.h\"\n#endif\n"
                                  "  /* c */ #  include \"b.h\" // trailing\n"
                                  "#endif");
    dir.write("kern/include/nine.h", "#define NINE 9\n");
    dir.write("kern/include/not-nine.h", "#define NOT_NINE 1\n");
    dir.write("kern/include/b.h", "\n\n#if LONG_ONE(1) == 2\n#include \"two.h\"\n#endif\n");
    dir.write("kern/include/two.h", "\n");
    // An include that fails, reached only when the unit asks for it.
    dir.write("kern/include/c.h", "\n/* x */\n#ifdef WANT_MISSING\n\n#  include \"missing.h\"\n#endif\n");
    dir.write("module/m.c", "#include <a.h>\n#include \"own.h\"\n#include <c.h>\n");
    dir.write("module/own.h", "#define OWN 1\n");
    dir.write("module/e.c", "#define WANT_MISSING\n#include <c.h>\n");
  }
  std::vector<ScanJob> jobs() const { return {job(kernel, module, "m.c"), job(kernel, module, "e.c")}; }
  // The names of a list's files.
  static std::vector<std::string> names(const std::vector<std::string>& list) {
    std::vector<std::string> out;
    for (const auto& f : list)
      out.push_back(f.substr(f.rfind('/') + 1));
    return out;
  }
};

std::vector<ScanOutcome> scan(const std::vector<ScanJob>& jobs, DirectiveStore* store, unsigned* served = nullptr,
                              unsigned threads = 1) {
  DepScanner scanner(threads);
  auto out = scanner.scan(jobs, store);
  if (served) *served = scanner.files_from_store();
  return out;
}

// Fills the layout's store from a scan of its jobs.
void fill_store(const Layout& l) {
  DirectiveStore store(l.store, k_any_age);
  scan(l.jobs(), &store);
  store.save();
}

} // namespace

TEST(DirectiveStore, ServedFilesGiveTheListsAndErrorsOfTheDisk) {
  Layout l;
  const auto plain = scan(l.jobs(), nullptr);
  ASSERT_EQ(plain[0].error, "");
  EXPECT_EQ(Layout::names(plain[0].dependencies),
            (std::vector<std::string>{"m.c", "a.h", "nine.h", "b.h", "two.h", "own.h", "c.h"}));
  EXPECT_NE(plain[1].error.find("missing.h"), std::string::npos) << plain[1].error;

  DirectiveStore first(l.store, k_any_age);
  unsigned served = 0;
  const auto filling = scan(l.jobs(), &first, &served);
  EXPECT_EQ(served, 0u);
  EXPECT_EQ(filling[0].dependencies, plain[0].dependencies);
  first.save();
  EXPECT_EQ(first.added(), 5u); // a.h, nine.h, b.h, two.h, c.h: not the module's own.h, m.c, e.c

  for (unsigned threads : {1u, 2u}) {
    DirectiveStore second(l.store, k_any_age);
    EXPECT_EQ(second.size(), 5u);
    const auto stored = scan(l.jobs(), &second, &served, threads);
    EXPECT_GE(served, 5u);
    EXPECT_EQ(stored[0].error, "");
    EXPECT_EQ(stored[0].dependencies, plain[0].dependencies);
    EXPECT_EQ(stored[1].error, plain[1].error);
    EXPECT_EQ(second.added(), 0u);
  }
}

TEST(DirectiveStore, KeepsEachDirectiveOnItsLineAndColumn) {
  Layout l;
  fill_store(l);
  DirectiveStore second(l.store, k_any_age);
  const DirectiveStore::Entry* a = second.find(l.kernel + "/include/a.h");
  ASSERT_NE(a, nullptr);
  // Line by line, a directive line is the file's line, any other is empty.
  llvm::SmallVector<llvm::StringRef, 0> lines;
  a->text.split(lines, '\n');
  ASSERT_EQ(lines.size(), 15u);
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[4], "");
  EXPECT_EQ(lines[5], "#define LONG_ONE(x) \\");
  EXPECT_EQ(lines[8], "#if __LINE__ == 9");
  EXPECT_EQ(lines[13], "  /* c */ #  include \"b.h\" // trailing");
  EXPECT_EQ(lines[14], "#endif");
  EXPECT_EQ(second.find(l.dir.path() + "/module/own.h"), nullptr);
}

TEST(DirectiveStore, AChangedFileIsReadAgain) {
  Layout l;
  fill_store(l);
  // Same size, other text: the stamp's times and (after a rename) its inode change.
  l.dir.write("kern/include/b.h.new", "\n\n#if LONG_ONE(1) == 3\n#include \"two.h\"\n#endif\n");
  std::filesystem::rename(l.kernel + "/include/b.h.new", l.kernel + "/include/b.h");
  DirectiveStore second(l.store, k_any_age);
  unsigned served = 0;
  const auto out = scan(l.jobs(), &second, &served);
  EXPECT_EQ(Layout::names(out[0].dependencies),
            (std::vector<std::string>{"m.c", "a.h", "nine.h", "b.h", "own.h", "c.h"}));
  EXPECT_EQ(served, 3u); // a.h, nine.h, c.h (once per worker and working directory); b.h read from disk
  second.save();
  EXPECT_EQ(second.added(), 1u); // b.h, stored again
}

TEST(DirectiveStore, YoungFilesAreNotStored) {
  Layout l;
  DirectiveStore store(l.store); // two seconds: every file here was just written
  scan(l.jobs(), &store);
  EXPECT_EQ(store.added(), 0u);
  store.save();
  EXPECT_FALSE(std::filesystem::exists(l.store));
}

TEST(DirectiveStore, FilesLexedInFullAreNotStored) {
  Layout l;
  l.dir.write("kern/include/sys.h", "#pragma GCC system_header\n#define SYS 1\n");
  l.dir.write("kern/include/once.h", "_Pragma(\"once\")\n#define ONCE 1\n");
  l.dir.write("module/p.c", "#include <sys.h>\n#include <once.h>\n");
  DirectiveStore store(l.store, k_any_age);
  const auto out = scan({job(l.kernel, l.module, "p.c")}, &store);
  EXPECT_EQ(out[0].error, "");
  EXPECT_EQ(store.added(), 0u);
}

TEST(DirectiveStore, ADamagedStoreIsEmpty) {
  Layout l;
  const auto plain = scan(l.jobs(), nullptr);
  fill_store(l);
  const auto size = std::filesystem::file_size(l.store);
  for (auto cut : {size - 3, size / 2, std::uintmax_t(10)}) {
    std::filesystem::resize_file(l.store, cut);
    DirectiveStore damaged(l.store, k_any_age);
    EXPECT_EQ(damaged.size(), 0u) << cut;
    const auto out = scan(l.jobs(), &damaged);
    EXPECT_EQ(out[0].dependencies, plain[0].dependencies);
  }
}

TEST(DirectiveStore, AFileWhoseDataIsDamagedIsReadFromDisk) {
  Layout l;
  const auto plain = scan(l.jobs(), nullptr);
  fill_store(l);
  { // every byte of the data after the index: no text ends with NUL, no count adds up
    DirectiveStore probe(l.store, k_any_age);
    const DirectiveStore::Entry* a = probe.find(l.kernel + "/include/a.h");
    ASSERT_NE(a, nullptr);
    EXPECT_TRUE(probe.intact(*a));
  }
  std::string bytes;
  {
    std::ifstream in(l.store, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // The index ends 72 bytes after its last name (a stamp of five 8-byte fields, four 4-byte ones, the data's offset
  // and its checksum).
  const std::size_t last_key = bytes.rfind(l.kernel + "/include/");
  ASSERT_NE(last_key, std::string::npos);
  const std::size_t index_end = bytes.find(".h", last_key) + 2 + 72;
  for (std::size_t i = index_end; i < bytes.size(); ++i)
    bytes[i] = '\xff';
  std::ofstream(l.store, std::ios::binary | std::ios::trunc) << bytes;
  DirectiveStore damaged(l.store, k_any_age);
  EXPECT_EQ(damaged.size(), 5u); // the index is whole
  unsigned served = 0;
  const auto out = scan(l.jobs(), &damaged, &served);
  EXPECT_EQ(served, 0u);
  EXPECT_EQ(out[0].dependencies, plain[0].dependencies);
  EXPECT_EQ(out[1].error, plain[1].error);
}

// One flipped bit anywhere in the store: in the index, an empty store; in an entry's data, that entry is not served
// (its file is read from disk). Either way the lists are those of a scan without a store.
TEST(DirectiveStore, EveryFlippedBitIsDetected) {
  Layout l;
  const auto plain = scan(l.jobs(), nullptr);
  fill_store(l);
  std::string pristine;
  {
    std::ifstream in(l.store, std::ios::binary);
    pristine.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t magic = pristine.find('\n') + 1;
  std::size_t whole = 0;
  for (std::size_t at = magic; at < pristine.size(); at += 7) {
    std::string bytes = pristine;
    bytes[at] = static_cast<char>(bytes[at] ^ (1 << (at % 8)));
    std::ofstream(l.store, std::ios::binary | std::ios::trunc) << bytes;
    DirectiveStore damaged(l.store, k_any_age);
    std::size_t intact = 0;
    for (const char* name : {"a.h", "nine.h", "b.h", "two.h", "c.h"}) {
      if (const DirectiveStore::Entry* e = damaged.find(l.kernel + "/include/" + name)) intact += damaged.intact(*e);
    }
    EXPECT_LT(intact, 5u) << "a flipped bit at " << at << " went unnoticed";
    whole += intact;
    const auto out = scan(l.jobs(), &damaged);
    EXPECT_EQ(out[0].dependencies, plain[0].dependencies) << at;
    EXPECT_EQ(out[1].error, plain[1].error) << at;
  }
  EXPECT_GT(whole, 0u); // a flip in one entry's data leaves the others served
}

// One scanner, two scans: a header served from the store in the first (not the module's own there) is the module's
// own in the second, which must read its whole text (its C code declares the module's version), not the lines the
// store gave.
TEST(DirectiveStore, AFileServedInOneScanIsReadWholeWhenTheNextMakesItOwn) {
  Layout l;
  l.dir.write("kern/include/mv.h", "#define MODULE_VERSION(v) static const char version[] = v\n");
  l.dir.write("kern/include/v.h", "#include <mv.h>\nMODULE_VERSION(\"1.0\");\n");
  l.dir.write("module/v.c", "#include <v.h>\n");
  l.dir.write("kern/k.c", "#include <v.h>\n");
  ScanJob outside = job(l.kernel, l.module, "v.c");
  ScanJob inside = job(l.kernel, l.kernel, "k.c"); // the "module" is the kernel directory: v.h is its own
  inside.detect_version = true;
  {
    DirectiveStore filling(l.store, k_any_age);
    scan({outside}, &filling);
    filling.save();
    EXPECT_EQ(filling.added(), 2u); // v.h, mv.h
  }
  const auto alone = scan({inside}, nullptr);
  ASSERT_EQ(alone[0].error, "");
  EXPECT_TRUE(alone[0].has_version);

  DirectiveStore store(l.store, k_any_age);
  DepScanner scanner(1);
  EXPECT_EQ(scanner.scan({outside}, &store)[0].error, "");
  EXPECT_EQ(scanner.files_from_store(), 2u);
  const auto second = scanner.scan({inside}, &store);
  EXPECT_EQ(second[0].error, "");
  EXPECT_EQ(second[0].dependencies, alone[0].dependencies);
  EXPECT_TRUE(second[0].has_version);
}
