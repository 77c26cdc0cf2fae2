// The scanning service on real files in a scratch directory (no compiler: no predefined macros are needed here).
// What gcc lists for such layouts is pinned down by the include-model tests and, against real builds, by
// tests/integration/real-kbuild-plan.sh; these tests hold the service's own mechanics.
#include <srcver/frontend/scanner.hpp>

#include "scratch_dir.hpp"

#include <gtest/gtest.h>

using namespace srcver::frontend;
using srcver::frontend::testing::ScratchDir;

namespace {

ScanJob job(const std::string& cwd, const std::string& source) {
  ScanJob j;
  j.command.compiler = "gcc";
  j.command.source = source;
  j.cwd = cwd;
  return j;
}

} // namespace

TEST(DepScanner, SameRelativeNameInTwoWorkingDirectoriesIsTwoFiles) {
  // 7.x compiles in the module directory with a relative source: many modules have an "a.c".
  ScratchDir d;
  d.write("one/a.c", "#include \"one.h\"\n");
  d.write("one/one.h", "#define ONE 1\n");
  d.write("two/a.c", "/* longer, so that a cached size would not match */\n#include \"two.h\"\n");
  d.write("two/two.h", "#define TWO 2\n");
  for (unsigned threads : {1u, 2u}) {
    DepScanner scanner(threads);
    auto out =
        scanner.scan({job(d.path() + "/one", "a.c"), job(d.path() + "/two", "a.c"), job(d.path() + "/one", "a.c")});
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].error, "");
    EXPECT_EQ(out[0].dependencies, (std::vector<std::string>{"a.c", "one.h"}));
    EXPECT_EQ(out[1].error, "");
    EXPECT_EQ(out[1].dependencies, (std::vector<std::string>{"a.c", "two.h"}));
    EXPECT_EQ(out[2].dependencies, out[0].dependencies);
  }
}

TEST(DepScanner, AReachedErrorInTheModulesOwnFilesStopsTheList) {
  ScratchDir d;
  d.write("m/a.c", "#include \"check.h\"\n");
  d.write("m/check.h",
          "#ifdef NOT_DEFINED\n#error \"skipped\"\n#endif\n#ifndef NOT_DEFINED\n#  error \"reached\"\n#endif\n");
  d.write("m/b.c", "#include \"ok.h\"\n");
  d.write("m/ok.h", "#if 0\n#error \"skipped\"\n#endif\n");
  DepScanner scanner(1);
  ScanJob a = job(d.path() + "/m", "a.c");
  a.module_root = d.path() + "/m";
  ScanJob b = job(d.path() + "/m", "b.c");
  b.module_root = a.module_root;
  auto out = scanner.scan({a, b});
  EXPECT_NE(out[0].error.find("#error"), std::string::npos) << out[0].error;
  EXPECT_NE(out[0].error.find("reached"), std::string::npos) << out[0].error;
  EXPECT_EQ(out[1].error, "");
  EXPECT_EQ(out[1].dependencies, (std::vector<std::string>{"b.c", "ok.h"}));
}

TEST(DepScanner, AMissingHeaderIsNamed) {
  ScratchDir d;
  d.write("a.c", "#include \"generated.h\"\n");
  DepScanner scanner(1);
  auto out = scanner.scan({job(d.path(), "a.c")});
  EXPECT_NE(out[0].error.find("\"generated.h\" not found"), std::string::npos) << out[0].error;
  EXPECT_TRUE(out[0].dependencies.empty());
}

TEST(DepScanner, SystemHeaderPragmaIsHonoured) {
  // #pragma GCC system_header is dropped by the directives scanner: the file must be lexed in full.
  ScratchDir d;
  d.write("a.c", "#include \"sys.h\"\n#include \"after.h\"\n");
  d.write("sys.h", "#pragma GCC system_header\n#include \"inner.h\"\n");
  d.write("inner.h", "#define INNER 1\n");
  d.write("after.h", "#define AFTER 1\n");
  DepScanner scanner(1);
  auto out = scanner.scan({job(d.path(), "a.c")});
  EXPECT_EQ(out[0].error, "");
  EXPECT_EQ(out[0].dependencies, (std::vector<std::string>{"a.c", "sys.h", "after.h"}));
}
