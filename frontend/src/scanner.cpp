#include <srcver/base/error.hpp>
#include <srcver/frontend/directive_store.hpp>
#include <srcver/frontend/include_model.hpp>
#include <srcver/frontend/scanner.hpp>

#include <clang/Basic/DiagnosticLex.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Lex/HeaderSearch.h>
#include <clang/Lex/MacroArgs.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <clang/Tooling/DependencyScanning/DependencyScanningFilesystem.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/StringSet.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Threading.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace srcver::frontend {

namespace deps = clang::tooling::dependencies;

namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// What the front end needs to know of a file's text beyond its directives (the directives scanner drops both).
struct FileFacts {
  // #pragma GCC system_header (the rest of the file is a system header) or a _Pragma at the start of a line
  // (_Pragma("once")): always lexed in full.
  bool changes_listing = false;
  // An #error directive: lexed in full when the file is the module's own, so that an #error that is reached stops
  // the prediction as it stops gcc (the scanner also drops an #if block left empty without it, so a directives-mode
  // run cannot tell whether it is reached). The kernel's headers are not lexed for this: their #error lines guard
  // against misuse, like the C errors a prediction does not see either.
  bool has_error = false;
};

// Whether `word` (of `length`) at `pos` is a directive name: only spaces or tabs, '#', spaces or tabs before it on
// its line, and no identifier character right after it.
bool is_directive_at(llvm::StringRef text, std::size_t pos, std::size_t length) {
  if (pos + length < text.size() && is_identifier_char(text[pos + length])) return false;
  std::size_t i = pos;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
    --i;
  if (i == 0 || text[i - 1] != '#') return false;
  --i;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
    --i;
  return i == 0 || text[i - 1] == '\n';
}

// `text.find(word, from)` through glibc's memmem (two-way search; StringRef::find compares at every occurrence of the
// first character, which for "error" is most of a header).
std::size_t find_word(llvm::StringRef text, llvm::StringRef word, std::size_t from = 0) {
  if (from >= text.size()) return llvm::StringRef::npos;
  const void* at = memmem(text.data() + from, text.size() - from, word.data(), word.size());
  return at ? static_cast<std::size_t>(static_cast<const char*>(at) - text.data()) : llvm::StringRef::npos;
}

FileFacts facts_of(llvm::StringRef text) {
  FileFacts facts;
  facts.changes_listing = find_word(text, "system_header") != llvm::StringRef::npos;
  for (std::size_t pos = find_word(text, "_Pragma"); !facts.changes_listing && pos != llvm::StringRef::npos;
       pos = find_word(text, "_Pragma", pos + 1)) {
    // At the start of a line that does not continue a previous one (a #define's body is not run by the scan).
    std::size_t i = pos;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
      --i;
    if (i == 0) {
      facts.changes_listing = true;
    } else if (text[i - 1] == '\n') {
      const bool continued = i >= 2 && (text[i - 2] == '\\' || (text[i - 2] == '\r' && i >= 3 && text[i - 3] == '\\'));
      facts.changes_listing = !continued;
    }
  }
  for (std::size_t pos = find_word(text, "error"); !facts.has_error && pos != llvm::StringRef::npos;
       pos = find_word(text, "error", pos + 1)) {
    facts.has_error = is_directive_at(text, pos, 5);
  }
  return facts;
}

namespace dds = clang::dependency_directives_scan;

// The define filter. A unit's inclusions depend on a macro only through the names its preprocessor looks up: every
// identifier it lexes outside skipped blocks (in a condition, an #include's operand, a macro's body, live code),
// every name a paste forms, every name given to defined, #ifdef, #undef or push_macro; each of these has an entry in
// the unit's identifier table. So a #define whose name never entered the table changed no condition, no operand and
// no expansion: leaving it out changes nothing but the time spent (most defines of the kernel's headers are
// constants and helpers of C code that no directive reaches). The scanner gives a kernel header's directives without
// the defines whose names are not in a kept set, and after the unit checks that none of the names it left out is in
// the unit's identifier table; if one is, the unit runs again with every define, and the names found are kept from
// then on (the set is a speed matter only: the check, not the set, makes the answer right). Never left out: a define
// of the module's own files (a define Clang rejects must still stop the prediction), one outside every conditional
// of a file that has a conditional outside every other (so that Clang sees the file's include guard, or its
// absence, as before; autoconf.h has no conditional), one whose body has '#' or '##' (the forms that can
// be errors), one of a name the file tests with #ifdef or #ifndef (an include guard: always looked up).
void filter_defines(llvm::StringRef text, llvm::ArrayRef<dds::Directive> all, const llvm::StringSet<>& kept,
                    const llvm::StringSet<>& named, std::vector<dds::Directive>& out,
                    std::vector<llvm::StringRef>& dropped) {
  const auto name_of = [&](const dds::Directive& d) -> std::optional<llvm::StringRef> {
    if (d.Tokens.size() < 3 || !d.Tokens[2].is(clang::tok::raw_identifier)) return std::nullopt;
    return text.substr(d.Tokens[2].Offset, d.Tokens[2].Length);
  };
  llvm::StringSet<> tested;
  bool top_conditional = false; // a conditional outside every other: the file may have an include guard
  int depth = 0;
  for (const auto& d : all) {
    if (d.Kind == dds::pp_ifdef || d.Kind == dds::pp_ifndef) {
      if (auto name = name_of(d)) tested.insert(*name);
    }
    if (d.Kind == dds::pp_if || d.Kind == dds::pp_ifdef || d.Kind == dds::pp_ifndef) top_conditional |= depth++ == 0;
    if (d.Kind == dds::pp_endif) --depth;
  }
  out.clear();
  dropped.clear();
  depth = 0;
  for (const auto& d : all) {
    if (d.Kind == dds::pp_if || d.Kind == dds::pp_ifdef || d.Kind == dds::pp_ifndef) ++depth;
    if (d.Kind == dds::pp_endif) --depth;
    if (d.Kind == dds::pp_define && (depth > 0 || !top_conditional)) {
      const auto name = name_of(d);
      const bool hashes = std::any_of(
          d.Tokens.begin() + std::min<std::size_t>(3, d.Tokens.size()), d.Tokens.end(),
          [](const dds::Token& t) { return t.isOneOf(clang::tok::hash, clang::tok::hashhash, clang::tok::hashat); });
      if (name && !hashes && !tested.contains(*name) && !kept.contains(*name) && !named.contains(*name)) {
        dropped.push_back(*name);
        continue;
      }
    }
    out.push_back(d);
  }
  std::sort(dropped.begin(), dropped.end());
  dropped.erase(std::unique(dropped.begin(), dropped.end()), dropped.end());
}

// Every identifier-like word of the module's C, header and assembler files (comments and strings too: more names
// only keep more defines), for the define filter: the module's code names the kernel macros it uses, which its
// first filtered run would otherwise look up and run again.
void add_module_names(const std::string& root, llvm::StringSet<>& names) {
  std::error_code ec;
  std::size_t budget = 64u << 20; // bytes read at most
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec; it.increment(ec)) {
    const llvm::StringRef path = it->path();
    if (!(path.ends_with(".c") || path.ends_with(".h") || path.ends_with(".S") || path.ends_with(".inc"))) continue;
    auto text = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!text || (*text)->getBufferSize() > budget) continue;
    budget -= (*text)->getBufferSize();
    const llvm::StringRef t = (*text)->getBuffer();
    for (std::size_t i = 0; i < t.size();) {
      const std::size_t start = i;
      while (i < t.size() && is_identifier_char(t[i]))
        ++i;
      if (i == start) {
        ++i;
      } else if (!(t[start] >= '0' && t[start] <= '9')) { // a number (0x1f) is no name
        names.insert(t.substr(start, i - start));
      }
    }
  }
}

// Keeps the first error Clang reports; warnings are ignored (gcc's answer is what matters, and gcc accepts the code).
class FirstError : public clang::DiagnosticConsumer {
public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < clang::DiagnosticsEngine::Error || !m_text.empty()) return;
    llvm::SmallString<256> message;
    info.FormatDiagnostic(message);
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      const auto where = info.getSourceManager().getPresumedLoc(info.getLocation());
      if (where.isValid()) m_text = std::string(where.getFilename()) + ":" + std::to_string(where.getLine()) + ": ";
    }
    if (info.getID() == clang::diag::err_pp_hash_error) m_text += "#error ";
    m_text += message.str().str();
  }
  const std::string& text() const { return m_text; }

private:
  std::string m_text;
};

// Clang's preprocessor events, handed to the model.
class Recorder : public clang::PPCallbacks {
public:
  Recorder(clang::Preprocessor& pp, IncludeModel& model, std::string& error, bool& has_version, llvm::StringSet<>* used)
      : m_pp(pp), m_model(model), m_error(error), m_has_version(has_version), m_used(used) {}

  // With `used`: every macro name expanded, tested (defined, #ifdef...) or #undef'd, for the define filter.
  void note(const clang::Token& name) {
    if (m_used && name.getIdentifierInfo()) m_used->insert(name.getIdentifierInfo()->getName());
  }
  void Defined(const clang::Token& name, const clang::MacroDefinition&, clang::SourceRange) override { note(name); }
  void Ifdef(clang::SourceLocation, const clang::Token& name, const clang::MacroDefinition&) override { note(name); }
  void Ifndef(clang::SourceLocation, const clang::Token& name, const clang::MacroDefinition&) override { note(name); }
  void Elifdef(clang::SourceLocation, const clang::Token& name, const clang::MacroDefinition&) override { note(name); }
  void Elifndef(clang::SourceLocation, const clang::Token& name, const clang::MacroDefinition&) override { note(name); }
  void MacroUndefined(const clang::Token& name, const clang::MacroDefinition&, const clang::MacroDirective*) override {
    note(name);
  }

  // <linux/module.h>: MODULE_VERSION(v) is MODULE_INFO(version, v), which puts "version=v" into .modinfo.
  void MacroExpands(const clang::Token& name, const clang::MacroDefinition& /*definition*/,
                    clang::SourceRange /*range*/, const clang::MacroArgs* args) override {
    const clang::IdentifierInfo* id = name.getIdentifierInfo();
    if (!id) return;
    note(name);
    if (id->getName() == "MODULE_VERSION") {
      m_has_version = true;
    } else if (id->getName() == "MODULE_INFO" && args && args->getNumMacroArguments() >= 1) {
      const clang::Token* first = args->getUnexpArgument(0);
      if (first && first->getIdentifierInfo() && first->getIdentifierInfo()->getName() == "version") {
        m_has_version = true;
      }
    }
  }

  void InclusionDirective(clang::SourceLocation hash_loc, const clang::Token& include_tok, llvm::StringRef file_name,
                          bool is_angled, clang::CharSourceRange /*filename_range*/, clang::OptionalFileEntryRef file,
                          llvm::StringRef /*search_path*/, llvm::StringRef /*relative_path*/,
                          const clang::Module* /*suggested_module*/, bool /*module_imported*/,
                          clang::SrcMgr::CharacteristicKind /*file_type*/) override {
    m_pending.reset();
    if (!m_error.empty()) return;
    DirectiveKind kind = DirectiveKind::include;
    switch (include_tok.getIdentifierInfo()->getPPKeywordID()) {
    case clang::tok::pp_include: kind = DirectiveKind::include; break;
    case clang::tok::pp_include_next: kind = DirectiveKind::include_next; break;
    case clang::tok::pp___include_macros: kind = DirectiveKind::imacros; break;
    default:
      m_error = "#" + include_tok.getIdentifierInfo()->getName().str() + " \"" + file_name.str() +
                "\": not modelled (gcc treats it differently)";
      return;
    }
    std::optional<llvm::sys::fs::UniqueID> id;
    if (file) id = file->getUniqueID();
    const bool in_system = m_pp.getSourceManager().isInSystemHeader(hash_loc);
    auto record = m_model.include(file_name, is_angled, kind, id, in_system);
    if (!record) {
      m_error = llvm::toString(record.takeError());
      return;
    }
    m_pending = *record;
  }

  void LexedFileChanged(clang::FileID fid, LexedFileChangeReason reason, clang::SrcMgr::CharacteristicKind /*type*/,
                        clang::FileID /*prev_fid*/, clang::SourceLocation /*loc*/) override {
    if (!m_error.empty()) return;
    if (reason == LexedFileChangeReason::ExitFile) {
      m_model.exited();
      return;
    }
    if (!m_main_seen) {
      m_main_seen = true;
      m_model.enter_main();
      return;
    }
    if (!m_pp.getSourceManager().getFileEntryRefForID(fid)) {
      m_model.enter_predefines();
      return;
    }
    if (!m_pending) {
      m_error = "the preprocessor entered a file without an inclusion directive";
      return;
    }
    m_model.entered(*m_pending);
    m_pending.reset();
  }

  void FileSkipped(const clang::FileEntryRef& skipped_file, const clang::Token& /*filename_tok*/,
                   clang::SrcMgr::CharacteristicKind /*type*/) override {
    if (!m_error.empty() || !m_pending) return;
    const bool pragma_once = m_pp.getHeaderSearchInfo().getFileInfo(skipped_file).isPragmaOnce;
    m_model.skipped(*m_pending, pragma_once);
    m_pending.reset();
  }

private:
  clang::Preprocessor& m_pp;
  IncludeModel& m_model;
  std::string& m_error;
  bool& m_has_version;
  llvm::StringSet<>* m_used;
  std::optional<std::size_t> m_pending;
  bool m_main_seen = false;
};

class RecordingAction : public clang::PreprocessOnlyAction {
public:
  RecordingAction(IncludeModel& model, std::string& error, bool& has_version, llvm::StringSet<>* used,
                  std::function<void(clang::Preprocessor&)> at_end)
      : m_model(model), m_error(error), m_has_version(has_version), m_used(used), m_at_end(std::move(at_end)) {}

  bool BeginSourceFileAction(clang::CompilerInstance& ci) override {
    auto& pp = ci.getPreprocessor();
    pp.addPPCallbacks(std::make_unique<Recorder>(pp, m_model, m_error, m_has_version, m_used));
    return true;
  }
  void EndSourceFileAction() override {
    if (m_at_end) m_at_end(getCompilerInstance().getPreprocessor());
  }

private:
  IncludeModel& m_model;
  std::string& m_error;
  bool& m_has_version;
  llvm::StringSet<>* m_used;
  std::function<void(clang::Preprocessor&)> m_at_end;
};

// The model's file system questions, answered through the thread's FileManager (the cache Clang's own lookups use).
class ManagerProbe : public FileProbe {
public:
  explicit ManagerProbe(clang::FileManager& files) : m_files(files) {}
  std::optional<llvm::sys::fs::UniqueID> regular_file(const std::string& path) override {
    auto file = m_files.getOptionalFileRef(path, /*OpenFile=*/false);
    if (!file) return std::nullopt;
    return file->getUniqueID();
  }
  std::optional<llvm::sys::fs::UniqueID> directory(const std::string& path) override {
    auto dir = m_files.getOptionalDirectoryRef(path);
    if (!dir) return std::nullopt;
    auto st = m_files.getVirtualFileSystem().status(dir->getName());
    if (!st) return std::nullopt;
    return st->getUniqueID();
  }

private:
  clang::FileManager& m_files;
};

// The cc1 command line for the preprocessor: the language, the include options in command order, nothing of
// Clang's own (no predefined macros, no standard or builtin include directories).
std::vector<std::string> cc1_arguments(const PreprocessCommand& command) {
  std::vector<std::string> args{"-triple", "x86_64-unknown-linux-gnu", "-undef", "-nostdsysteminc", "-nobuiltininc",
                                "-Eonly"};
  if (command.language == Language::c) {
    if (!command.std.empty()) args.push_back("-std=" + command.std);
    args.insert(args.end(), {"-x", "c"});
  } else {
    args.insert(args.end(), {"-x", "assembler-with-cpp"});
  }
  for (const auto& d : command.include_dirs) {
    switch (d.chain) {
    case DirChain::quote: args.push_back("-iquote"); break;
    case DirChain::bracket: args.push_back("-I"); break;
    case DirChain::system: args.push_back("-isystem"); break;
    case DirChain::after: args.push_back("-idirafter"); break;
    }
    args.push_back(d.path);
  }
  args.push_back(command.source);
  return args;
}

} // namespace

// One thread's scanning state, kept across translation units: its view of the shared cache, and per working
// directory a FileManager (which caches relative names as given: "b.c" of one directory is not "b.c" of another)
// with what the directives lookup decided for each of its files.
struct Worker {
  struct Directives {
    std::optional<llvm::ArrayRef<clang::dependency_directives_scan::Directive>> tokens; // none: lex in full
    FileFacts facts;
    std::string absolute; // the file's absolute path, as first named, without "." components (store_key)
    llvm::StringRef text; // in the shared cache, alive for the whole run
    // The directives without the #defines the filter drops (see DefineFilter), as of the kept names' generation
    // `filtered_for`, and the names of the dropped ones (texts in the shared cache, alive for the whole run).
    std::vector<clang::dependency_directives_scan::Directive> filtered;
    std::vector<llvm::StringRef> dropped;
    unsigned filtered_for = ~0u;
    // Served from the directive store: its directives, decoded (`text` is then its directive lines).
    bool stored = false;
    std::vector<clang::dependency_directives_scan::Token> stored_tokens;
    std::vector<clang::dependency_directives_scan::Directive> stored_directives;
  };
  struct Files {
    llvm::IntrusiveRefCntPtr<clang::FileManager> manager;
    llvm::DenseMap<const clang::FileEntry*, Directives> directives; // FileEntry objects live as long as `manager`
  };
  llvm::IntrusiveRefCntPtr<deps::DependencyScanningWorkerFilesystem> fs;
  llvm::IntrusiveRefCntPtr<StoreFileSystem> disk; // beneath `fs`
  std::map<std::string, Files> by_cwd;

  Files& files_for(const std::string& cwd) {
    auto [it, inserted] = by_cwd.try_emplace(cwd);
    if (inserted) {
      clang::FileSystemOptions options;
      options.WorkingDir = cwd;
      it->second.manager = llvm::makeIntrusiveRefCnt<clang::FileManager>(options, fs);
    }
    return it->second;
  }
};

struct DepScanner::Impl {
  unsigned threads = 1;
  // The files' texts, shared by the workers and by every scan with the same module roots. A scan with other roots
  // takes a new cache: a text the store gave (a file's directive lines, served because it was not a module's own)
  // must never be lexed in full as the own file of another root. Earlier caches are kept, not freed: their texts
  // stay alive (and `facts` knows texts by address).
  std::vector<std::unique_ptr<deps::DependencyScanningFilesystemSharedCache>> caches;
  std::vector<std::string> cache_roots; // the module roots of the last cache
  DirectiveStore* store = nullptr;      // during scan(): the kernel's directive store, if any
  std::atomic<unsigned> served{0};      // files given by a store (once per worker and working directory)
  std::mutex facts_mutex;
  // By the text's address and size: texts live in the shared cache for the whole run.
  std::map<std::pair<const char*, std::size_t>, FileFacts> facts;

  // The define filter's kept names (see filter_defines), shared by the workers; a new name makes a new generation.
  bool filter = false;
  std::mutex kept_mutex;
  llvm::StringSet<> kept;
  std::atomic<unsigned> kept_generation{0};
  std::vector<std::string> learned; // names kept since the run began
  llvm::StringSet<> module_names;   // also kept: the names the modules' own files use (add_module_names)

  void keep(const std::vector<std::string>& names) {
    std::lock_guard<std::mutex> lock(kept_mutex);
    for (const auto& n : names) {
      if (kept.insert(n).second) learned.push_back(n);
    }
    ++kept_generation;
  }

  FileFacts facts_for(llvm::StringRef text) {
    const std::pair<const char*, std::size_t> key(text.data(), text.size());
    {
      std::lock_guard<std::mutex> lock(facts_mutex);
      if (auto it = facts.find(key); it != facts.end()) return it->second;
    }
    const FileFacts computed = facts_of(text);
    std::lock_guard<std::mutex> lock(facts_mutex);
    facts.emplace(key, computed);
    return computed;
  }

  // One run of the unit's preprocessor, with or without the filter. With `looked_up`: filtered, the names left out
  // that the unit looked up after all; full, the names the filter would leave out that the unit expanded or tested.
  enum class Run { filtered, full };

  ScanOutcome scan_one(const ScanJob& job, Worker& worker) {
    if (!filter) return run_unit(job, worker, Run::full, nullptr);
    std::vector<std::string> looked_up; // dropped names the unit looked up after all
    ScanOutcome outcome = run_unit(job, worker, Run::filtered, &looked_up);
    if (looked_up.empty()) return outcome;
    // Kept from now on, and the unit runs again in full, which also keeps the names the filter would leave out that
    // it expands or tests (the filtered run may have taken other branches), with the names of their bodies: the
    // next filtered run of this unit then passes its check.
    keep(looked_up);
    looked_up.clear();
    outcome = run_unit(job, worker, Run::full, &looked_up);
    if (!looked_up.empty()) keep(looked_up);
    outcome.runs = 2;
    return outcome;
  }
  ScanOutcome run_unit(const ScanJob& job, Worker& worker, Run run, std::vector<std::string>* looked_up);

  // Gives the store the files this worker read from disk and scanned, but the module's own.
  void store_scanned(const Worker& worker) {
    for (const auto& by_cwd : worker.by_cwd) {
      for (const auto& [file, d] : by_cwd.second.directives) {
        if (d.stored || !d.tokens || d.facts.changes_listing) continue;
        if (worker.disk->own(d.absolute)) continue;
        if (auto stamp = worker.disk->stamp_read(d.absolute)) {
          store->add(d.absolute, *stamp, d.text, *d.tokens, d.facts.has_error);
        }
      }
    }
  }
};

ScanOutcome DepScanner::Impl::run_unit(const ScanJob& job, Worker& worker, Run run,
                                       std::vector<std::string>* looked_up) {
  ScanOutcome outcome;
  auto& fs = worker.fs;
  if (auto ec = fs->setCurrentWorkingDirectory(job.cwd)) {
    outcome.error = "cannot use '" + job.cwd + "' as the working directory: " + ec.message();
    return outcome;
  }
  Worker::Files& files = worker.files_for(job.cwd);
  ManagerProbe probe(*files.manager);
  auto model = IncludeModel::create(job.command, probe);
  if (!model) {
    outcome.error = llvm::toString(model.takeError());
    return outcome;
  }

  FirstError errors;
  auto diag_options = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
  clang::DiagnosticsEngine diags(llvm::makeIntrusiveRefCnt<clang::DiagnosticIDs>(), diag_options.get(), &errors,
                                 /*ShouldOwnClient=*/false);
  const std::vector<std::string> args = cc1_arguments(job.command);
  std::vector<const char*> argv;
  for (const auto& a : args)
    argv.push_back(a.c_str());
  auto invocation = std::make_shared<clang::CompilerInvocation>();
  if (!clang::CompilerInvocation::CreateFromArgs(*invocation, argv, diags)) {
    outcome.error = "Clang refused the preprocessor options: " + errors.text();
    return outcome;
  }
  invocation->getDiagnosticOpts().IgnoreWarnings = true;
  invocation->getDiagnosticOpts().ShowCarets = false; // and no "N errors generated." on stderr
  invocation->getFileSystemOpts().WorkingDir = job.cwd;
  auto& pp_options = invocation->getPreprocessorOpts();
  pp_options.Macros.clear();
  if (job.gcc_macros) {
    for (const auto& m : *job.gcc_macros)
      pp_options.addMacroDef(m);
  }
  for (const auto& op : job.command.macros) {
    if (op.undef) {
      pp_options.addMacroUndef(op.text);
    } else {
      pp_options.addMacroDef(op.text);
    }
  }
  pp_options.Includes = job.command.includes;
  pp_options.MacroIncludes = job.command.imacros;
  const std::string module_prefix = job.module_root.empty() ? std::string() : job.module_root + "/";
  const unsigned generation = kept_generation.load();
  llvm::DenseSet<const clang::FileEntry*> filtered_files;
  pp_options.DependencyDirectivesForFile =
      [this, &worker, &files, module_prefix, detect_version = job.detect_version, run, looked_up, generation,
       &filtered_files, job_cwd = job.cwd](
          clang::FileEntryRef file) -> std::optional<llvm::ArrayRef<clang::dependency_directives_scan::Directive>> {
    auto [it, inserted] = files.directives.try_emplace(&file.getFileEntry());
    Worker::Directives& d = it->second;
    if (inserted) {
      auto entry = worker.fs->getOrCreateFileSystemEntry(file.getName());
      if (!entry) return std::nullopt;
      d.text = entry->getContents();
      d.absolute = store_key(job_cwd, file.getName()); // the name the store knows it by: the same files are own
      if (const DirectiveStore::Entry* stored = store ? store->by_text(d.text.data()) : nullptr) {
        store->directives(*stored, d.stored_tokens, d.stored_directives);
        d.tokens = llvm::ArrayRef(d.stored_directives);
        d.facts.has_error = stored->has_error;
        d.stored = true;
        ++served;
      } else {
        d.facts = facts_for(d.text);
        if (!d.facts.changes_listing && worker.fs->ensureDirectiveTokensArePopulated(*entry)) {
          d.tokens = entry->getDirectiveTokens();
        }
      }
    }
    const bool own = !module_prefix.empty() && llvm::StringRef(d.absolute).starts_with(module_prefix);
    if ((d.facts.has_error || detect_version) && own) return std::nullopt;
    if (!looked_up || !d.tokens || own) return d.tokens;
    if (d.filtered_for != generation) { // never while this unit lexes the file: its first entry in this unit
      std::lock_guard<std::mutex> lock(kept_mutex);
      filter_defines(d.text, *d.tokens, kept, module_names, d.filtered, d.dropped);
      d.filtered_for = generation;
    }
    filtered_files.insert(&file.getFileEntry()); // also with nothing left out: its bodies count in the check
    if (d.dropped.empty()) return d.tokens;
    return run == Run::full ? *d.tokens : llvm::ArrayRef(d.filtered);
  };

  clang::CompilerInstance ci;
  ci.setInvocation(std::move(invocation));
  ci.createDiagnostics(&errors, /*ShouldOwnClient=*/false);
  ci.setFileManager(files.manager.get());
  std::string model_error;
  bool has_version = false;
  std::function<void(clang::Preprocessor&)> check;
  llvm::StringSet<> used; // a full run's expanded and tested names
  if (looked_up) {
    check = [&](clang::Preprocessor& pp) {
      // Filtered: every name left out that is in the table. Full: every name the filter would leave out that was
      // expanded or tested (the table also holds every name of every define body read).
      const clang::IdentifierTable& table = pp.getIdentifierTable();
      for (const clang::FileEntry* f : filtered_files) {
        for (llvm::StringRef name : files.directives.find(f)->second.dropped) {
          if (run == Run::filtered ? table.find(name) != table.end() : used.contains(name)) {
            looked_up->push_back(name.str());
          }
        }
      }
      if (looked_up->empty()) return;
      std::sort(looked_up->begin(), looked_up->end());
      looked_up->erase(std::unique(looked_up->begin(), looked_up->end()), looked_up->end());
      llvm::StringSet<> dropped;
      for (const clang::FileEntry* f : filtered_files) {
        for (llvm::StringRef name : files.directives.find(f)->second.dropped)
          dropped.insert(name);
      }
      // The bodies of the defines kept (those of the files here, and those of the names just found) are read when
      // reached, and their names enter the table: keep those (of this unit's dropped names) at once rather than one
      // run at a time.
      llvm::StringMap<std::vector<llvm::StringRef>> body_names;
      std::vector<llvm::StringRef> work;
      for (const clang::FileEntry* f : filtered_files) {
        const Worker::Directives& d = files.directives.find(f)->second;
        for (const auto& directive : *d.tokens) {
          if (directive.Kind != dds::pp_define || directive.Tokens.size() < 4) continue;
          const llvm::StringRef name = d.text.substr(directive.Tokens[2].Offset, directive.Tokens[2].Length);
          auto& names = body_names[name];
          for (const auto& t : directive.Tokens.drop_front(3)) {
            if (t.is(clang::tok::raw_identifier)) names.push_back(d.text.substr(t.Offset, t.Length));
          }
          if (!dropped.contains(name)) work.push_back(name);
        }
      }
      llvm::StringSet<> found;
      for (const auto& n : *looked_up) {
        found.insert(n);
        work.push_back(n);
      }
      llvm::StringSet<> expanded;
      while (!work.empty()) {
        const llvm::StringRef name = work.back();
        work.pop_back();
        if (!expanded.insert(name).second) continue;
        const auto it = body_names.find(name);
        if (it == body_names.end()) continue;
        for (llvm::StringRef n : it->second) {
          if (dropped.contains(n) && found.insert(n).second) {
            looked_up->push_back(n.str());
            work.push_back(n);
          }
        }
      }
    };
  }
  RecordingAction action(*model, model_error, has_version, looked_up && run == Run::full ? &used : nullptr,
                         std::move(check));
  const bool ran = ci.ExecuteAction(action);
  if (!model_error.empty()) {
    outcome.error = model_error;
  } else if (!errors.text().empty()) {
    outcome.error = "the preprocessor stops (so would gcc): " + errors.text();
  } else if (!ran) {
    outcome.error = "the preprocessor failed on " + job.command.source;
  } else {
    outcome.dependencies = model->dependencies();
    outcome.has_version = has_version;
  }
  return outcome;
}

DepScanner::DepScanner(unsigned threads) : m_impl(std::make_unique<Impl>()) {
  m_impl->threads = threads != 0 ? threads : std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

DepScanner::~DepScanner() = default;

unsigned DepScanner::threads() const { return m_impl->threads; }

unsigned DepScanner::files_from_store() const { return m_impl->served.load(); }

void DepScanner::set_define_filter(bool on) { m_impl->filter = on; }

void DepScanner::keep_defines(const std::vector<std::string>& names) {
  m_impl->keep(names);
  std::lock_guard<std::mutex> lock(m_impl->kept_mutex);
  m_impl->learned.clear();
}

std::vector<std::string> DepScanner::learned_defines() const {
  std::lock_guard<std::mutex> lock(m_impl->kept_mutex);
  return m_impl->learned;
}

std::vector<ScanOutcome> DepScanner::scan(const std::vector<ScanJob>& jobs, DirectiveStore* store) {
  std::vector<ScanOutcome> outcomes(jobs.size());
  if (m_impl->filter) {
    std::set<std::string> roots;
    for (const auto& job : jobs) {
      if (!job.module_root.empty()) roots.insert(job.module_root);
    }
    for (const auto& root : roots)
      add_module_names(root, m_impl->module_names);
  }
  // Larger sources first (a rough measure of a unit's cost), so that no long unit starts last on its own.
  std::vector<std::pair<std::uint64_t, std::size_t>> order;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& source = jobs[i].command.source;
    std::uint64_t size = 0;
    llvm::sys::fs::file_size(source[0] == '/' ? source : jobs[i].cwd + "/" + source, size);
    order.emplace_back(size, i);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> roots;
  for (const auto& job : jobs) {
    if (!job.module_root.empty()) roots.push_back(job.module_root);
  }
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  if (m_impl->caches.empty() || roots != m_impl->cache_roots) {
    m_impl->caches.push_back(std::make_unique<deps::DependencyScanningFilesystemSharedCache>());
    m_impl->cache_roots = roots;
  }
  deps::DependencyScanningFilesystemSharedCache& shared = *m_impl->caches.back();
  m_impl->store = store;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> real(llvm::vfs::createPhysicalFileSystem().release());
    Worker worker;
    worker.disk = llvm::makeIntrusiveRefCnt<StoreFileSystem>(real, store, roots);
    worker.fs = llvm::makeIntrusiveRefCnt<deps::DependencyScanningWorkerFilesystem>(shared, worker.disk);
    for (std::size_t n = next++; n < jobs.size(); n = next++)
      outcomes[order[n].second] = m_impl->scan_one(jobs[order[n].second], worker);
    if (store) m_impl->store_scanned(worker);
  };
  const std::size_t n = std::min<std::size_t>(m_impl->threads, jobs.size());
  if (n <= 1) {
    work();
    return outcomes;
  }
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < n; ++t)
    pool.emplace_back(work);
  for (auto& t : pool)
    t.join();
  return outcomes;
}

} // namespace srcver::frontend
