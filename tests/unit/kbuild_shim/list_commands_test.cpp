// The direct evaluation of Kbuild's .mod and modules.order pipelines must write exactly what /bin/sh writes, and
// must decline every other text. Each case runs the real shell (and awk) on the same command and compares.

#include <srcver/base/process.hpp>
#include <srcver/kbuild_shim/list_commands.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace srcver::kbuild_shim;
using srcver::base::current_environment;
using srcver::base::run_process;

namespace {

class ListCommands : public testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/srcver-list-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // What the shell writes to `target` when it runs `command` in the test directory.
  std::string shell_output(const std::string& command, const std::string& target) {
    auto ran = run_process({"sh", "-c", command}, current_environment(), m_dir.string());
    EXPECT_TRUE(static_cast<bool>(ran));
    if (!ran) {
      llvm::consumeError(ran.takeError());
      return "<error>";
    }
    EXPECT_EQ(ran->exit_status, 0) << ran->err;
    std::ifstream in(m_dir / target);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::optional<ListCommand> evaluate(const std::string& command) {
    return evaluate_list_command(command, [&](const std::string& path) -> std::optional<std::string> {
      std::ifstream in(m_dir / path);
      if (!in) return std::nullopt;
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    });
  }

  void expect_same(const std::string& command, const std::string& target) {
    const auto ours = evaluate(command);
    ASSERT_TRUE(ours.has_value()) << command;
    EXPECT_EQ(ours->target, target);
    EXPECT_EQ(ours->content, shell_output(command, target)) << command;
  }

  fs::path m_dir;
};

} // namespace

TEST_F(ListCommands, ModWriterAsKbuildPrintsIt) {
  // 6.x (absolute $(obj)), 7.x ("./"), duplicates, subdirectories, no object at all.
  expect_same("printf '%s\\n'   a.o sub/b.o a.o | awk '!x[$0]++ { print(\"/abs/M/\"$0) }' > m.mod", "m.mod");
  expect_same("printf '%s\\n'   hello.o | awk '!x[$0]++ { print(\"./\"$0) }' > hello.mod", "hello.mod");
  expect_same("printf '%s\\n'    | awk '!x[$0]++ { print(\"./\"$0) }' > e.mod", "e.mod");
  expect_same("printf '%s\\n' x.o y.o | awk '!x[$0]++ { print(\"sub\"$0) }' > s.mod", "s.mod");
}

TEST_F(ListCommands, ModulesOrderWriterAsKbuildPrintsIt) {
  expect_same("{   echo a.o;   echo b.o; :; } > modules.order", "modules.order");
  fs::create_directories(m_dir / "sub");
  std::ofstream(m_dir / "sub/modules.order") << "sub/x.o\nsub/y.o\n";
  expect_same("{   echo a.ko;   cat sub/modules.order;   echo b.ko; :; } > modules.order", "modules.order");
  expect_same("{  :; } > empty.order", "empty.order");
}

TEST_F(ListCommands, AnythingElseIsDeclined) {
  EXPECT_FALSE(evaluate("printf '%s\\n' a.o | awk '{ print }' > m.mod"));
  EXPECT_FALSE(evaluate("printf '%s\\n' $(ls) | awk '!x[$0]++ { print(\"./\"$0) }' > m.mod"));
  EXPECT_FALSE(evaluate("printf '%s\\n' 'a b.o' | awk '!x[$0]++ { print(\"./\"$0) }' > m.mod"));
  EXPECT_FALSE(evaluate("{ echo a\\tb; :; } > modules.order"));
  EXPECT_FALSE(evaluate("{ echo a.o; cat missing/modules.order; :; } > modules.order"));
  EXPECT_FALSE(evaluate("{ echo a.o; rm -rf x; :; } > modules.order"));
  EXPECT_FALSE(evaluate("{ echo a.o; :; } | awk '!x[$0]++' > modules.order"));
}
