// srcversion-predict: the CLI. Parses options and hands over to the commands in tool/src.

#include <srcver/base/cache_file.hpp>
#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/tool/arguments.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/log.hpp>

#include <fmt/core.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/raw_ostream.h>
#include <malloc.h>

namespace cl = llvm::cl;
using namespace srcver;

namespace {

cl::OptionCategory g_category("srcversion-predict options");

cl::SubCommand g_record("record",
                        "Put every module of a tree real Kbuild has just built into the module store, with the "
                        "record of what each was compiled from (its compiles, the content of every input, "
                        "the compilers, the kernel's link inputs and the symbols it uses)");
cl::opt<std::string> g_record_dir(cl::Positional, cl::desc("<build-dir>"), cl::Required, cl::sub(g_record));
cl::SubCommand g_reuse("reuse", "Per module of a directory: a built module that a build for the kernel would "
                                "reproduce (the same compiles of the same inputs, the same link inputs), or build");
cl::list<std::string> g_reuse_args(cl::Positional, cl::desc("<module-dir> <kernel> [<ko-or-dir>...]"),
                                   cl::sub(g_reuse));
cl::opt<bool> g_reuse_place("place",
                            cl::desc("When every module is reusable, write each one's file where the build would "
                                     "leave it in <module-dir> (never replacing a file), as the build would"),
                            cl::sub(g_reuse), cl::cat(g_category));
cl::opt<tool::ReusePolicy> g_reuse_policy(
    "policy", cl::desc("What makes a built module reusable (default: inputs)"),
    cl::values(clEnumValN(tool::ReusePolicy::inputs, "inputs",
                          "every compile's and the link's inputs the same, the kernel's headers and symbols included"),
               clEnumValN(tool::ReusePolicy::kabi, "kabi",
                          "the module's own inputs the same, every symbol's CRC the target kernel's (kABI)")),
    cl::init(tool::ReusePolicy::inputs), cl::sub(g_reuse), cl::cat(g_category));
cl::SubCommand g_store("store", "Show the module store (--stats)");
cl::opt<bool> g_store_stats("stats", cl::desc("The module store's entries, modules and size"), cl::sub(g_store),
                            cl::cat(g_category));

cl::SubCommand g_from_build("from-build", "Print the srcversion modpost computed for each module of a tree real "
                                          "Kbuild has built (an M= directory or a directory of an in-tree build)");
cl::opt<std::string> g_build_dir(cl::Positional, cl::desc("<build-dir>"), cl::Required, cl::sub(g_from_build));
cl::opt<std::string> g_era("era",
                           cl::desc("Force modpost's era: E1..E7, with /F2 or /F3 where an era spans two .mod formats "
                                    "(E5/F2, E5/F3, E6/F2); default: from the kernel"),
                           cl::value_desc("era"), cl::sub(g_from_build), cl::cat(g_category));
cl::opt<std::string> g_kernel_version("kernel-version",
                                      cl::desc("The kernel's VERSION.PATCHLEVEL.SUBLEVEL (e.g. 6.1.192)"),
                                      cl::value_desc("X.Y.Z"), cl::sub(g_from_build), cl::cat(g_category));
cl::opt<std::string> g_kernel("kernel",
                              cl::desc("The kernel: a release under /lib/modules or a build directory "
                                       "(default: from the modules' vermagic)"),
                              cl::value_desc("release|dir"), cl::sub(g_from_build), cl::sub(g_record),
                              cl::cat(g_category));
cl::SubCommand g_plan("plan", "Print what real Kbuild would build for a module directory, without building: its "
                              "modules, their .mod entries, each object's source and compile command");
cl::opt<std::string> g_plan_dir(cl::Positional, cl::desc("<module-dir>"), cl::Required, cl::sub(g_plan));
cl::opt<std::string> g_plan_kernel(cl::Positional, cl::desc("<kernel>"), cl::Required, cl::sub(g_plan));
cl::SubCommand g_deps("deps", "Print each compile's dependency list as the deps_ section of its .o.cmd would hold it, "
                              "for the compiles of a compilation database (compile_commands.json) of one kernel");
cl::opt<std::string> g_deps_db(cl::Positional, cl::desc("<compile_commands.json>"), cl::Required, cl::sub(g_deps));
cl::opt<std::string> g_deps_kernel(cl::Positional, cl::desc("<kernel>"), cl::Required, cl::sub(g_deps));

cl::SubCommand g_predict("predict", "Print the srcversion a real Kbuild build would give each module of a directory "
                                    "(also the default command: srcversion-predict <module-dir> <kernel>)");
cl::SubCommand g_check("check",
                       "Compare the srcversion predicted for each module of a directory with built or installed "
                       "modules (.ko, .ko.xz, .ko.zst, .ko.gz, or directories searched for them)");
cl::SubCommand g_verify("verify",
                        "Build a copy of a module directory with real Kbuild (CONFIG_MODULE_SRCVERSION_ALL=y) "
                        "and compare each module's srcversion with the prediction");
// An option modifier: the option belongs to each of `list`.
struct Subcommands {
  std::vector<cl::SubCommand*> list;
  template <typename Opt> void apply(Opt& option) const {
    for (cl::SubCommand* sub : list)
      option.addSubCommand(*sub);
  }
};

// The subcommands that plan or scan (the default command, predict, among them): they share the cache and the
// scanner's options.
Subcommands scanning_subcommands() {
  return {{&g_plan, &g_deps, &g_predict, &g_check, &g_verify, &g_reuse, &cl::SubCommand::getTopLevel()}};
}

Subcommands store_subcommands() { return {{&g_record, &g_reuse, &g_store}}; }

cl::opt<std::string> g_store_dir("store",
                                 cl::desc("The module store (default: /var/cache/srcversion-predict/modules for root, "
                                          "else $XDG_CACHE_HOME/srcversion-predict/modules)"),
                                 cl::value_desc("dir"), store_subcommands(), cl::cat(g_category));
cl::opt<unsigned> g_store_max("store-max-mib",
                              cl::desc("The module store's size limit in MiB; the entries used least recently are "
                                       "removed first (default: 2048)"),
                              cl::value_desc("MiB"), cl::init(2048), store_subcommands(), cl::cat(g_category));

cl::opt<std::string>
    g_cache_dir("cache-dir",
                cl::desc("Where per-kernel facts are cached (default: $XDG_CACHE_HOME/srcversion-predict)"),
                cl::value_desc("dir"), scanning_subcommands(), cl::cat(g_category));
cl::opt<bool> g_plan_deps("deps",
                          cl::desc("Add each object's dependency list, as the deps_ section of the .o.cmd file a real "
                                   "build writes would hold it (gcc -MMD and the kernel's fixdep, computed by Clang's "
                                   "preprocessor without compiling)"),
                          cl::sub(g_plan), cl::cat(g_category));
cl::opt<unsigned> g_jobs("j", cl::Prefix, cl::desc("Threads for the dependency scan (default: the number of cores)"),
                         cl::value_desc("N"), cl::init(0), scanning_subcommands(), cl::cat(g_category));
cl::opt<bool> g_define_filter(
    "define-filter",
    cl::desc("Leave out the #defines of the kernel's headers whose names no earlier unit looked up (kept names in "
             "<cache>/kept-defines); each unit is checked and run again in full when a name left out was looked up, "
             "so the answer is the same. Faster for a module seen before, slower the first time"),
    scanning_subcommands(), cl::cat(g_category));
cl::opt<bool> g_no_cache("no-cache", cl::desc("Neither read nor write the cache"), scanning_subcommands(),
                         cl::cat(g_category));

cl::list<std::string> g_predict_args(cl::Positional, cl::desc("<module-dir> <kernel>..."), cl::sub(g_predict),
                                     cl::sub(cl::SubCommand::getTopLevel()));
cl::list<std::string> g_check_args(cl::Positional, cl::desc("<module-dir> <kernel> <ko-or-dir>..."), cl::sub(g_check));
cl::list<std::string> g_verify_args(cl::Positional, cl::desc("<module-dir> <kernel>"), cl::sub(g_verify));
cl::opt<std::string> g_all_versions(
    "all-versions",
    cl::desc("predict, check: whether the build passes CONFIG_MODULE_SRCVERSION_ALL=y, so that every module "
             "gets a srcversion (default: the kernel's own setting); from-build: whether modpost ran with -a "
             "(default: from the tree's .Module.symvers.cmd)"),
    cl::value_desc("yes|no"), cl::sub(g_from_build), cl::sub(g_predict), cl::sub(g_check),
    cl::sub(cl::SubCommand::getTopLevel()), cl::cat(g_category));
cl::opt<bool> g_all_kernels("all-kernels",
                            cl::desc("Predict for every kernel with a build directory under /lib/modules"),
                            cl::sub(g_predict), cl::sub(cl::SubCommand::getTopLevel()), cl::cat(g_category));
cl::opt<bool> g_json("json",
                     cl::desc("JSON output (predict, from-build: per module its status, reason, objects and hashed "
                              "files; check: every comparison)"),
                     cl::sub(g_from_build), cl::sub(g_plan), cl::sub(g_deps), cl::sub(g_predict), cl::sub(g_check),
                     cl::sub(g_record), cl::sub(g_reuse), cl::sub(g_store), cl::sub(cl::SubCommand::getTopLevel()),
                     cl::cat(g_category));
cl::opt<bool> g_explain("explain",
                        cl::desc("Per module: its objects, every file hashed (in order, with its byte count after "
                                 "filtering) and every dependency not hashed, with the reason"),
                        cl::sub(g_predict), cl::sub(cl::SubCommand::getTopLevel()), cl::cat(g_category));
cl::opt<std::string> g_dump("dump-hash-input",
                            cl::desc("Write every byte fed to MD4 to FILE (modules one after another)"),
                            cl::value_desc("FILE"), cl::sub(g_from_build), cl::sub(g_predict),
                            cl::sub(cl::SubCommand::getTopLevel()), cl::cat(g_category));
cl::opt<std::string> g_in_tree("in-tree",
                               cl::desc("Predict the kernel's own (in-tree) build of the directory, whose path in the "
                                        "kernel source tree is PATH (e.g. net/bluetooth), instead of an M= build"),
                               cl::value_desc("PATH"), cl::sub(g_predict), cl::sub(g_check),
                               cl::sub(cl::SubCommand::getTopLevel()), cl::cat(g_category));
cl::opt<bool> g_no_prediction_cache("no-prediction-cache",
                                    cl::desc("Predict afresh even when the directory, the kernel and every input are "
                                             "unchanged since a cached prediction"),
                                    cl::sub(g_predict), cl::sub(g_check), cl::sub(cl::SubCommand::getTopLevel()),
                                    cl::cat(g_category));
cl::opt<unsigned> g_make_timeout(
    "make-timeout",
    cl::desc("Give up on a module directory (cannot predict, exit 3) when a make the tool runs without building (the "
             "kernel's top-level Makefile once per kernel, the module's makefiles, a DKMS MAKE line) has not finished "
             "after SECONDS (default: 60)"),
    cl::value_desc("SECONDS"), cl::init(base::k_default_make_timeout.count()), cl::sub(g_plan), cl::sub(g_predict),
    cl::sub(g_check), cl::sub(g_verify), cl::sub(g_reuse), cl::sub(cl::SubCommand::getTopLevel()), cl::cat(g_category));
cl::opt<std::string> g_work_dir("work-dir",
                                cl::desc("Build the copy under DIR (default: a new directory under $TMPDIR)"),
                                cl::value_desc("DIR"), cl::sub(g_verify), cl::cat(g_category));
cl::opt<bool> g_keep("keep", cl::desc("Keep the build even when every srcversion is equal"), cl::sub(g_verify),
                     cl::cat(g_category));

cl::opt<bool> g_verbose("v", cl::desc("Log what is done to stderr"), cl::sub(cl::SubCommand::getAll()),
                        cl::cat(g_category));

cl::extrahelp g_exit_help(R"(
EXIT STATUS
  0  success (predict, from-build: every module has its srcversion; check, verify: every module equal; plan:
     everything was planned)
  1  (check, verify) some module's srcversion differs from the built module's (both printed); (reuse) some module
     must be built (the first difference printed); (record) some module could not be recorded (why printed)
  2  bad usage or input (a missing or empty argument, an option before the subcommand, an unknown option value, a
     kernel that is not installed, not a module directory, not a built tree, a file that is not a module)
  3  some module has no srcversion (printed as "<module> -", reason on stderr: modpost's rules give none, the
     module has no version and modpost runs without -a, the module was not built, or predict cannot know it
     with certainty: a header the build generates, an #error reached), or the answer cannot be
     known with certainty (plan: Kbuild cannot evaluate the directory, an object has no compile rule, the
     kernel's compiler is not on PATH, a module dkms.conf names is not built; plan --deps: an object's
     dependency list cannot be known, e.g. a header it includes is missing or generated by the build)
  4  (plan) a step must run before Kbuild can be asked: the DKMS package's PRE_BUILD (predict, check: 3)

  check and verify print one line per module and file: <module> <equal|differs|cannot-predict|bad-input>
  <predicted> <built> <file> ("-" for none). Their statuses, and reuse's, rank 2 over 1 over 3 over 0.
  reuse prints per module: <module> reuse <file> | build <reason> | cannot-predict <reason>.
)");

int usage_error(llvm::Error err) {
  tool::print_diagnostic(take_error(std::move(err)).message);
  return tool::exit_usage;
}

// --cache-dir, --no-cache, else the default.
std::string cache_dir_option() {
  if (g_no_cache) return {};
  return g_cache_dir.empty() ? tool::default_cache_dir() : g_cache_dir;
}

// The cache directory the command will use, checked first (a usage error names it).
llvm::Error check_cache_dir() {
  return tool::check_cache_dir(cache_dir_option(),
                               g_cache_dir.empty() || g_no_cache
                                   ? "the default cache directory ($XDG_CACHE_HOME/srcversion-predict)"
                                   : "--cache-dir");
}

bool is_subcommand_name(llvm::StringRef word) {
  for (const cl::SubCommand* sub : cl::getRegisteredSubcommands()) {
    if (sub != &cl::SubCommand::getTopLevel() && sub != &cl::SubCommand::getAll() && sub->getName() == word)
      return true;
  }
  return false;
}

// An option before the subcommand (`srcversion-predict --cache-dir X check ...`) leaves the subcommand's name as the
// first positional argument of the default command. It is refused rather than moved: moving it would need to know
// which options take a separate value (a second list of the options, bound to drift), and would quietly turn a
// prediction of a directory named like a subcommand into another command.
llvm::Error misplaced_subcommand(const std::string& word) {
  return make_error(ErrorCategory::usage,
                    "'" + word + "' follows an option: options follow the subcommand (srcversion-predict " + word +
                        " [options] ...); a module directory named " + word + " is given as ./" + word);
}

// The options every prediction shares, checked once.
struct Common {
  std::chrono::milliseconds make_timeout{};
  std::optional<bool> all_versions;
};

llvm::Expected<Common> common_options() {
  Common common;
  if (g_make_timeout == 0) {
    return make_error(ErrorCategory::usage, "--make-timeout takes a number of seconds above 0");
  }
  common.make_timeout = std::chrono::seconds(g_make_timeout);
  if (g_all_versions == "yes" || g_all_versions == "no") {
    common.all_versions = g_all_versions == "yes";
  } else if (!g_all_versions.empty()) {
    return make_error(ErrorCategory::usage, "--all-versions takes yes or no");
  }
  return common;
}

tool::PredictOptions predict_options(const Common& common) {
  tool::PredictOptions options;
  options.jobs = g_jobs;
  options.cache_dir = cache_dir_option();
  options.all_versions = common.all_versions;
  options.in_tree = g_in_tree;
  options.prediction_cache = !g_no_prediction_cache;
  options.filter_defines = g_define_filter;
  options.make_timeout = common.make_timeout;
  return options;
}

int from_build_main(const Common& common) {
  tool::FromBuildCommand command;
  command.build_dir = g_build_dir;
  command.json = g_json;
  command.dump_hash_input = g_dump;
  command.era = g_era;
  command.kernel_version = g_kernel_version;
  command.kernel = g_kernel;
  command.all_versions = common.all_versions;
  return tool::run_from_build(command);
}

// The options plan and deps share: --json, -j, --define-filter and the cache.
template <typename Command> void set_scan_options(Command& command) {
  command.json = g_json;
  command.jobs = g_jobs;
  command.filter_defines = g_define_filter;
  command.cache_dir = cache_dir_option();
}

int plan_main(const Common& common) {
  if (auto err = tool::check_module_dir(g_plan_dir)) return usage_error(std::move(err));
  if (auto err = check_cache_dir()) return usage_error(std::move(err));
  tool::PlanCommand command;
  command.module_dir = g_plan_dir;
  command.kernel = g_plan_kernel;
  set_scan_options(command);
  command.deps = g_plan_deps;
  command.make_timeout = common.make_timeout;
  return tool::run_plan(command);
}

int deps_main() {
  if (auto err = check_cache_dir()) return usage_error(std::move(err));
  tool::DepsCommand command;
  command.database = g_deps_db;
  command.kernel = g_deps_kernel;
  set_scan_options(command);
  return tool::run_deps(command);
}

int check_main(const Common& common) {
  if (g_check_args.size() < 3) {
    return usage_error(
        make_error(ErrorCategory::usage, "usage: srcversion-predict check <module-dir> <kernel> <ko-or-dir>..."));
  }
  if (auto err = tool::check_module_dir(g_check_args[0])) return usage_error(std::move(err));
  if (auto err = check_cache_dir()) return usage_error(std::move(err));
  tool::CheckCommand command;
  command.module_dir = g_check_args[0];
  command.kernel = g_check_args[1];
  command.targets.assign(g_check_args.begin() + 2, g_check_args.end());
  command.options = predict_options(common);
  command.json = g_json;
  return tool::run_check(command);
}

tool::StoreOptions store_options() {
  tool::StoreOptions store;
  store.dir = g_store_dir.empty() ? tool::default_store_dir() : std::string(g_store_dir);
  store.max_bytes = std::uint64_t{g_store_max} << 20;
  return store;
}

int record_main() {
  tool::RecordCommand command;
  command.build_dir = g_record_dir;
  command.kernel = g_kernel;
  command.cache_dir = cache_dir_option();
  command.store = store_options();
  command.json = g_json;
  return tool::run_record(command);
}

int reuse_main(const Common& common) {
  if (g_reuse_args.size() < 2) {
    return usage_error(
        make_error(ErrorCategory::usage, "usage: srcversion-predict reuse <module-dir> <kernel> [<ko-or-dir>...]"));
  }
  if (auto err = tool::check_module_dir(g_reuse_args[0])) return usage_error(std::move(err));
  if (auto err = check_cache_dir()) return usage_error(std::move(err));
  tool::ReuseCommand command;
  command.module_dir = g_reuse_args[0];
  command.kernel = g_reuse_args[1];
  command.targets.assign(g_reuse_args.begin() + 2, g_reuse_args.end());
  command.options = predict_options(common);
  command.store = store_options();
  command.json = g_json;
  command.place = g_reuse_place;
  command.policy = g_reuse_policy;
  return tool::run_reuse(command);
}

int store_main() {
  if (!g_store_stats) return usage_error(make_error(ErrorCategory::usage, "usage: srcversion-predict store --stats"));
  return tool::run_store_stats(store_options(), g_json);
}

int verify_main(const Common& common) {
  if (g_verify_args.size() != 2) {
    return usage_error(make_error(ErrorCategory::usage, "usage: srcversion-predict verify <module-dir> <kernel>"));
  }
  if (auto err = tool::check_module_dir(g_verify_args[0])) return usage_error(std::move(err));
  if (auto err = check_cache_dir()) return usage_error(std::move(err));
  tool::VerifyCommand command;
  command.module_dir = g_verify_args[0];
  command.kernel = g_verify_args[1];
  command.options = predict_options(common);
  command.work_dir = g_work_dir;
  command.keep = g_keep;
  return tool::run_verify(command);
}

int predict_main(const Common& common) {
  const std::size_t needed = g_all_kernels ? 1 : 2;
  if (g_predict_args.size() < needed || (g_all_kernels && g_predict_args.size() != 1)) {
    return usage_error(make_error(ErrorCategory::usage, "usage: srcversion-predict <module-dir> <kernel>... | "
                                                        "srcversion-predict --all-kernels <module-dir>"));
  }
  if (auto err = tool::check_module_dir(g_predict_args[0])) return usage_error(std::move(err));
  if (auto err = check_cache_dir()) return usage_error(std::move(err));
  tool::PredictCommand command;
  command.module_dir = g_predict_args[0];
  command.kernels.assign(g_predict_args.begin() + 1, g_predict_args.end());
  if (g_all_kernels) {
    command.kernels = tool::installed_kernels();
    if (command.kernels.empty()) {
      return usage_error(make_error(ErrorCategory::input, "--all-kernels: no kernel has a build directory under "
                                                          "/lib/modules (install a linux-headers package)"));
    }
  }
  command.options = predict_options(common);
  command.json = g_json;
  command.explain = g_explain;
  command.dump_hash_input = g_dump;
  return tool::run_predict(command);
}

// Parses the command line; false (after printing why) when it cannot be parsed.
bool parse_command_line(int argc, char** argv) {
  std::string errors;
  llvm::raw_string_ostream error_stream(errors);
  if (cl::ParseCommandLineOptions(argc, argv, "srcversion-predict: the srcversion real Kbuild gives a module\n",
                                  &error_stream)) {
    return true;
  }
  error_stream.flush();
  fmt::print(stderr, "{}", printable(errors, /*keep_newlines=*/true));
  if (argc > 1 && !is_subcommand_name(argv[1])) {
    for (int i = 2; i < argc; ++i) {
      if (is_subcommand_name(argv[i])) {
        fmt::print(stderr, "srcversion-predict: options follow the subcommand: srcversion-predict {} [options] ...\n",
                   argv[i]);
        break;
      }
    }
  }
  return false;
}

} // namespace

int main(int argc, char** argv) {
  // The dependency scan allocates and frees a preprocessor's worth of memory per translation unit: glibc's malloc
  // keeps freed memory in the process instead of returning it to the kernel and faulting it in again for the next
  // unit (about a third of the page faults, a few percent of the time of a large scan).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  cl::HideUnrelatedOptions(g_category);
  cl::SetVersionPrinter([](llvm::raw_ostream& os) { os << "srcversion-predict " SRCVER_VERSION "\n"; });
  if (!parse_command_line(argc, argv)) return tool::exit_usage;
  log::set_enabled(g_verbose);
  base::install_signal_cleanup();
  base::set_damage_observer([](const std::string& path, const std::string& what) {
    SRCVER_LOG("damaged cache entry ignored and computed afresh: {}: {}", path, what);
  });
  auto common = common_options();
  if (!common) return usage_error(common.takeError());

  if (g_from_build) return from_build_main(*common);
  if (g_plan) return plan_main(*common);
  if (g_deps) return deps_main();
  if (g_check) return check_main(*common);
  if (g_verify) return verify_main(*common);
  if (g_record) return record_main();
  if (g_reuse) return reuse_main(*common);
  if (g_store) return store_main();
  if (!g_predict_args.empty() && is_subcommand_name(g_predict_args.front())) {
    return usage_error(misplaced_subcommand(g_predict_args.front()));
  }
  if (!g_predict_args.empty() || g_predict) return predict_main(*common);
  cl::PrintHelpMessage();
  return tool::exit_usage;
}
