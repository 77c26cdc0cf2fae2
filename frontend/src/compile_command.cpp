#include <srcver/base/error.hpp>
#include <srcver/frontend/compile_command.hpp>

#include <array>
#include <optional>

namespace srcver::frontend {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

llvm::Error refuse(const std::string& why) { return make_error(ErrorCategory::cannot_predict, why); }

// Options whose argument may be the next word (gcc also accepts them joined).
constexpr std::array k_dir_options = {std::pair<std::string_view, DirChain>{"-iquote", DirChain::quote},
                                      std::pair<std::string_view, DirChain>{"-isystem", DirChain::system},
                                      std::pair<std::string_view, DirChain>{"-idirafter", DirChain::after},
                                      std::pair<std::string_view, DirChain>{"-I", DirChain::bracket}};

// Flags that change what the preprocessor reads or how it spells paths, which the front end does not model.
constexpr std::array<std::string_view, 18> k_unmodelled_prefixes = {"-I-",
                                                                    "--sysroot",
                                                                    "-isysroot",
                                                                    "-iprefix",
                                                                    "-iwithprefix",
                                                                    "-imultilib",
                                                                    "-imultiarch",
                                                                    "-remap",
                                                                    "-traditional",
                                                                    "-fpreprocessed",
                                                                    "-fdirectives-only",
                                                                    "-trigraphs",
                                                                    "-MG",
                                                                    "-Xpreprocessor",
                                                                    "-no-integrated-cpp",
                                                                    "-fworking-directory",
                                                                    "-save-temps",
                                                                    "-B"};

// Dropped: output, dependency-file and diagnostic options, which do not change what is included.
bool is_irrelevant(std::string_view w) {
  if (w == "-c" || w == "-pipe" || w == "-MD" || w == "-MMD" || w == "-MP" || w == "-w" || w == "-v") return true;
  if (starts_with(w, "-W") && !starts_with(w, "-Wp,")) return true; // warnings, -Wa, and -Wl
  if (starts_with(w, "-g")) return true;
  if (starts_with(w, "-fdiagnostics-") || starts_with(w, "-fmessage-length")) return true;
  return false;
}

// The -Wp, option: Kbuild passes exactly "-Wp,-MMD,<file>" (or -MD); anything else reaches the preprocessor unseen.
llvm::Error read_wp(std::string_view w) {
  std::vector<std::string_view> parts;
  std::string_view rest = w.substr(4);
  for (;;) {
    const auto comma = rest.find(',');
    parts.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (parts.size() == 2 && (parts[0] == "-MMD" || parts[0] == "-MD")) return llvm::Error::success();
  return refuse("the compile command passes '" + std::string(w) +
                "' to the preprocessor, which the front end does not model");
}

// A command's words as parse_compile_command reads them, one at a time, and what they said so far.
struct Reading {
  explicit Reading(const std::vector<std::string>& all) : words(all) {}

  const std::vector<std::string>& words;
  std::size_t i = 1; // the word being read
  PreprocessCommand cmd;
  bool nostdinc = false;
  std::optional<std::string> language_option;
  std::vector<std::string> inputs;

  // The argument of an option taking one, joined ("-Ifoo") or the next word ("-I foo"); none: the command ends
  // first.
  std::optional<std::string> argument_of(std::string_view option) {
    const std::string& w = words[i];
    if (w == option) {
      if (i + 1 >= words.size()) return std::nullopt;
      return words[++i];
    }
    return w.substr(option.size());
  }
};

llvm::Error missing(std::string_view option) {
  return refuse("the compile command ends with '" + std::string(option) + "' and no argument");
}

llvm::Error refuse_unmodelled(const std::string& w) {
  for (auto prefix : k_unmodelled_prefixes) {
    if (starts_with(w, prefix)) {
      return refuse("the compile command uses '" + w +
                    "', which changes preprocessing in a way the front end "
                    "does not model");
    }
  }
  return llvm::Error::success();
}

// The options that decide what the preprocessor reads: -nostdinc, the include directories, -D and -U, -include and
// -imacros, -x. False: the word is none of them.
llvm::Expected<bool> read_preprocessor_option(Reading& r) {
  const std::string& w = r.words[r.i];
  if (w == "-nostdinc") {
    r.nostdinc = true;
    return true;
  }
  for (const auto& [option, chain] : k_dir_options) {
    if (!starts_with(w, option)) continue;
    auto dir = r.argument_of(option);
    if (!dir) return missing(option);
    r.cmd.include_dirs.push_back({*dir, chain});
    return true;
  }
  if (starts_with(w, "-D") || starts_with(w, "-U")) {
    const std::string option = w.substr(0, 2);
    auto text = r.argument_of(option);
    if (!text) return missing(option);
    r.cmd.macros.push_back({*text, option == "-U"});
    return true;
  }
  if (starts_with(w, "-include") || starts_with(w, "-imacros")) {
    const std::string option = w.substr(0, 8);
    auto file = r.argument_of(option);
    if (!file) return missing(option);
    (option == "-include" ? r.cmd.includes : r.cmd.imacros).push_back(*file);
    return true;
  }
  if (starts_with(w, "-x")) {
    auto lang = r.argument_of("-x");
    if (!lang) return missing("-x");
    r.language_option = *lang;
    return true;
  }
  return false;
}

// The options that change nothing the preprocessor reads (output and dependency files, -Wp,-MMD, diagnostics) and
// those that mean no dependency list is written (refused). False: the word is none of them.
llvm::Expected<bool> skip_other_option(Reading& r) {
  const std::string& w = r.words[r.i];
  if (w == "-o" || w == "-MF" || w == "-MT" || w == "-MQ" || w == "-Xassembler" || w == "-Xlinker" ||
      w == "-aux-info") {
    if (r.i + 1 >= r.words.size()) return missing(w);
    ++r.i;
    return true;
  }
  if (starts_with(w, "-o") || starts_with(w, "-MF") || starts_with(w, "-MT") || starts_with(w, "-MQ")) return true;
  if (w == "-M" || w == "-MM" || w == "-E" || w == "-S") {
    return refuse("the command runs '" + w + "', not a compile with -Wp,-MMD: it writes no dependency list");
  }
  if (starts_with(w, "-Wp,")) {
    if (auto err = read_wp(w)) return err;
    return true;
  }
  return is_irrelevant(w);
}

// The word r.words[r.i] (and its argument, if it takes one).
llvm::Error read_word(Reading& r) {
  const std::string& w = r.words[r.i];
  if (w.empty() || w[0] != '-' || w == "-") {
    r.inputs.push_back(w);
    return llvm::Error::success();
  }
  if (auto err = refuse_unmodelled(w)) return err;
  auto read = read_preprocessor_option(r);
  if (!read) return read.takeError();
  if (*read) return llvm::Error::success();
  auto skipped = skip_other_option(r);
  if (!skipped) return skipped.takeError();
  if (*skipped) return llvm::Error::success();
  // What decides gcc's predefined macros.
  if (starts_with(w, "-std=")) r.cmd.std = w.substr(5);
  if (w == "-ansi") r.cmd.std = "c90";
  r.cmd.macro_flags.push_back(w);
  if (w == "--param" && r.i + 1 < r.words.size()) r.cmd.macro_flags.push_back(r.words[++r.i]);
  return llvm::Error::success();
}

// The command's one source (it must be `source`, unless that is ""), its -nostdinc and its language.
llvm::Error check_source(Reading& r, std::string_view source) {
  if (r.inputs.size() != 1) {
    std::string list;
    for (const auto& in : r.inputs)
      list += (list.empty() ? "'" : ", '") + in + "'";
    return refuse("the compile command names " + std::to_string(r.inputs.size()) + " input files (" + list +
                  "), not one source");
  }
  if (!source.empty() && r.inputs[0] != source) {
    return refuse("the compile command compiles '" + r.inputs[0] + "', but the rule's source is '" +
                  std::string(source) + "'");
  }
  r.cmd.source = r.inputs[0];
  if (!r.nostdinc) {
    return refuse("the compile command has no -nostdinc: gcc's own include directories would be searched, which the "
                  "front end does not model");
  }
  const std::string lang = r.language_option               ? *r.language_option
                           : ends_with(r.cmd.source, ".c") ? "c"
                           : ends_with(r.cmd.source, ".S") ? "assembler-with-cpp"
                                                           : "";
  if (lang == "c") {
    r.cmd.language = Language::c;
  } else if (lang == "assembler-with-cpp") {
    r.cmd.language = Language::assembler_with_cpp;
  } else {
    return refuse("the source '" + r.cmd.source + "' is not C (.c) or assembler with cpp (.S)" +
                  (r.language_option ? " (-x " + *r.language_option + ")" : std::string()));
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<PreprocessCommand> parse_compile_command(const std::vector<std::string>& words,
                                                        std::string_view source) {
  if (words.empty()) return refuse("empty compile command");
  Reading r(words);
  r.cmd.compiler = words[0];
  for (; r.i < words.size(); ++r.i) {
    if (auto err = read_word(r)) return err;
  }
  if (auto err = check_source(r, source)) return err;
  return std::move(r.cmd);
}

} // namespace srcver::frontend
