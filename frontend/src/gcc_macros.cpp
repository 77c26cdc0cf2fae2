#include <srcver/base/cache_file.hpp>
#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/frontend/gcc_macros.hpp>

#include <llvm/Support/MemoryBuffer.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace srcver::frontend {

namespace fs = std::filesystem;

namespace {

const char* language_name(Language language) { return language == Language::c ? "c" : "assembler-with-cpp"; }

} // namespace

llvm::Expected<std::vector<std::string>> parse_dm_output(const std::string& text) {
  std::vector<std::string> macros;
  std::size_t begin = 0;
  while (begin < text.size()) {
    auto end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    if (line.empty()) continue;
    static constexpr std::string_view k_define = "#define ";
    if (line.compare(0, k_define.size(), k_define) != 0) {
      return make_error(ErrorCategory::cannot_predict, "unexpected line in gcc -dM output: " + line);
    }
    std::string rest = line.substr(k_define.size());
    // NAME or NAME(args), then a space and the value (possibly empty).
    std::size_t name_end = rest.find_first_of(" (");
    if (name_end != std::string::npos && rest[name_end] == '(') name_end = rest.find(')', name_end) + 1;
    if (name_end == 0 || name_end > rest.size()) name_end = rest.size();
    const std::string name = rest.substr(0, name_end);
    const std::string value = name_end < rest.size() ? rest.substr(name_end + 1) : std::string();
    macros.push_back(name + "=" + value);
  }
  return macros;
}

GccMacros::GccMacros(std::string cache_dir, std::vector<std::string> env)
    : m_cache_dir(std::move(cache_dir)), m_env(std::move(env)) {}

unsigned GccMacros::compiler_runs() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_runs;
}

llvm::Expected<std::shared_ptr<const std::vector<std::string>>> GccMacros::for_command(const PreprocessCommand& command,
                                                                                       const std::string& cwd) {
  std::vector<std::string> argv{command.compiler};
  argv.insert(argv.end(), command.macro_flags.begin(), command.macro_flags.end());
  for (const char* word : {"-dM", "-E", "-x", language_name(command.language), "/dev/null"})
    argv.emplace_back(word);
  // Within a run, the same -dM command gives the same answer: most objects share their flags, so the compiler's
  // lookup on PATH, its stat and the disk key are done once per distinct command.
  std::string command_text;
  for (const auto& a : argv)
    command_text += a + '\0';
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (auto it = m_known.find(command_text); it != m_known.end()) return it->second;
  }

  const std::string compiler = base::find_program(command.compiler, base::env_value(m_env, "PATH"));
  struct stat st {};
  if (compiler.empty() || ::stat(compiler.c_str(), &st) != 0) {
    return make_error(ErrorCategory::cannot_predict,
                      "the compiler '" + command.compiler + "' is not on PATH: gcc's predefined macros are unknown");
  }
  // The key: the compiler's identity and the exact -dM command.
  std::string identity = "srcversion-predict gcc macros 1\n" + compiler + "\n" + std::to_string(st.st_size) + " " +
                         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
  identity += command_text;
  const std::string key = base::sha256_hex(identity);

  std::lock_guard<std::mutex> lock(m_mutex);
  if (auto it = m_known.find(command_text); it != m_known.end()) return it->second;

  const fs::path entry = m_cache_dir.empty() ? fs::path() : fs::path(m_cache_dir) / "macros" / (key + ".h");
  std::string text;
  bool from_disk = false;
  if (!entry.empty()) {
    if (auto read = base::read_checked(entry); read.state == base::CheckedRead::State::ok) {
      text = std::move(read.content);
      from_disk = true;
    }
  }
  auto macros =
      from_disk ? parse_dm_output(text) : llvm::Expected<std::vector<std::string>>(std::vector<std::string>{});
  if (from_disk && (!macros || macros->empty())) {
    if (!macros) llvm::consumeError(macros.takeError());
    base::report_damaged(entry.string(), "not gcc's -dM output");
    from_disk = false; // asked again below
  }
  if (!from_disk) {
    auto run = base::run_process(argv, m_env, cwd);
    if (!run) return run.takeError();
    ++m_runs;
    if (run->exit_status != 0) {
      return make_error(ErrorCategory::cannot_predict, "'" + command.compiler + " ... -dM -E' failed (exit " +
                                                           std::to_string(run->exit_status) +
                                                           "): " + run->err.substr(0, 1000));
    }
    text = run->out;
    macros = parse_dm_output(text);
    if (!macros) return macros.takeError();
    if (!entry.empty()) base::write_checked(entry, text);
  }
  auto shared = std::make_shared<const std::vector<std::string>>(std::move(*macros));
  m_known.emplace(command_text, shared);
  return shared;
}

} // namespace srcver::frontend
