#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/base/shell_words.hpp>
#include <srcver/kbuild_shim/dkms.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sys/utsname.h>

namespace fs = std::filesystem;

namespace srcver::kbuild_shim {
namespace {

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

// The machine name dkms hands dkms.conf as $arch when `dkms build` is given no -a: `uname -m` (dkms 3.0.10, l.284;
// its rpm query and its ia32e case for Red Hat kernels do not arise on Debian). See dkms-conf.md.
llvm::Expected<std::string> host_machine() {
  utsname names{};
  if (uname(&names) != 0) return make_error(ErrorCategory::io, std::string("uname: ") + std::strerror(errno));
  return std::string(names.machine);
}

// One DKMS plan's fixed facts: the package, its scratch copy, the kernel, the caller's environment, the time limit.
struct DkmsRun {
  fs::path source;  // the package directory, canonical
  fs::path scratch; // the plan's scratch directory
  fs::path work;    // the package's copy in it, where dkms.conf is evaluated and the MAKE line runs
  const KernelProfile& profile;
  std::vector<std::string> caller_env;
  std::chrono::milliseconds timeout;

  // A path or text of the copy, said of the package itself.
  std::string back(const std::string& text) const { return replace_all(text, work.string(), source.string()); }
};

// dkms.conf as dkms-conf.sh reports it.
struct DkmsConf {
  std::map<std::string, std::string> vars; // the plain records: MAKE, MAKE_RUN, PRE_BUILD, VALID, EXCLUDED, ...
  std::vector<std::string> modules;        // MODULE[i]: the modules dkms.conf names, relative, without .ko
  std::vector<std::string> make_env;       // MAKE_ENV[i]: NAME=value, given to the MAKE line
  std::vector<std::string> make_env_unset; // MAKE_ENV_UNSET[i]: NAME, removed from the MAKE line's environment

  // A plain record's value ("" when absent).
  std::string var(const std::string& name) const {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  }
};

// dkms-conf.sh's NUL-terminated key=value records (paths in the modules' names and in the unset list said of the
// package, not of its copy).
DkmsConf parse_conf_records(const std::string& out, const DkmsRun& run) {
  DkmsConf conf;
  for (const std::string& record : base::split_nul(out)) {
    const std::size_t eq = record.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = record.substr(0, eq);
    const std::string value = run.back(record.substr(eq + 1));
    if (key.rfind("MODULE[", 0) == 0)
      conf.modules.push_back(value);
    else if (key.rfind("MAKE_ENV[", 0) == 0)
      conf.make_env.push_back(record.substr(eq + 1));
    else if (key.rfind("MAKE_ENV_UNSET[", 0) == 0)
      conf.make_env_unset.push_back(value);
    else
      conf.vars[key] = record.substr(eq + 1);
  }
  return conf;
}

// dkms.conf, as dkms evaluates it, in the scratch copy (dkms-conf.sh, `conf_script`). Errors: input (unreadable,
// or a file dkms would reject), cannot_predict (timed out).
llvm::Expected<DkmsConf> evaluate_dkms_conf(const DkmsRun& run, const std::string& conf_script) {
  auto arch = host_machine();
  if (!arch) return arch.takeError();
  // dkms-conf.sh's own temporary tree goes into the scratch directory, which goes on every exit.
  std::vector<std::string> conf_env = run.caller_env;
  conf_env.push_back("SRCVER_SCRATCH=" + run.scratch.string());
  // srcversion-predict-dkms's /etc/dkms override steps aside: the package's own MAKE line is what is planned.
  conf_env.push_back("SRCVERSION_PREDICT_NO_DKMS_HOOK=1");
  auto conf_run = base::run_process(
      {"bash", conf_script, run.work.string(), run.profile.kernel.release, run.profile.kernel.build_dir, *arch},
      conf_env, run.work.string(), run.timeout);
  if (!conf_run) return conf_run.takeError();
  if (conf_run->timed_out) return base::timed_out_error("evaluating dkms.conf", run.timeout, run.source.string());
  if (conf_run->exit_status == 1) {
    return make_error(ErrorCategory::input, "dkms.conf cannot be read: " + conf_run->err, run.source.string());
  }
  DkmsConf conf = parse_conf_records(conf_run->out, run);
  if (conf.var("VALID") != "1") {
    return make_error(ErrorCategory::input, "dkms would reject dkms.conf", run.source.string());
  }
  return conf;
}

// What dkms.conf asks that a plan does not model: a kernel it excludes (input), a PRE_BUILD step or a MAKE line
// that runs more than make (needs_build_step).
llvm::Error refuse_unmodelled(const DkmsConf& conf, const DkmsRun& run) {
  if (conf.var("EXCLUDED") == "1") {
    return make_error(ErrorCategory::input,
                      "dkms.conf excludes kernel " + run.profile.kernel.release + " (BUILD_EXCLUSIVE)",
                      run.source.string());
  }
  if (const std::string pre_build = conf.var("PRE_BUILD"); !pre_build.empty()) {
    return make_error(ErrorCategory::needs_build_step,
                      "dkms.conf runs PRE_BUILD '" + pre_build +
                          "' before building; its output is unknown until it runs",
                      run.source.string());
  }
  const std::string make = conf.var("MAKE");
  if (const std::string other = non_make_command(make); !other.empty()) {
    return make_error(ErrorCategory::needs_build_step,
                      "the dkms MAKE line runs '" + other + "' besides make (" + make +
                          "); its effect is unknown until it runs",
                      run.source.string());
  }
  return llvm::Error::success();
}

// The make interceptor (dkms-make-interceptor.sh, `script`) as `<bin>/make`.
llvm::Error install_interceptor(const std::string& script, const fs::path& bin) {
  std::error_code ec;
  fs::create_directories(bin, ec);
  if (ec) return make_error(ErrorCategory::io, "cannot create: " + ec.message(), bin.string());
  const fs::path make = bin / "make";
  fs::copy_file(script, make, ec);
  if (ec) return make_error(ErrorCategory::io, "cannot copy the make interceptor: " + ec.message(), script);
  fs::permissions(make, fs::perms::owner_all, fs::perm_options::add, ec);
  if (ec) return make_error(ErrorCategory::io, "cannot make executable: " + ec.message(), make.string());
  return llvm::Error::success();
}

// The real make, as the caller's PATH finds it (input error when there is none).
llvm::Expected<std::string> find_real_make(const std::vector<std::string>& caller_env) {
  auto which = base::run_process({"sh", "-c", "command -v make"}, caller_env, "/");
  if (!which) llvm::consumeError(which.takeError());
  if (!which || which->exit_status != 0) return make_error(ErrorCategory::input, "make is not installed");
  return llvm::StringRef(which->out).trim().str();
}

// The MAKE line's environment: the caller's without what dkms unsets or sets and without the tool's own state, then
// dkms's settings, then the interceptor's (first on PATH, told the kernel build directory, the log, the real make).
std::vector<std::string> make_line_env(const DkmsRun& run, const DkmsConf& conf, const fs::path& bin,
                                       const fs::path& log, const std::string& real_make) {
  std::vector<std::string> env;
  const std::set<std::string> unset(conf.make_env_unset.begin(), conf.make_env_unset.end());
  for (const auto& e : run.caller_env) {
    const std::string name = e.substr(0, e.find('='));
    if (unset.count(name) || is_foreign_state(e)) continue;
    bool replaced = false;
    for (const auto& x : conf.make_env)
      replaced = replaced || x.substr(0, x.find('=')) == name;
    if (!replaced) env.push_back(e);
  }
  env.insert(env.end(), conf.make_env.begin(), conf.make_env.end());
  env.push_back("PATH=" + bin.string() + ":" + base::env_value(run.caller_env, "PATH"));
  env.push_back("SRCVER_KDIR=" + run.profile.kernel.build_dir);
  env.push_back("SRCVER_LOG=" + log.string());
  env.push_back("SRCVER_REAL_MAKE=" + real_make);
  return env;
}

// The interceptor's records (dkms-make-interceptor.sh): CWD=, ARG=..., ENV=..., END, NUL-terminated. No file: none.
std::vector<KernelMake> read_kernel_makes(const fs::path& log) {
  std::ifstream in(log, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<KernelMake> kernel_makes;
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
  return kernel_makes;
}

// The package's MAKE line, dry, with the interceptor (`interceptor_script`) first on PATH: the kernel makes it runs.
// Errors: cannot_predict (timed out, or no kernel make seen), input (no make).
llvm::Expected<std::vector<KernelMake>> run_make_line_dry(const DkmsRun& run, const DkmsConf& conf,
                                                          const std::string& interceptor_script) {
  const fs::path bin = run.scratch / "bin";
  if (llvm::Error err = install_interceptor(interceptor_script, bin)) return err;
  const fs::path log = run.scratch / "kernel-makes";
  auto real_make = find_real_make(run.caller_env);
  if (!real_make) return real_make.takeError();
  const std::vector<std::string> env = make_line_env(run, conf, bin, log, *real_make);
  auto made =
      base::run_process({"bash", "-c", "eval \"$0\"", conf.var("MAKE_RUN")}, env, run.work.string(), run.timeout);
  if (!made) return made.takeError();
  if (made->timed_out) return base::timed_out_error("the dkms MAKE line (dry)", run.timeout, run.source.string());
  std::vector<KernelMake> kernel_makes = read_kernel_makes(log);
  if (kernel_makes.empty()) {
    return make_error(ErrorCategory::cannot_predict,
                      "the dkms MAKE line '" + conf.var("MAKE") +
                          "' runs no make on the kernel build directory that a dry "
                          "run can see (make exit " +
                          std::to_string(made->exit_status) + "): " + made->err.substr(0, 2000),
                      run.source.string());
  }
  return kernel_makes;
}

// A recorded kernel make, planned like a plain module directory (its M= directory, in the package's copy).
// cannot_predict when it gives the kernel's make a setting the cached profile does not model.
llvm::Expected<Plan> plan_kernel_make(const KernelMake& km, const DkmsRun& run, fs::path& module_dir) {
  PlanOptions options;
  std::string m;
  for (const std::string& a : km.args) {
    const llvm::StringRef arg(a);
    if (arg.starts_with("M=") || arg.starts_with("KBUILD_EXTMOD=")) {
      m = a.substr(a.find('=') + 1);
    } else if (arg.contains('=') && !arg.starts_with("-")) {
      options.make_args.push_back(a);
    }
  }
  module_dir = (fs::path(m).is_absolute() ? fs::path(m) : fs::path(km.cwd) / m).lexically_normal();
  for (const auto& e : km.env) {
    if (!is_foreign_state(e)) options.extra_env.push_back(e);
  }
  // What the kernel's top-level Makefile reads (compiler, flags, architecture, Kconfig values) is in the cached
  // profile, captured without the package's settings: a kernel make given its own is not modelled.
  if (const std::string setting =
          top_level_setting(options.make_args, km.env, run.caller_env, run.profile.kernel.build_dir);
      !setting.empty()) {
    return make_error(ErrorCategory::cannot_predict,
                      "the dkms MAKE line gives the kernel's make " + setting +
                          ", which its top-level Makefile reads (compiler, flags or configuration): not modelled",
                      run.source.string());
  }
  options.pwd = km.cwd;
  options.already_a_copy = true; // module_dir lies in `work`, this plan's copy of the package
  options.timeout = run.timeout;
  return plan_module_dir(module_dir.string(), run.profile, options);
}

// A module planned in the copy, said of the package: its path relative to the package (`rel`: where its kernel
// make's M= directory lies in the copy), the copy's paths in its entries, objects and commands.
void rebase_module(PlannedModule& module, const fs::path& rel, const DkmsRun& run) {
  module.path = (rel == "." ? fs::path(module.path) : rel / module.path).generic_string();
  for (auto& e : module.mod_entries)
    e = run.back(e);
  for (auto& o : module.objects) {
    o.object = run.back(o.object);
    o.source = run.back(o.source);
    for (auto& w : o.command)
      w = run.back(w);
  }
}

// The plan of every recorded kernel make, together; each module dkms.conf names must be among them
// (cannot_predict).
llvm::Expected<Plan> plan_kernel_makes(const std::vector<KernelMake>& kernel_makes, const DkmsConf& conf,
                                       const DkmsRun& run) {
  Plan plan;
  plan.module_dir = run.source.string();
  std::set<std::string> planned;
  for (const KernelMake& km : kernel_makes) {
    fs::path m;
    auto sub = plan_kernel_make(km, run, m);
    if (!sub) return sub.takeError();
    std::error_code ec;
    const fs::path rel = fs::canonical(m, ec).lexically_relative(fs::canonical(run.work, ec));
    for (PlannedModule& module : sub->modules) {
      rebase_module(module, rel, run);
      planned.insert(module.path);
      plan.modules.push_back(std::move(module));
    }
    if (plan.make_dir.empty()) plan.make_dir = run.back(sub->make_dir);
  }
  for (const std::string& module : conf.modules) {
    if (!planned.count(module)) {
      return make_error(ErrorCategory::cannot_predict,
                        "dkms.conf names module " + module + ", which the dry run of its MAKE line does not build",
                        run.source.string());
    }
  }
  return plan;
}

} // namespace

bool is_dkms_source(const std::string& dir) {
  std::error_code ec; // a directory that cannot be read is not one: its plan as a module directory says why
  return fs::is_regular_file(fs::path(dir) / "dkms.conf", ec);
}

llvm::Expected<Plan> plan_dkms_source(const std::string& source_arg, const KernelProfile& profile,
                                      const DkmsScripts& scripts, std::chrono::milliseconds timeout,
                                      std::vector<std::string>* named) {
  std::error_code ec;
  const fs::path source = fs::canonical(source_arg, ec);
  if (ec) return make_error(ErrorCategory::input, "not a directory", source_arg);

  auto scratch = base::ScratchDir::create("dkms");
  if (!scratch) return scratch.takeError();
  const DkmsRun run{source, scratch->path(), scratch->path() / source.filename(), profile, base::current_environment(),
                    timeout};
  if (llvm::Error err = copy_sources(run.source.string(), run.work.string())) return err;

  auto conf = evaluate_dkms_conf(run, scripts.conf);
  if (!conf) return conf.takeError();
  if (named) *named = conf->modules;
  if (llvm::Error err = refuse_unmodelled(*conf, run)) return err;
  auto kernel_makes = run_make_line_dry(run, *conf, scripts.make_interceptor);
  if (!kernel_makes) return kernel_makes.takeError();
  return plan_kernel_makes(*kernel_makes, *conf, run);
}

} // namespace srcver::kbuild_shim
