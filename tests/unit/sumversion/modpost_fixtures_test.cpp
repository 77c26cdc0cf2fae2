// Real-modpost goldens: every case under testdata/modpost/<case>/ (a crafted tree: .mod, .cmd files, sources) was
// run through the real modpost of each kernel by scripts/modpost-oracle.sh, which wrote expected/<release>. Here
// the port computes the same module from the same tree under that kernel's era and must agree: the srcversion,
// "none" (no srcversion line) or "fatal: ..." (modpost failed, naming the same path).

#include "build_tree.hpp" // tool/src: the library behind from-build
#include <srcver/sumversion/srcversion.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace srcver::sumversion;
using srcver::parse_kernel_version;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string first_line(const fs::path& p) {
  std::string s = slurp(p);
  return s.substr(0, s.find('\n'));
}

class ModpostFixture : public testing::Test {
public:
  ModpostFixture(fs::path case_dir, std::string release, EraRules rules)
      : m_case_dir(std::move(case_dir)), m_release(std::move(release)), m_rules(rules) {}

  void TestBody() override {
    SCOPED_TRACE(first_line(m_case_dir / "case.txt"));
    const std::string expected = first_line(m_case_dir / "expected" / m_release);
    srcver::tool::DiskFileSource files((m_case_dir / "tree").string());
    SrcversionRequest request;
    request.module_name = first_line(m_case_dir / "module");
    // Extra modpost flags of the case (the oracle passed them to the real modpost too).
    request.modversions =
        fs::exists(m_case_dir / "flags") && slurp(m_case_dir / "flags").find("-m") != std::string::npos;
    const SrcversionResult r = compute_srcversion(files, request, m_rules);
    if (expected.rfind("fatal: ", 0) == 0) {
      EXPECT_EQ(r.outcome, SrcversionResult::Outcome::modpost_fails) << "srcversion " << r.srcversion;
      // modpost names the file it could not open; so must we.
      const std::string message = expected.substr(7);
      const std::string path = message.substr(0, message.find(": "));
      EXPECT_NE(r.reason.find(path + ": "), std::string::npos)
          << "modpost said: " << message << "\nwe said: " << r.reason;
    } else if (expected == "none") {
      EXPECT_EQ(r.outcome, SrcversionResult::Outcome::no_srcversion) << "srcversion " << r.srcversion;
    } else {
      EXPECT_EQ(r.outcome, SrcversionResult::Outcome::ok) << r.reason;
      EXPECT_EQ(r.srcversion, expected);
    }
  }

private:
  fs::path m_case_dir;
  std::string m_release;
  EraRules m_rules;
};

// The kernels the goldens came from: "<release> <VERSION.PATCHLEVEL.SUBLEVEL>" per line (written by the oracle).
std::map<std::string, EraRules> kernel_eras(const fs::path& root) {
  std::map<std::string, EraRules> eras;
  std::ifstream in(root / "kernels.txt");
  std::string release, version;
  while (in >> release >> version) {
    auto v = parse_kernel_version(version);
    if (!v) {
      llvm::consumeError(v.takeError());
      continue;
    }
    auto era = era_for_version(*v);
    if (!era) {
      llvm::consumeError(era.takeError());
      continue;
    }
    eras.emplace(release, rules_for(*era, *v));
  }
  return eras;
}

} // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const fs::path root = fs::path(SRCVER_TESTDATA_DIR) / "modpost";
  const auto eras = kernel_eras(root);
  int registered = 0;
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory() && fs::exists(entry.path() / "expected")) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  for (const auto& case_dir : cases) {
    for (const auto& golden : fs::directory_iterator(case_dir / "expected")) {
      const std::string release = golden.path().filename().string();
      const std::string name = case_dir.filename().string() + "/" + release;
      auto era = eras.find(release);
      if (era == eras.end()) {
        testing::RegisterTest("ModpostFixture", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                              [release]() -> testing::Test* {
                                struct Unknown : testing::Test {
                                  std::string r;
                                  explicit Unknown(std::string rel) : r(std::move(rel)) {}
                                  void TestBody() override {
                                    FAIL() << "kernel " << r << " is not listed in testdata/modpost/kernels.txt";
                                  }
                                };
                                return new Unknown(release);
                              });
      } else {
        const EraRules rules = era->second;
        testing::RegisterTest(
            "ModpostFixture", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
            [case_dir, release, rules]() -> testing::Test* { return new ModpostFixture(case_dir, release, rules); });
      }
      ++registered;
    }
  }
  if (registered == 0) {
    fprintf(stderr, "no goldens under %s: run scripts/modpost-oracle.sh\n", root.c_str());
    return 1;
  }
  return RUN_ALL_TESTS();
}
