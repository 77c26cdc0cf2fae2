#include <srcver/base/helper_programs.hpp>

#include <filesystem>
#include <system_error>

namespace srcver::base {

std::string helper_program(const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec).parent_path();
  const fs::path candidates[] = {exe / name, exe / "../libexec/srcversion-predict" / name};
  for (const auto& candidate : candidates) {
    if (fs::exists(candidate, ec)) return candidate.lexically_normal().string();
  }
  return candidates[0].string();
}

} // namespace srcver::base
