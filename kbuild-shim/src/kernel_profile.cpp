#include <srcver/base/cache_file.hpp>
#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/kbuild_shim/kernel_profile.hpp>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA256.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace srcver::kbuild_shim {
namespace {

constexpr int k_profile_format = 2; // 2: PWD and OLDPWD are not part of a profile

// Environment variables that change what the top-level Makefile decides (compiler, flags, architecture).
constexpr const char* k_relevant_env[] = {"PATH",
                                          "ARCH",
                                          "CROSS_COMPILE",
                                          "CC",
                                          "LD",
                                          "LLVM",
                                          "LLVM_IAS",
                                          "KCFLAGS",
                                          "KCPPFLAGS",
                                          "KAFLAGS",
                                          "KBUILD_EXTRA_SYMBOLS",
                                          "INSTALL_MOD_PATH"};

// The identity of a kernel build directory: the files whose change changes Kbuild's decisions.
std::string cache_key(const KernelBuild& kernel, const std::vector<std::string>& caller_env) {
  std::string identity = "srcversion-predict kernel profile " + std::to_string(k_profile_format) + "\n";
  identity += kernel.build_dir + "\n";
  std::vector<fs::path> files = {"Makefile",
                                 ".config",
                                 "include/config/auto.conf",
                                 "include/generated/autoconf.h",
                                 "include/generated/utsrelease.h",
                                 "include/config/kernel.release",
                                 "Module.symvers"};
  // Debian's flavour Makefile includes the common one, where scripts/ live too.
  std::ifstream makefile(fs::path(kernel.build_dir) / "Makefile");
  std::string line;
  while (std::getline(makefile, line)) {
    if (line.rfind("include ", 0) == 0) {
      const fs::path common = fs::path(line.substr(8)).parent_path();
      files.push_back(common / "Makefile");
      files.push_back(common / "scripts/Makefile.build");
      files.push_back(common / "scripts/Kbuild.include");
    }
  }
  files.push_back("scripts/Makefile.build");
  for (const auto& f : files) {
    const fs::path p = f.is_absolute() ? f : fs::path(kernel.build_dir) / f;
    struct stat st {};
    if (stat(p.c_str(), &st) != 0) {
      identity += p.string() + " -\n";
      continue;
    }
    identity += p.string() + " " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
                std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
                std::to_string(st.st_mtim.tv_nsec) + "\n";
  }
  for (const char* name : k_relevant_env)
    identity += std::string(name) + "=" + base::env_value(caller_env, name) + "\n";
  return base::sha256_hex(identity);
}

llvm::json::Value to_json(const KernelProfile& p) {
  llvm::json::Array env, argv;
  for (const auto& e : p.env)
    env.push_back(e);
  for (const auto& a : p.argv)
    argv.push_back(a);
  const auto& v = p.kernel.version;
  return llvm::json::Object{
      {"format", k_profile_format},
      {"release", p.kernel.release},
      {"build_dir", p.kernel.build_dir},
      {"version", std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch)},
      {"env", std::move(env)},
      {"argv", std::move(argv)},
      {"cwd", p.cwd}};
}

std::optional<KernelProfile> from_json(const std::string& text, const KernelBuild& kernel) {
  auto value = llvm::json::parse(text);
  if (!value) {
    llvm::consumeError(value.takeError());
    return std::nullopt;
  }
  const llvm::json::Object* obj = value->getAsObject();
  if (obj == nullptr || obj->getInteger("format") != k_profile_format) return std::nullopt;
  KernelProfile p;
  p.kernel = kernel;
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    const llvm::json::Array* array = obj->getArray(key);
    if (array == nullptr) return false;
    for (const auto& item : *array) {
      auto s = item.getAsString();
      if (!s) return false;
      out.push_back(s->str());
    }
    return true;
  };
  auto cwd = obj->getString("cwd");
  if (!cwd || !strings("env", p.env) || !strings("argv", p.argv) || p.argv.empty()) return std::nullopt;
  p.cwd = cwd->str();
  return p;
}

// Removes make's own variables from an environment (the tool may itself run under make, e.g. from DKMS).
std::vector<std::string> without_make_state(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (const auto& e : env) {
    if (!base::is_make_state(e)) out.push_back(e);
  }
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The probe module: a Kbuild file that records, from inside the Makefile.build pass, that sub-make's environment,
// argv and working directory into <out>.env, <out>.argv and <out>.cwd; and its one source.
llvm::Error write_probe(const fs::path& probe, const fs::path& out) {
  std::error_code ec;
  fs::create_directories(probe, ec);
  if (ec) return make_error(ErrorCategory::io, "cannot create: " + ec.message(), probe.string());
  std::ofstream kbuild(probe / "Kbuild");
  kbuild << "ifneq ($(filter %/scripts/Makefile.build,$(firstword $(MAKEFILE_LIST))),)\n"
            "$(shell cat /proc/$$PPID/environ > "
         << out.string() << ".env; cat /proc/$$PPID/cmdline > " << out.string() << ".argv; readlink /proc/$$PPID/cwd > "
         << out.string()
         << ".cwd)\n"
            "endif\n"
            "obj-m := probe.o\n";
  std::ofstream(probe / "probe.c") << "int probe;\n";
  return llvm::Error::success();
}

// The profile the probe recorded (`out`), with the probe's path turned into the module directory placeholder.
KernelProfile read_capture(const KernelBuild& kernel, const fs::path& probe, const fs::path& out) {
  KernelProfile p;
  p.kernel = kernel;
  const std::string probe_path = probe.string();
  // PWD and OLDPWD are the capturing caller's: a plan sets the real build's own.
  for (auto& e : base::split_nul(slurp(out.string() + ".env"))) {
    if (e.rfind("PWD=", 0) == 0 || e.rfind("OLDPWD=", 0) == 0) continue;
    p.env.push_back(replace_all(e, probe_path, k_module_dir_placeholder));
  }
  for (auto& a : base::split_nul(slurp(out.string() + ".argv")))
    p.argv.push_back(replace_all(a, probe_path, k_module_dir_placeholder));
  std::string cwd = slurp(out.string() + ".cwd");
  while (!cwd.empty() && cwd.back() == '\n')
    cwd.pop_back();
  p.cwd = replace_all(cwd, probe_path, k_module_dir_placeholder);
  return p;
}

// The compiler Kbuild probes must exist, or every cc-option in the profile would be silently false
// (cannot_predict).
llvm::Error check_compiler(const KernelProfile& p) {
  std::string cc = base::env_value(p.env, "CC");
  cc = cc.substr(cc.find_first_not_of(' ') == std::string::npos ? 0 : cc.find_first_not_of(' '));
  cc = cc.substr(0, cc.find(' '));
  if (!cc.empty()) {
    auto found = base::run_process({"sh", "-c", "command -v \"$0\" >/dev/null", cc}, p.env, "/");
    if (!found || found->exit_status != 0) {
      if (!found) llvm::consumeError(found.takeError());
      return make_error(ErrorCategory::cannot_predict,
                        "kernel " + p.kernel.release + " is built with '" + cc +
                            "', which is not on PATH: Kbuild's compiler probes would give other flags");
    }
  }
  return llvm::Error::success();
}

// Runs the real top-level make (dry run) on a probe module whose Kbuild file records, from inside the
// Makefile.build pass, that sub-make's environment, argv and working directory.
llvm::Expected<KernelProfile> capture(const KernelBuild& kernel, const ProfileOptions& options) {
  auto scratch = base::ScratchDir::create("probe");
  if (!scratch) return scratch.takeError();
  const fs::path tmp = scratch->path();
  const fs::path probe = tmp / "srcversion-predict-probe-module";
  const fs::path out = tmp / "capture";
  if (llvm::Error err = write_probe(probe, out)) return err;
  auto run = base::run_process({"make", "-n", "-s", "-C", kernel.build_dir, "M=" + probe.string(), "modules"},
                               without_make_state(options.caller_env), tmp.string(), options.timeout);
  if (!run) return run.takeError();
  if (run->timed_out) {
    return base::timed_out_error("the kernel's top-level Makefile (on a probe module)", options.timeout,
                                 kernel.build_dir);
  }
  // The dry run ends in the modpost stage (no modules.order exists under -n); what counts is that the
  // Makefile.build pass ran and recorded itself.
  std::error_code ec;
  const bool recorded = fs::exists(out.string() + ".argv", ec) && fs::exists(out.string() + ".env", ec);
  if (ec) return make_error(ErrorCategory::io, "cannot read: " + ec.message(), out.string());
  if (!recorded) {
    return make_error(ErrorCategory::cannot_predict,
                      "the kernel's top-level Makefile failed on a probe module (exit " +
                          std::to_string(run->exit_status) + "): " + run->err.substr(0, 2000),
                      kernel.build_dir);
  }
  KernelProfile p = read_capture(kernel, probe, out);
  if (llvm::Error err = check_compiler(p)) return err;
  return p;
}

} // namespace

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

std::string kernel_profile_key(const KernelBuild& kernel, const std::vector<std::string>& caller_env) {
  return cache_key(kernel, caller_env);
}

llvm::Expected<ProfileLoad> load_kernel_profile(const KernelBuild& kernel, const ProfileOptions& options) {
  fs::path entry;
  if (!options.cache_dir.empty()) {
    const std::string key = options.key.empty() ? cache_key(kernel, options.caller_env) : options.key;
    entry = fs::path(options.cache_dir) / "kernels" / (key + ".json");
    const auto read = base::read_checked(entry);
    if (read.state == base::CheckedRead::State::ok) {
      if (auto profile = from_json(read.content, kernel)) return ProfileLoad{*profile, true};
      base::report_damaged(entry.string(), "not a kernel profile of this format");
    }
    // Missing, damaged or from another format: captured again below, and replaced.
  }
  auto profile = capture(kernel, options);
  if (!profile) return profile.takeError();
  if (!entry.empty()) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << to_json(*profile);
    os.flush();
    base::write_checked(entry, text);
  }
  return ProfileLoad{*profile, false};
}

} // namespace srcver::kbuild_shim
