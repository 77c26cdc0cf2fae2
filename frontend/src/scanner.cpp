#include <srcver/frontend/include_model.hpp>
#include <srcver/frontend/scanner.hpp>
#include <srcver/sumversion/error.hpp>

#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Lex/HeaderSearch.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <clang/Tooling/DependencyScanning/DependencyScanningFilesystem.h>
#include <llvm/Support/Threading.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace srcver::frontend {

namespace deps = clang::tooling::dependencies;

namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Whether a file's text has something the directives scanner drops and that decides the list or the build's
// success: an #error directive, #pragma GCC system_header, or _Pragma (which could be _Pragma("once")).
bool needs_full_lexing(llvm::StringRef text) {
  if (text.contains("_Pragma") || text.contains("system_header")) return true;
  for (std::size_t pos = text.find("error"); pos != llvm::StringRef::npos; pos = text.find("error", pos + 1)) {
    if (pos + 5 < text.size() && is_identifier_char(text[pos + 5])) continue;
    std::size_t i = pos;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
      --i;
    if (i == 0 || text[i - 1] != '#') continue;
    --i;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
      --i;
    if (i == 0 || text[i - 1] == '\n') return true;
  }
  return false;
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
    m_text += message.str().str();
  }
  const std::string& text() const { return m_text; }

private:
  std::string m_text;
};

// Clang's preprocessor events, handed to the model.
class Recorder : public clang::PPCallbacks {
public:
  Recorder(clang::Preprocessor& pp, IncludeModel& model, std::string& error)
      : m_pp(pp), m_model(model), m_error(error) {}

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
  std::optional<std::size_t> m_pending;
  bool m_main_seen = false;
};

class RecordingAction : public clang::PreprocessOnlyAction {
public:
  RecordingAction(IncludeModel& model, std::string& error) : m_model(model), m_error(error) {}

  bool BeginSourceFileAction(clang::CompilerInstance& ci) override {
    auto& pp = ci.getPreprocessor();
    pp.addPPCallbacks(std::make_unique<Recorder>(pp, m_model, m_error));
    return true;
  }

private:
  IncludeModel& m_model;
  std::string& m_error;
};

// The model's file system questions, answered through the worker's cache.
class WorkerProbe : public FileProbe {
public:
  explicit WorkerProbe(llvm::vfs::FileSystem& fs) : m_fs(fs) {}
  std::optional<llvm::sys::fs::UniqueID> regular_file(const std::string& path) override {
    auto st = m_fs.status(path);
    if (!st || st->isDirectory()) return std::nullopt;
    return st->getUniqueID();
  }
  std::optional<llvm::sys::fs::UniqueID> directory(const std::string& path) override {
    auto st = m_fs.status(path);
    if (!st || !st->isDirectory()) return std::nullopt;
    return st->getUniqueID();
  }

private:
  llvm::vfs::FileSystem& m_fs;
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

struct DepScanner::Impl {
  unsigned threads = 1;
  deps::DependencyScanningFilesystemSharedCache shared;
  std::mutex full_lexing_mutex;
  std::unordered_map<const char*, bool> full_lexing; // by the cached text's address

  bool needs_full_lexing_cached(llvm::StringRef text) {
    {
      std::lock_guard<std::mutex> lock(full_lexing_mutex);
      if (auto it = full_lexing.find(text.data()); it != full_lexing.end()) return it->second;
    }
    const bool full = needs_full_lexing(text);
    std::lock_guard<std::mutex> lock(full_lexing_mutex);
    full_lexing.emplace(text.data(), full);
    return full;
  }

  ScanOutcome scan_one(const ScanJob& job, llvm::IntrusiveRefCntPtr<deps::DependencyScanningWorkerFilesystem> fs);
};

ScanOutcome DepScanner::Impl::scan_one(const ScanJob& job,
                                       llvm::IntrusiveRefCntPtr<deps::DependencyScanningWorkerFilesystem> fs) {
  ScanOutcome outcome;
  if (auto ec = fs->setCurrentWorkingDirectory(job.cwd)) {
    outcome.error = "cannot use '" + job.cwd + "' as the working directory: " + ec.message();
    return outcome;
  }
  WorkerProbe probe(*fs);
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
  pp_options.DependencyDirectivesForFile =
      [this,
       fs](clang::FileEntryRef file) -> std::optional<llvm::ArrayRef<clang::dependency_directives_scan::Directive>> {
    auto entry = fs->getOrCreateFileSystemEntry(file.getName());
    if (!entry) return std::nullopt;
    if (needs_full_lexing_cached(entry->getContents())) return std::nullopt;
    if (fs->ensureDirectiveTokensArePopulated(*entry)) return entry->getDirectiveTokens();
    return std::nullopt;
  };

  clang::CompilerInstance ci;
  ci.setInvocation(std::move(invocation));
  ci.createDiagnostics(&errors, /*ShouldOwnClient=*/false);
  ci.createFileManager(fs);
  std::string model_error;
  RecordingAction action(*model, model_error);
  const bool ran = ci.ExecuteAction(action);
  if (!model_error.empty()) {
    outcome.error = model_error;
  } else if (!errors.text().empty()) {
    outcome.error = "the preprocessor stops (so would gcc): " + errors.text();
  } else if (!ran) {
    outcome.error = "the preprocessor failed on " + job.command.source;
  } else {
    outcome.dependencies = model->dependencies();
  }
  return outcome;
}

DepScanner::DepScanner(unsigned threads) : m_impl(std::make_unique<Impl>()) {
  m_impl->threads = threads != 0 ? threads : std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

DepScanner::~DepScanner() = default;

unsigned DepScanner::threads() const { return m_impl->threads; }

std::vector<ScanOutcome> DepScanner::scan(const std::vector<ScanJob>& jobs) {
  std::vector<ScanOutcome> outcomes(jobs.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> real(llvm::vfs::createPhysicalFileSystem().release());
    auto fs = llvm::makeIntrusiveRefCnt<deps::DependencyScanningWorkerFilesystem>(m_impl->shared, real);
    for (std::size_t i = next++; i < jobs.size(); i = next++)
      outcomes[i] = m_impl->scan_one(jobs[i], fs);
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
