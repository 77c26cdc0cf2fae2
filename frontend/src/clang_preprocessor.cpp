#include "clang_preprocessor.hpp"

#include <clang/Basic/DiagnosticLex.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Lex/HeaderSearch.h>
#include <clang/Lex/MacroArgs.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <llvm/Support/VirtualFileSystem.h>

namespace srcver::frontend {

namespace {

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

void FirstError::HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) {
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

bool RecordingAction::BeginSourceFileAction(clang::CompilerInstance& ci) {
  auto& pp = ci.getPreprocessor();
  pp.addPPCallbacks(std::make_unique<Recorder>(pp, m_model, m_error, m_has_version, m_used));
  return true;
}

void RecordingAction::EndSourceFileAction() {
  if (m_at_end) m_at_end(getCompilerInstance().getPreprocessor());
}

std::optional<llvm::sys::fs::UniqueID> ManagerProbe::regular_file(const std::string& path) {
  auto file = m_files.getOptionalFileRef(path, /*OpenFile=*/false);
  if (!file) return std::nullopt;
  return file->getUniqueID();
}

std::optional<llvm::sys::fs::UniqueID> ManagerProbe::directory(const std::string& path) {
  auto dir = m_files.getOptionalDirectoryRef(path);
  if (!dir) return std::nullopt;
  auto st = m_files.getVirtualFileSystem().status(dir->getName());
  if (!st) return std::nullopt;
  return st->getUniqueID();
}

std::shared_ptr<clang::CompilerInvocation> preprocessor_invocation(const ScanJob& job, FirstError& errors) {
  auto diag_options = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
  clang::DiagnosticsEngine diags(llvm::makeIntrusiveRefCnt<clang::DiagnosticIDs>(), diag_options.get(), &errors,
                                 /*ShouldOwnClient=*/false);
  const std::vector<std::string> args = cc1_arguments(job.command);
  std::vector<const char*> argv;
  for (const auto& a : args)
    argv.push_back(a.c_str());
  auto invocation = std::make_shared<clang::CompilerInvocation>();
  if (!clang::CompilerInvocation::CreateFromArgs(*invocation, argv, diags)) return nullptr;
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
  return invocation;
}

bool preprocess(std::shared_ptr<clang::CompilerInvocation> invocation, clang::FileManager& files, FirstError& errors,
                RecordingAction& action) {
  clang::CompilerInstance ci;
  ci.setInvocation(std::move(invocation));
  ci.createDiagnostics(&errors, /*ShouldOwnClient=*/false);
  ci.setFileManager(&files);
  return ci.ExecuteAction(action);
}

} // namespace srcver::frontend
