#include <srcver/base/cache_file.hpp>
#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/frontend/fixdep.hpp>

#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace srcver::frontend {

namespace fs = std::filesystem;

namespace {

// The entries of the crafted list that a fixdep might drop.
constexpr const char* k_candidates[] = {"include/generated/autoconf.h", "include/generated/autoksyms.h",
                                        "include/linux/kconfig.h", "probe.ver"};

llvm::Expected<FixdepRules> parse_description(const std::string& text) {
  FixdepRules rules;
  std::size_t begin = 0;
  bool seen_header = false;
  while (begin < text.size()) {
    auto end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    if (line == "fixdep-rules 1") {
      seen_header = true;
    } else if (line == "dedup") {
      rules.removes_duplicates = true;
    } else if (line.rfind("drop ", 0) == 0) {
      rules.dropped_suffixes.push_back(line.substr(5));
    } else if (!line.empty()) {
      return make_error(ErrorCategory::io, "unexpected line in fixdep rules: " + line);
    }
  }
  if (!seen_header) return make_error(ErrorCategory::io, "not a fixdep rules description");
  return rules;
}

llvm::Expected<FixdepRules> probe(const std::string& fixdep) {
  std::error_code ec;
  auto scratch = base::ScratchDir::create("fixdep");
  if (!scratch) return scratch.takeError();
  const fs::path& dir = scratch->path();
  fs::create_directories(dir / "include/generated", ec);
  fs::create_directories(dir / "include/linux", ec);
  // The list: the source, a duplicate, the same file spelt "./a.h", each candidate, the source again.
  std::string d = "probe.o: src.c a.h a.h ./a.h";
  for (const char* c : k_candidates)
    d += std::string(" ") + c;
  d += " b.h src.c\n";
  for (const char* f : {"src.c", "a.h", "b.h", "include/generated/autoconf.h", "include/generated/autoksyms.h",
                        "include/linux/kconfig.h", "probe.ver"})
    std::ofstream(dir / f) << "";
  std::ofstream(dir / "probe.d") << d;
  auto run = base::run_process({fixdep, "probe.d", "probe.o", "gcc -c src.c"}, {"PATH=/usr/bin:/bin"}, dir.string(),
                               base::k_default_make_timeout);
  if (!run) return run.takeError();
  if (run->timed_out) return base::timed_out_error("the kernel's fixdep", base::k_default_make_timeout);
  if (run->exit_status != 0) {
    return make_error(ErrorCategory::cannot_predict,
                      "the kernel's fixdep failed on a probe (exit " + std::to_string(run->exit_status) +
                          "): " + run->err.substr(0, 500),
                      fixdep);
  }
  // Its deps_probe.o entries.
  std::vector<std::string> listed;
  bool in_deps = false, saw_source = false;
  std::size_t begin = 0;
  const std::string& out = run->out;
  while (begin < out.size()) {
    auto end = out.find('\n', begin);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(begin, end - begin);
    begin = end + 1;
    if (line.rfind("source_probe.o := src.c", 0) == 0) saw_source = true;
    if (line.rfind("deps_probe.o := ", 0) == 0) {
      in_deps = true;
      continue;
    }
    if (!in_deps) continue;
    if (line.empty()) break;
    line.erase(0, line.find_first_not_of(' '));
    if (line.size() >= 2 && line.compare(line.size() - 2, 2, " \\") == 0) line.resize(line.size() - 2);
    if (line.rfind("$(wildcard", 0) == 0) continue;
    listed.push_back(line);
  }
  if (!saw_source || !in_deps) {
    return make_error(ErrorCategory::cannot_predict, "the kernel's fixdep wrote no source_/deps_ lines", fixdep);
  }
  FixdepRules rules;
  for (const char* c : k_candidates) {
    if (std::find(listed.begin(), listed.end(), c) == listed.end()) rules.dropped_suffixes.emplace_back(c);
  }
  rules.removes_duplicates = std::count(listed.begin(), listed.end(), "a.h") == 1;
  // Check the rest of what is assumed: "./a.h" kept as written, the source listed again at the end.
  std::vector<std::string> expected;
  for (const auto& e :
       std::vector<std::string>{"a.h", "a.h", "./a.h", "include/generated/autoconf.h", "include/generated/autoksyms.h",
                                "include/linux/kconfig.h", "probe.ver", "b.h", "src.c"})
    expected.push_back(e);
  if (apply_fixdep(rules, [&] {
        std::vector<std::string> all{"src.c"};
        all.insert(all.end(), expected.begin(), expected.end());
        return all;
      }()) != listed) {
    std::string got;
    for (const auto& l : listed)
      got += " " + l;
    return make_error(ErrorCategory::cannot_predict, "the kernel's fixdep behaves in an unknown way:" + got, fixdep);
  }
  return rules;
}

} // namespace

std::string describe(const FixdepRules& rules) {
  std::string text = "fixdep-rules 1\n";
  for (const auto& s : rules.dropped_suffixes)
    text += "drop " + s + "\n";
  if (rules.removes_duplicates) text += "dedup\n";
  return text;
}

std::vector<std::string> apply_fixdep(const FixdepRules& rules, std::vector<std::string> gcc_dependencies) {
  std::vector<std::string> out;
  out.reserve(gcc_dependencies.size());
  std::set<std::string_view> seen;
  for (std::size_t i = 1; i < gcc_dependencies.size(); ++i) {
    std::string& d = gcc_dependencies[i];
    const bool dropped =
        std::any_of(rules.dropped_suffixes.begin(), rules.dropped_suffixes.end(), [&](const std::string& s) {
          return d.size() >= s.size() && d.compare(d.size() - s.size(), s.size(), s) == 0;
        });
    if (dropped) continue;
    if (rules.removes_duplicates && d != gcc_dependencies[0]) {
      if (seen.count(d) != 0) continue;
      out.push_back(std::move(d));
      seen.insert(out.back()); // `out` never reallocates (reserved): the view stays valid
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

llvm::Expected<FixdepRules> learn_fixdep_rules(const std::string& kernel_build_dir, const std::string& cache_dir) {
  const std::string fixdep = kernel_build_dir + "/scripts/basic/fixdep";
  struct stat st {};
  if (::stat(fixdep.c_str(), &st) != 0) {
    return make_error(ErrorCategory::cannot_predict, "the kernel has no scripts/basic/fixdep", kernel_build_dir);
  }
  const std::string key = base::sha256_hex("srcversion-predict fixdep 1\n" + fixdep + "\n" + std::to_string(st.st_ino) +
                                           " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) +
                                           "." + std::to_string(st.st_mtim.tv_nsec));
  const fs::path entry = cache_dir.empty() ? fs::path() : fs::path(cache_dir) / "fixdep" / (key + ".txt");
  if (!entry.empty()) {
    if (auto read = base::read_checked(entry); read.state == base::CheckedRead::State::ok) {
      auto rules = parse_description(read.content);
      if (rules) return rules;
      llvm::consumeError(rules.takeError());
      base::report_damaged(entry.string(), "not a fixdep rules description"); // probed again
    }
  }
  auto rules = probe(fixdep);
  if (!rules) return rules.takeError();
  if (!entry.empty()) base::write_checked(entry, describe(*rules));
  return rules;
}

} // namespace srcver::frontend
