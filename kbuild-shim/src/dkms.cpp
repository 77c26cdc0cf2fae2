#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/base/shell_words.hpp>
#include <srcver/kbuild_shim/dkms.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;

namespace srcver::kbuild_shim {
namespace {

// Records makes aimed at the kernel build directory; runs every other make dry, named "make" so that its own
// $(MAKE) lines come back here.
constexpr const char* k_interceptor = R"(#!/bin/bash
kdir=$SRCVER_KDIR
dir= m=
prev=
for a in "$@"; do
  [ "$prev" = -C ] && dir=${dir:+$dir/}$a
  case "$a" in
    -C?*) dir=${dir:+$dir/}${a#-C} ;;
    --directory=*) dir=${dir:+$dir/}${a#--directory=} ;;
    M=*) m=${a#M=} ;;
    KBUILD_EXTMOD=*) m=${a#KBUILD_EXTMOD=} ;;
  esac
  prev=$a
done
target=$(cd "${dir:-.}" 2>/dev/null && pwd -P)
if [ -n "$m" ] && [ "$target" = "$kdir" ]; then
  { printf 'CWD=%s\0' "$PWD"; for a in "$@"; do printf 'ARG=%s\0' "$a"; done
    env -0 | sed -z 's/^/ENV=/'; printf 'END\0'; } >> "$SRCVER_LOG"
  exit 0
fi
exec -a make "$SRCVER_REAL_MAKE" -n "$@"
)";

struct KernelMake {
  std::string cwd;
  std::vector<std::string> args;
  std::vector<std::string> env;
};

// The first command of a MAKE line that is not a make (a configure step, a script), or "" when every command of the
// line is make, optionally after VAR=value assignments. Commands are what lies between ; & | ( and ).
std::string non_make_command(const std::string& line) {
  std::size_t start = 0;
  while (start <= line.size()) {
    std::size_t end = line.find_first_of(";&|()", start);
    if (end == std::string::npos) end = line.size();
    const std::vector<std::string> words = base::shell_split(line.substr(start, end - start));
    std::size_t i = 0;
    while (i < words.size() && words[i].find('=') != std::string::npos && words[i][0] != '-')
      ++i;
    if (i < words.size() && words[i] != "make" && words[i] != "$(MAKE)" && words[i] != "${MAKE}") return words[i];
    start = end + 1;
  }
  return {};
}

// Variables of the tool's own run that the package's make must not see (make state, our PATH and the shell's).
bool is_foreign_state(const std::string& e) {
  for (const char* prefix : {"SRCVER_", "PATH=", "PWD=", "OLDPWD=", "SHLVL=", "_="}) {
    if (e.rfind(prefix, 0) == 0) return true;
  }
  return base::is_make_state(e);
}

// A setting of the kernel make that its top-level Makefile reads: on the command line (which overrides the
// Makefile's own assignments: the compiler, flags, architecture, Kconfig values), or in an environment that differs
// from the tool's own (which the kernel profile was captured with) for a variable the Makefile takes from the
// environment (`ARCH ?=`, `KCFLAGS`; not `CC`, which it assigns: dkms exports CC=gcc-12 and the Makefile ignores it).
// "NAME=value", or "" when there is none.
std::string top_level_setting(const std::vector<std::string>& make_args, const std::vector<std::string>& make_env,
                              const std::vector<std::string>& own_env, const std::string& build_dir) {
  // The kernel's own Kconfig symbols, set or not (a package's private CONFIG_X=m, such as openvpn-dco's
  // CONFIG_OVPN_DCO_V2, only selects its own objects).
  std::optional<std::string> config; // read only when a CONFIG_ setting is given
  auto kernel_symbol = [&](llvm::StringRef name) {
    if (!config) {
      auto buffer = llvm::MemoryBuffer::getFile(build_dir + "/.config", /*IsText=*/true);
      config = buffer ? (*buffer)->getBuffer().str() : std::string();
    }
    return llvm::StringRef(*config).contains("\n" + name.str() + "=") ||
           llvm::StringRef(*config).contains("# " + name.str() + " is not set");
  };
  static const char* const from_env[] = {"ARCH",    "CROSS_COMPILE", "LLVM",    "LLVM_IAS",
                                         "KCFLAGS", "KCPPFLAGS",     "KAFLAGS", "KBUILD_OUTPUT"};
  static const char* const from_args[] = {"CC", "LD", "AS", "HOSTCC", "KBUILD_CFLAGS", "O"};
  auto listed = [](llvm::StringRef name, const auto& list) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* n) { return name == n; });
  };
  for (const auto& a : make_args) {
    const llvm::StringRef name = llvm::StringRef(a).split('=').first;
    if (listed(name, from_env) || listed(name, from_args) ||
        (name.starts_with("CONFIG_") && name != "CONFIG_MODULE_SRCVERSION_ALL" && kernel_symbol(name))) {
      return a;
    }
  }
  for (const auto& e : make_env) {
    const auto [name, value] = llvm::StringRef(e).split('=');
    if (listed(name, from_env) && base::env_value(own_env, name.str()) != value) return e;
  }
  return {};
}

} // namespace

bool is_dkms_source(const std::string& dir) { return fs::is_regular_file(fs::path(dir) / "dkms.conf"); }

llvm::Expected<Plan> plan_dkms_source(const std::string& source_arg, const KernelProfile& profile,
                                      const std::string& dkms_conf_script, std::chrono::milliseconds timeout,
                                      std::vector<std::string>* named) {
  std::error_code ec;
  const fs::path source = fs::canonical(source_arg, ec);
  if (ec) return make_error(ErrorCategory::input, "not a directory", source_arg);

  auto scratch = base::ScratchDir::create("dkms");
  if (!scratch) return scratch.takeError();
  const fs::path tmp = scratch->path();
  const fs::path work = tmp / source.filename();
  if (llvm::Error err = copy_sources(source.string(), work.string())) return err;

  // dkms.conf, as dkms evaluates it, in the scratch copy.
  // dkms-conf.sh's own temporary tree goes into the scratch directory, which goes on every exit.
  const std::vector<std::string> caller_env = base::current_environment();
  std::vector<std::string> conf_env = caller_env;
  conf_env.push_back("SRCVER_SCRATCH=" + tmp.string());
  auto conf_run = base::run_process(
      {"bash", dkms_conf_script, work.string(), profile.kernel.release, profile.kernel.build_dir, "x86_64"}, conf_env,
      work.string(), timeout);
  if (!conf_run) return conf_run.takeError();
  if (conf_run->timed_out) return base::timed_out_error("evaluating dkms.conf", timeout, source.string());
  if (conf_run->exit_status == 1) {
    return make_error(ErrorCategory::input, "dkms.conf cannot be read: " + conf_run->err, source.string());
  }
  std::map<std::string, std::string> conf;
  std::vector<std::string> modules, make_env, make_env_unset;
  for (const std::string& record : base::split_nul(conf_run->out)) {
    const std::size_t eq = record.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = record.substr(0, eq);
    const std::string value = replace_all(record.substr(eq + 1), work.string(), source.string());
    if (key.rfind("MODULE[", 0) == 0)
      modules.push_back(value);
    else if (key.rfind("MAKE_ENV[", 0) == 0)
      make_env.push_back(record.substr(eq + 1));
    else if (key.rfind("MAKE_ENV_UNSET[", 0) == 0)
      make_env_unset.push_back(value);
    else
      conf[key] = record.substr(eq + 1);
  }
  if (conf["VALID"] != "1") return make_error(ErrorCategory::input, "dkms would reject dkms.conf", source.string());
  if (named) *named = modules;
  if (conf["EXCLUDED"] == "1") {
    return make_error(ErrorCategory::input,
                      "dkms.conf excludes kernel " + profile.kernel.release + " (BUILD_EXCLUSIVE)", source.string());
  }
  if (!conf["PRE_BUILD"].empty()) {
    return make_error(ErrorCategory::needs_build_step,
                      "dkms.conf runs PRE_BUILD '" + conf["PRE_BUILD"] +
                          "' before building; its output is unknown until it runs",
                      source.string());
  }

  if (const std::string other = non_make_command(conf["MAKE"]); !other.empty()) {
    return make_error(ErrorCategory::needs_build_step,
                      "the dkms MAKE line runs '" + other + "' besides make (" + conf["MAKE"] +
                          "); its effect is unknown until it runs",
                      source.string());
  }

  // The package's MAKE line, dry, with the interceptor first on PATH.
  const fs::path bin = tmp / "bin";
  fs::create_directories(bin);
  std::ofstream(bin / "make") << k_interceptor;
  fs::permissions(bin / "make", fs::perms::owner_all, fs::perm_options::add);
  const fs::path log = tmp / "kernel-makes";
  std::string real_make;
  {
    auto which = base::run_process({"sh", "-c", "command -v make"}, caller_env, "/");
    if (!which || which->exit_status != 0) return make_error(ErrorCategory::input, "make is not installed");
    real_make = llvm::StringRef(which->out).trim().str();
  }
  std::vector<std::string> env;
  std::set<std::string> unset(make_env_unset.begin(), make_env_unset.end());
  for (const auto& e : caller_env) {
    const std::string name = e.substr(0, e.find('='));
    if (unset.count(name) || is_foreign_state(e)) continue;
    bool replaced = false;
    for (const auto& x : make_env)
      replaced = replaced || x.substr(0, x.find('=')) == name;
    if (!replaced) env.push_back(e);
  }
  env.insert(env.end(), make_env.begin(), make_env.end());
  env.push_back("PATH=" + bin.string() + ":" + base::env_value(caller_env, "PATH"));
  env.push_back("SRCVER_KDIR=" + profile.kernel.build_dir);
  env.push_back("SRCVER_LOG=" + log.string());
  env.push_back("SRCVER_REAL_MAKE=" + real_make);
  auto made = base::run_process({"bash", "-c", "eval \"$0\"", conf["MAKE_RUN"]}, env, work.string(), timeout);
  if (!made) return made.takeError();
  if (made->timed_out) return base::timed_out_error("the dkms MAKE line (dry)", timeout, source.string());

  std::vector<KernelMake> kernel_makes;
  {
    std::ifstream in(log, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    KernelMake current;
    for (const std::string& field : base::split_nul(data)) {
      if (field.rfind("CWD=", 0) == 0)
        current.cwd = field.substr(4);
      else if (field.rfind("ARG=", 0) == 0)
        current.args.push_back(field.substr(4));
      else if (field.rfind("ENV=", 0) == 0)
        current.env.push_back(field.substr(4));
      else if (field == "END") {
        kernel_makes.push_back(current);
        current = KernelMake{};
      }
    }
  }
  if (kernel_makes.empty()) {
    return make_error(ErrorCategory::cannot_predict,
                      "the dkms MAKE line '" + conf["MAKE"] +
                          "' runs no make on the kernel build directory that a dry "
                          "run can see (make exit " +
                          std::to_string(made->exit_status) + "): " + made->err.substr(0, 2000),
                      source.string());
  }

  Plan plan;
  plan.module_dir = source.string();
  std::set<std::string> planned;
  for (const KernelMake& km : kernel_makes) {
    PlanOptions options;
    std::string module_dir;
    for (const std::string& a : km.args) {
      const llvm::StringRef arg(a);
      if (arg.starts_with("M=") || arg.starts_with("KBUILD_EXTMOD=")) {
        module_dir = a.substr(a.find('=') + 1);
      } else if (arg.contains('=') && !arg.starts_with("-")) {
        options.make_args.push_back(a);
      }
    }
    const fs::path m =
        (fs::path(module_dir).is_absolute() ? fs::path(module_dir) : fs::path(km.cwd) / module_dir).lexically_normal();
    for (const auto& e : km.env) {
      if (!is_foreign_state(e)) options.extra_env.push_back(e);
    }
    // What the kernel's top-level Makefile reads (compiler, flags, architecture, Kconfig values) is in the cached
    // profile, captured without the package's settings: a kernel make given its own is not modelled.
    if (const std::string setting = top_level_setting(options.make_args, km.env, caller_env, profile.kernel.build_dir);
        !setting.empty()) {
      return make_error(ErrorCategory::cannot_predict,
                        "the dkms MAKE line gives the kernel's make " + setting +
                            ", which its top-level Makefile reads (compiler, flags or configuration): not modelled",
                        source.string());
    }
    options.pwd = km.cwd;
    options.already_a_copy = true; // m lies in `work`, this plan's copy of the package
    options.timeout = timeout;
    auto sub = plan_module_dir(m.string(), profile, options);
    if (!sub) return sub.takeError();
    const fs::path rel = fs::canonical(m, ec).lexically_relative(fs::canonical(work, ec));
    for (PlannedModule& module : sub->modules) {
      module.path = (rel == "." ? fs::path(module.path) : rel / module.path).generic_string();
      for (auto& e : module.mod_entries)
        e = replace_all(e, work.string(), source.string());
      for (auto& o : module.objects) {
        o.object = replace_all(o.object, work.string(), source.string());
        o.source = replace_all(o.source, work.string(), source.string());
        for (auto& w : o.command)
          w = replace_all(w, work.string(), source.string());
      }
      planned.insert(module.path);
      plan.modules.push_back(std::move(module));
    }
    if (plan.make_dir.empty()) plan.make_dir = replace_all(sub->make_dir, work.string(), source.string());
  }
  for (const std::string& module : modules) {
    if (!planned.count(module)) {
      return make_error(ErrorCategory::cannot_predict,
                        "dkms.conf names module " + module + ", which the dry run of its MAKE line does not build",
                        source.string());
    }
  }
  return plan;
}

} // namespace srcver::kbuild_shim
