#include <srcver/base/error.hpp>
#include <srcver/kbuild_shim/kernel.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace srcver::kbuild_shim {
namespace {

llvm::Error read_makefile_vars(const fs::path& makefile, std::map<std::string, std::string>& vars, int depth) {
  auto buffer = llvm::MemoryBuffer::getFile(makefile.string());
  if (!buffer) {
    return make_error(ErrorCategory::input, "cannot read kernel Makefile: " + buffer.getError().message(),
                      makefile.string());
  }
  llvm::SmallVector<llvm::StringRef, 0> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.consume_front("include ") && depth < 3) {
      const fs::path included = line.trim().str();
      fs::path target = included.is_absolute() ? included : makefile.parent_path() / included;
      if (llvm::Error err = read_makefile_vars(target, vars, depth + 1)) return err;
      continue;
    }
    for (const char* key : {"VERSION", "PATCHLEVEL", "SUBLEVEL"}) {
      llvm::StringRef rest = line;
      if (rest.consume_front(key)) {
        rest = rest.ltrim();
        if (rest.consume_front("=") && !vars.count(key)) vars[key] = rest.trim().str();
      }
    }
    if (vars.size() == 3) break;
  }
  return llvm::Error::success();
}

std::string read_uts_release(const fs::path& build_dir) {
  std::ifstream in(build_dir / "include/generated/utsrelease.h");
  std::string line;
  while (std::getline(in, line)) {
    const auto open = line.find('"');
    const auto close = line.rfind('"');
    if (line.find("UTS_RELEASE") != std::string::npos && open != close) {
      return line.substr(open + 1, close - open - 1);
    }
  }
  return {};
}

} // namespace

llvm::Expected<KernelVersion> read_kernel_version(const std::string& build_dir) {
  std::map<std::string, std::string> vars;
  if (llvm::Error err = read_makefile_vars(fs::path(build_dir) / "Makefile", vars, 0)) return err;
  if (vars.size() != 3) {
    return make_error(ErrorCategory::input,
                      "no VERSION/PATCHLEVEL/SUBLEVEL in the kernel Makefile (or the files it includes): not a kernel "
                      "build directory, or a damaged one; reinstall the kernel's headers",
                      build_dir);
  }
  return parse_kernel_version(vars["VERSION"] + "." + vars["PATCHLEVEL"] + "." + vars["SUBLEVEL"]);
}

llvm::Expected<KernelBuild> resolve_kernel(const std::string& kernel) {
  if (kernel.empty()) {
    return make_error(ErrorCategory::usage, "the kernel argument is empty: give a release installed under /lib/modules "
                                            "(e.g. $(uname -r)) or a kernel build directory");
  }
  const bool is_path = kernel.find('/') != std::string::npos;
  const fs::path dir = is_path ? fs::path(kernel) : fs::path("/lib/modules") / kernel / "build";
  std::error_code ec;
  const fs::path canonical = fs::canonical(dir, ec);
  bool has_makefile = false;
  if (!ec) {
    has_makefile = fs::exists(canonical / "Makefile", ec);
    if (ec) {
      return make_error(ErrorCategory::input, "cannot read the kernel build directory: " + ec.message(),
                        canonical.string());
    }
  }
  if (!has_makefile) {
    if (is_path) {
      return make_error(ErrorCategory::input,
                        "not a kernel build directory (no Makefile): give a kernel's build directory (e.g. "
                        "/lib/modules/<release>/build) or its release",
                        kernel);
    }
    return make_error(ErrorCategory::input, "kernel " + kernel + " has no build directory at " + dir.string() +
                                                "; install its headers (apt install linux-headers-" + kernel + ")");
  }
  KernelBuild build;
  build.build_dir = canonical.string();
  auto version = read_kernel_version(build.build_dir);
  if (!version) return version.takeError();
  build.version = *version;
  build.release = read_uts_release(canonical);
  if (build.release.empty()) build.release = is_path ? canonical.filename().string() : kernel;
  return build;
}

} // namespace srcver::kbuild_shim
