#pragma once
// A scratch directory of real files for the front end's tests, removed afterwards.

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace srcver::frontend::testing {

class ScratchDir {
public:
  explicit ScratchDir(const std::string& tag = "scanner") {
    m_path = std::filesystem::temp_directory_path() / ("srcver-" + tag + "-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(m_path);
    std::filesystem::create_directories(m_path);
  }
  ~ScratchDir() { std::filesystem::remove_all(m_path); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  void write(const std::string& relative, const std::string& text) const {
    std::filesystem::create_directories((m_path / relative).parent_path());
    std::ofstream(m_path / relative, std::ios::binary | std::ios::trunc) << text;
  }
  std::string path() const { return m_path.string(); }

private:
  std::filesystem::path m_path;
};

} // namespace srcver::frontend::testing
