#include <srcver/frontend/compile_command.hpp>
#include <srcver/frontend/fixdep.hpp>
#include <srcver/frontend/gcc_macros.hpp>

#include <gtest/gtest.h>

using namespace srcver::frontend;

namespace {

std::string refusal(const std::vector<std::string>& words, const std::string& source) {
  auto c = parse_compile_command(words, source);
  if (c) return "";
  return llvm::toString(c.takeError());
}

} // namespace

TEST(CompileCommand, ReadsAKbuildCommand) {
  const std::vector<std::string> words{"gcc",
                                       "-Wp,-MMD,/m/.a.o.d",
                                       "-nostdinc",
                                       "-I./arch/x86/include",
                                       "-I",
                                       "./include",
                                       "-iquote",
                                       "q",
                                       "-isystem",
                                       "s",
                                       "-idirafter",
                                       "af",
                                       "-include",
                                       "./include/linux/kconfig.h",
                                       "-imacros",
                                       "im.h",
                                       "-D__KERNEL__",
                                       "-U",
                                       "X",
                                       "-DKBUILD_MODNAME=\"a\"",
                                       "-std=gnu11",
                                       "-O2",
                                       "-mno-sse",
                                       "-Wall",
                                       "-g",
                                       "--param=allow-store-data-races=0",
                                       "-c",
                                       "-o",
                                       "/m/a.o",
                                       "/m/a.c"};
  auto c = parse_compile_command(words, "/m/a.c");
  ASSERT_TRUE(static_cast<bool>(c)) << llvm::toString(c.takeError());
  EXPECT_EQ(c->compiler, "gcc");
  EXPECT_EQ(c->source, "/m/a.c");
  EXPECT_EQ(c->language, Language::c);
  EXPECT_EQ(c->std, "gnu11");
  ASSERT_EQ(c->include_dirs.size(), 5u);
  EXPECT_EQ(c->include_dirs[1].path, "./include");
  EXPECT_EQ(c->include_dirs[2].chain, DirChain::quote);
  EXPECT_EQ(c->include_dirs[3].chain, DirChain::system);
  EXPECT_EQ(c->include_dirs[4].chain, DirChain::after);
  EXPECT_EQ(c->includes, std::vector<std::string>{"./include/linux/kconfig.h"});
  EXPECT_EQ(c->imacros, std::vector<std::string>{"im.h"});
  ASSERT_EQ(c->macros.size(), 3u);
  EXPECT_TRUE(c->macros[1].undef);
  EXPECT_EQ(c->macros[2].text, "KBUILD_MODNAME=\"a\"");
  EXPECT_EQ(c->macro_flags,
            (std::vector<std::string>{"-std=gnu11", "-O2", "-mno-sse", "--param=allow-store-data-races=0"}));
}

TEST(CompileCommand, AssemblerSourcesAndLanguages) {
  auto s = parse_compile_command({"gcc", "-nostdinc", "-D__ASSEMBLY__", "-c", "-o", "t.o", "t.S"}, "t.S");
  ASSERT_TRUE(static_cast<bool>(s));
  EXPECT_EQ(s->language, Language::assembler_with_cpp);
  EXPECT_NE(refusal({"gcc", "-nostdinc", "-c", "-o", "r.o", "r.rs"}, "r.rs"), "");
}

TEST(CompileCommand, WithoutAGivenSourceTakesTheOneItCompiles) {
  // A compilation database names the file separately (often absolute); the command's own spelling is what counts.
  auto s = parse_compile_command({"gcc", "-nostdinc", "-c", "-o", "t.o", "sub/t.S"}, "");
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  EXPECT_EQ(s->source, "sub/t.S");
  EXPECT_EQ(s->language, Language::assembler_with_cpp);
}

TEST(CompileCommand, RefusesWhatIsNotModelled) {
  EXPECT_NE(refusal({"gcc", "-c", "a.c"}, "a.c").find("-nostdinc"), std::string::npos);
  EXPECT_NE(refusal({"gcc", "-nostdinc", "-I-", "-c", "a.c"}, "a.c"), "");
  EXPECT_NE(refusal({"gcc", "-nostdinc", "--sysroot=/x", "-c", "a.c"}, "a.c"), "");
  EXPECT_NE(refusal({"gcc", "-nostdinc", "-Wp,-MMD,x.d,-DX", "-c", "a.c"}, "a.c"), "");
  EXPECT_NE(refusal({"gcc", "-nostdinc", "-c", "a.c", "b.c"}, "a.c"), "");
  EXPECT_NE(refusal({"gcc", "-nostdinc", "-c", "b.c"}, "a.c"), "");
  EXPECT_NE(refusal({"gcc", "-nostdinc", "-c", "a.c", "-I"}, "a.c"), "");
  EXPECT_EQ(refusal({"gcc", "-nostdinc", "-Wp,-MMD,x.d", "-c", "a.c"}, "a.c"), "");
}

TEST(GccMacros, ParsesDmOutput) {
  auto m = parse_dm_output("#define __GNUC__ 12\n#define __x86_64 1\n#define __EMPTY \n"
                           "#define __F(a,b) a ## b\n#define __NOVALUE\n");
  ASSERT_TRUE(static_cast<bool>(m));
  EXPECT_EQ(*m, (std::vector<std::string>{"__GNUC__=12", "__x86_64=1", "__EMPTY=", "__F(a,b)=a ## b", "__NOVALUE="}));
  auto bad = parse_dm_output("# 1 \"<built-in>\"\n");
  EXPECT_FALSE(static_cast<bool>(bad));
  llvm::consumeError(bad.takeError());
}

TEST(Fixdep, SourceFirstDropsBySuffixAndDeduplicatesWhenTheKernelDoes) {
  const std::vector<std::string> gcc{"a.c", "include/linux/kconfig.h", "/k/include/generated/autoconf.h",
                                     "x.h", "include/linux/kconfig.h", "a.c"};
  FixdepRules old_rules{{"include/generated/autoconf.h", "include/generated/autoksyms.h"}, false};
  EXPECT_EQ(apply_fixdep(old_rules, gcc),
            (std::vector<std::string>{"include/linux/kconfig.h", "x.h", "include/linux/kconfig.h", "a.c"}));
  FixdepRules new_rules{{"include/generated/autoconf.h"}, true};
  EXPECT_EQ(apply_fixdep(new_rules, gcc), (std::vector<std::string>{"include/linux/kconfig.h", "x.h", "a.c"}));
}
