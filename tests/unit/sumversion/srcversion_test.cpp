// The whole computation over in-memory trees: outcomes per era, object order, .a entries, F1 lists.
// Expected srcversions are never typed: each test compares with the digest of the byte stream docs/srcversion-rules.md
// says is hashed, or with another era's result on an equivalent tree. Real-modpost goldens for
// the same behaviours (e6/e7) are in modpost_fixtures_test.cpp.

#include <srcver/base/error.hpp>
#include <srcver/sumversion/filter.hpp>
#include <srcver/sumversion/md4.hpp>
#include <srcver/sumversion/srcversion.hpp>

#include "cmd_text.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace srcver;
using namespace srcver::sumversion;
using Outcome = SrcversionResult::Outcome;

namespace {

class MapFileSource : public FileSource {
public:
  std::map<std::string, std::string> files;
  std::vector<std::string> opened;
  llvm::Expected<std::string> read(const std::string& path) override {
    opened.push_back(path);
    auto it = files.find(path);
    if (it == files.end()) return make_error(ErrorCategory::io, "No such file or directory");
    return it->second;
  }
};

// A two-object module m/two with a same-directory header, a subdirectory header and a .a entry.
MapFileSource two_object_tree(const std::string& mod_content) {
  MapFileSource fs;
  fs.files["m/two.mod"] = mod_content;
  fs.files["m/.a.o.cmd"] = cmd_text("m/a.o", "m/a.c", {"include/linux/kernel.h", "m/a.h", "m/sub/s.h"}, true);
  fs.files["m/.b.o.cmd"] = cmd_text("m/b.o", "m/b.c", {"m/a.h"}, true);
  fs.files["m/a.c"] = "int a; /* c */\n";
  fs.files["m/b.c"] = "int b = \"x  y\";\n";
  fs.files["m/a.h"] = "#define A 1\n";
  fs.files["m/sub/s.h"] = "not hashed\n";
  return fs;
}

std::string filtered(MapFileSource& fs, const std::vector<std::string>& paths, const EraRules& rules) {
  std::string stream;
  for (const auto& p : paths)
    stream += filter_source(fs.files.at(p), rules);
  return stream;
}

SrcversionResult compute(MapFileSource& fs, const std::string& module, EraSetting era) {
  SrcversionRequest request;
  request.module_name = module;
  request.keep_hash_input = true;
  return compute_srcversion(fs, request, rules_for(era));
}

const EraSetting k_e6{Era::e6, ModFormat::f3};

} // namespace

TEST(Srcversion, E6HashesEachObjectsSourceThenItsSameDirectoryDeps) {
  MapFileSource fs = two_object_tree("m/a.o\nm/lib.a\nm/b.o\n");
  const SrcversionResult r = compute(fs, "m/two", k_e6);
  ASSERT_EQ(r.outcome, Outcome::ok) << r.reason;
  const std::vector<std::string> hashed = {"m/a.c", "m/a.h", "m/b.c", "m/a.h"};
  EXPECT_EQ(r.hash_input, filtered(fs, hashed, rules_for(k_e6)));
  EXPECT_EQ(r.srcversion, srcversion_of_stream(r.hash_input));
  ASSERT_EQ(r.hashed.size(), 4U);
  EXPECT_EQ(r.hashed[2].object, "m/b.o");
  // The .a entry is skipped before its .cmd is looked for.
  EXPECT_EQ(std::count(fs.opened.begin(), fs.opened.end(), "m/.lib.a.cmd"), 0);
}

TEST(Srcversion, DuplicateEntriesAreHashedTwice) {
  MapFileSource once = two_object_tree("m/a.o\n");
  MapFileSource twice = two_object_tree("m/a.o\nm/a.o\n");
  const SrcversionResult r1 = compute(once, "m/two", k_e6);
  const SrcversionResult r2 = compute(twice, "m/two", k_e6);
  EXPECT_EQ(r2.hash_input, r1.hash_input + r1.hash_input);
  EXPECT_NE(r1.srcversion, r2.srcversion);
}

TEST(Srcversion, E6MissingFileMakesModpostFail) {
  MapFileSource fs = two_object_tree("m/a.o\nm/b.o\n");
  fs.files.erase("m/a.h");
  const SrcversionResult r = compute(fs, "m/two", k_e6);
  EXPECT_EQ(r.outcome, Outcome::modpost_fails);
  EXPECT_NE(r.reason.find("m/a.h"), std::string::npos);
  EXPECT_TRUE(r.srcversion.empty());

  MapFileSource no_mod = two_object_tree("");
  no_mod.files.erase("m/two.mod");
  EXPECT_EQ(compute(no_mod, "m/two", k_e6).outcome, Outcome::modpost_fails);
}

TEST(Srcversion, E6EmptyFileIsFineOldErasLoseTheSrcversion) {
  MapFileSource fs = two_object_tree("m/a.o\n");
  fs.files["m/a.h"] = "";
  EXPECT_EQ(compute(fs, "m/two", k_e6).outcome, Outcome::ok);
  MapFileSource old = two_object_tree("m/a.o\n");
  old.files["m/a.h"] = "";
  const SrcversionResult r = compute(old, "m/two", {Era::e4, ModFormat::f2});
  EXPECT_EQ(r.outcome, Outcome::no_srcversion);
  EXPECT_NE(r.reason.find("m/a.h"), std::string::npos);
}

TEST(Srcversion, OldErasMissingFileLosesOnlyThisModulesSrcversion) {
  MapFileSource fs = two_object_tree("m/a.o\n");
  fs.files.erase("m/a.h");
  EXPECT_EQ(compute(fs, "m/two", {Era::e4, ModFormat::f2}).outcome, Outcome::no_srcversion);
}

TEST(Srcversion, MalformedSourceLineGivesNoSrcversion) {
  MapFileSource fs = two_object_tree("m/a.o\n");
  fs.files["m/.a.o.cmd"] = "source_m/a.o:=m/a.c\n";
  EXPECT_EQ(compute(fs, "m/two", k_e6).outcome, Outcome::no_srcversion);
}

// e5 hashes the same as e6 would on a .cmd whose dependency list is empty (derived from docs/srcversion-rules.md
// section 1.2 step 4e).
TEST(Srcversion, E5EqualsE6WithoutDependencies) {
  MapFileSource e5_tree = two_object_tree("m/a.o\nm/b.o\n");
  MapFileSource no_deps = two_object_tree("m/a.o\nm/b.o\n");
  no_deps.files["m/.a.o.cmd"] = cmd_text("m/a.o", "m/a.c", {}, true);
  no_deps.files["m/.b.o.cmd"] = cmd_text("m/b.o", "m/b.c", {}, true);
  EXPECT_EQ(compute(e5_tree, "m/two", {Era::e5, ModFormat::f3}).srcversion, compute(no_deps, "m/two", k_e6).srcversion);
}

// The same tree with its object list in each era's format gives the same srcversion where no other rule differs.
TEST(Srcversion, ObjectListFormatsAreEquivalent) {
  MapFileSource f3 = two_object_tree("m/a.o\nm/b.o\n");
  MapFileSource f2 = two_object_tree("m/a.o m/b.o\nprintk\n");
  MapFileSource f1 = two_object_tree("");
  f1.files.erase("m/two.mod");
  f1.files[".tmp_versions/two.mod"] = "m/two.ko\nm/a.o m/b.o\n";
  const std::string expected = compute(f3, "m/two", k_e6).srcversion;
  EXPECT_EQ(compute(f2, "m/two", {Era::e6, ModFormat::f2}).srcversion, expected);
  EXPECT_EQ(compute(f2, "m/two", {Era::e4, ModFormat::f2}).srcversion, expected);
  const SrcversionResult old = compute(f1, "m/two", {Era::e3, ModFormat::f1});
  EXPECT_EQ(old.mod_file, ".tmp_versions/two.mod");
  EXPECT_EQ(old.srcversion, expected);
}

// e1 has no source_ lines and no .a skip: with an .a entry (no .cmd) it loses the srcversion; e2 skips the entry.
TEST(Srcversion, StaticLibraryEntryBeforeE2) {
  MapFileSource fs = two_object_tree("");
  fs.files.erase("m/two.mod");
  fs.files[".tmp_versions/two.mod"] = "m/two.ko\nm/a.o m/lib.a\n";
  fs.files["m/.a.o.cmd"] = "cmd_m/a.o := gcc\n\ndeps_m/a.o := \\\n  m/a.c \\\n  m/a.h \\\n\n";
  EXPECT_EQ(compute(fs, "m/two", {Era::e1, ModFormat::f1}).outcome, Outcome::no_srcversion);
  const SrcversionResult e2 = compute(fs, "m/two", {Era::e2, ModFormat::f1});
  ASSERT_EQ(e2.outcome, Outcome::ok);
  EXPECT_EQ(e2.hash_input, filtered(fs, {"m/a.c", "m/a.h"}, rules_for({Era::e2, ModFormat::f1})));
}
