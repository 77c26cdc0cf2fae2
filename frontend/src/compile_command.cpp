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

} // namespace

llvm::Expected<PreprocessCommand> parse_compile_command(const std::vector<std::string>& words,
                                                        std::string_view source) {
  if (words.empty()) return refuse("empty compile command");
  PreprocessCommand cmd;
  cmd.compiler = words[0];
  bool nostdinc = false;
  std::optional<std::string> language_option;
  std::vector<std::string> inputs;

  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    // The argument of an option taking one, joined ("-Ifoo") or the next word ("-I foo").
    auto argument_of = [&](std::string_view option) -> std::optional<std::string> {
      if (w == option) {
        if (i + 1 >= words.size()) return std::nullopt;
        return words[++i];
      }
      return w.substr(option.size());
    };
    auto missing = [&](std::string_view option) {
      return refuse("the compile command ends with '" + std::string(option) + "' and no argument");
    };

    if (w.empty() || w[0] != '-' || w == "-") {
      inputs.push_back(w);
      continue;
    }
    for (auto prefix : k_unmodelled_prefixes) {
      if (starts_with(w, prefix)) {
        return refuse("the compile command uses '" + w +
                      "', which changes preprocessing in a way the front end "
                      "does not model");
      }
    }
    if (w == "-nostdinc") {
      nostdinc = true;
      continue;
    }
    bool done = false;
    for (const auto& [option, chain] : k_dir_options) {
      if (!starts_with(w, option)) continue;
      auto dir = argument_of(option);
      if (!dir) return missing(option);
      cmd.include_dirs.push_back({*dir, chain});
      done = true;
      break;
    }
    if (done) continue;
    if (starts_with(w, "-D") || starts_with(w, "-U")) {
      const std::string option = w.substr(0, 2);
      auto text = argument_of(option);
      if (!text) return missing(option);
      cmd.macros.push_back({*text, option == "-U"});
      continue;
    }
    if (starts_with(w, "-include") || starts_with(w, "-imacros")) {
      const std::string option = w.substr(0, 8);
      auto file = argument_of(option);
      if (!file) return missing(option);
      (option == "-include" ? cmd.includes : cmd.imacros).push_back(*file);
      continue;
    }
    if (starts_with(w, "-x")) {
      auto lang = argument_of("-x");
      if (!lang) return missing("-x");
      language_option = *lang;
      continue;
    }
    if (w == "-o" || w == "-MF" || w == "-MT" || w == "-MQ" || w == "-Xassembler" || w == "-Xlinker" ||
        w == "-aux-info") {
      if (i + 1 >= words.size()) return missing(w);
      ++i;
      continue;
    }
    if (starts_with(w, "-o") || starts_with(w, "-MF") || starts_with(w, "-MT") || starts_with(w, "-MQ")) continue;
    if (w == "-M" || w == "-MM" || w == "-E" || w == "-S") {
      return refuse("the command runs '" + w + "', not a compile with -Wp,-MMD: it writes no dependency list");
    }
    if (starts_with(w, "-Wp,")) {
      if (auto err = read_wp(w)) return err;
      continue;
    }
    if (is_irrelevant(w)) continue;
    if (starts_with(w, "-std=")) cmd.std = w.substr(5);
    if (w == "-ansi") cmd.std = "c90";
    cmd.macro_flags.push_back(w);
    if (w == "--param" && i + 1 < words.size()) cmd.macro_flags.push_back(words[++i]);
  }

  if (inputs.size() != 1) {
    std::string list;
    for (const auto& in : inputs)
      list += (list.empty() ? "'" : ", '") + in + "'";
    return refuse("the compile command names " + std::to_string(inputs.size()) + " input files (" + list +
                  "), not one source");
  }
  if (!source.empty() && inputs[0] != source) {
    return refuse("the compile command compiles '" + inputs[0] + "', but the rule's source is '" + std::string(source) +
                  "'");
  }
  cmd.source = inputs[0];
  if (!nostdinc) {
    return refuse("the compile command has no -nostdinc: gcc's own include directories would be searched, which the "
                  "front end does not model");
  }
  const std::string lang = language_option               ? *language_option
                           : ends_with(cmd.source, ".c") ? "c"
                           : ends_with(cmd.source, ".S") ? "assembler-with-cpp"
                                                         : "";
  if (lang == "c") {
    cmd.language = Language::c;
  } else if (lang == "assembler-with-cpp") {
    cmd.language = Language::assembler_with_cpp;
  } else {
    return refuse("the source '" + cmd.source + "' is not C (.c) or assembler with cpp (.S)" +
                  (language_option ? " (-x " + *language_option + ")" : std::string()));
  }
  return cmd;
}

} // namespace srcver::frontend
