#include <srcver/base/error.hpp>
#include <srcver/kbuild_shim/dkms.hpp>
#include <srcver/tool/arguments.hpp>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace srcver::tool {

namespace fs = std::filesystem;

llvm::Error check_module_dir(const std::string& dir) {
  if (dir.empty()) {
    return make_error(ErrorCategory::usage, "the module directory argument is empty: give the directory that holds the "
                                            "module's Kbuild or Makefile (or a DKMS package's dkms.conf)");
  }
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (ec && status.type() != fs::file_type::not_found) {
    // ELOOP (a symlink loop), EACCES on a parent, ENAMETOOLONG ...
    return make_error(ErrorCategory::input, "cannot use as the module directory: " + ec.message(), dir);
  }
  if (status.type() == fs::file_type::not_found) {
    return make_error(ErrorCategory::input,
                      "no such directory: give the directory that holds the module's Kbuild or Makefile", dir);
  }
  if (status.type() != fs::file_type::directory) {
    return make_error(ErrorCategory::input,
                      "not a directory: give the directory that holds the module's Kbuild or Makefile (or dkms.conf), "
                      "not a file in it",
                      dir);
  }
  for (const char* name : {"Kbuild", "Makefile", "makefile", "dkms.conf"}) {
    if (fs::is_regular_file(fs::path(dir) / name, ec)) return llvm::Error::success();
  }
  return make_error(ErrorCategory::input,
                    "no Kbuild or Makefile here (nor a DKMS package's dkms.conf): not a module directory; give the "
                    "directory that holds the module's Kbuild or Makefile",
                    dir);
}

llvm::Error check_cache_dir(const std::string& dir, const std::string& option) {
  if (dir.empty()) return llvm::Error::success();
  const std::string what = option + " " + dir;
  const std::string hint = "; name a directory the tool may write (made when missing) with --cache-dir, or pass "
                           "--no-cache";
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (status.type() == fs::file_type::not_found) {
    fs::create_directories(dir, ec);
    if (ec) return make_error(ErrorCategory::usage, what + ": cannot create the directory: " + ec.message() + hint);
  } else if (ec) {
    return make_error(ErrorCategory::usage, what + ": " + ec.message() + hint);
  } else if (status.type() != fs::file_type::directory) {
    return make_error(ErrorCategory::usage, what + ": not a directory" + hint);
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return make_error(ErrorCategory::usage,
                      what + ": cannot write there: " + std::generic_category().message(errno) + hint);
  }
  return llvm::Error::success();
}

llvm::Error check_make_path(const std::string& module_dir) {
  if (kbuild_shim::is_dkms_source(module_dir)) return llvm::Error::success();
  std::error_code ec;
  const std::string path = fs::canonical(module_dir, ec).string();
  if (ec) return llvm::Error::success(); // the plan reports it
  const std::size_t at = path.find_first_of(" \t\n\r\v\f$`;'\":\\()&|<>*?[%,");
  if (at == std::string::npos) return llvm::Error::success();
  return make_error(ErrorCategory::cannot_predict,
                    "cannot predict: make M= fails on a module directory whose path holds whitespace or any of "
                    "$`;'\":\\()&|<>*?[%, (Kbuild passes the path through make and sh unquoted; this one holds " +
                        path.substr(at, 1) + "); copy the directory to a path without them and predict the copy",
                    path);
}

std::string default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/srcversion-predict";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.cache/srcversion-predict";
  }
  return {};
}

std::string default_store_dir() {
  if (::geteuid() == 0) return "/var/cache/srcversion-predict/modules";
  const std::string cache = default_cache_dir();
  return cache.empty() ? "srcversion-predict-modules" : cache + "/modules";
}

} // namespace srcver::tool
