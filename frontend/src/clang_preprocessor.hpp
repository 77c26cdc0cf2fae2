#pragma once
// The scanner's glue to Clang: the cc1 invocation that runs only the preprocessor with gcc's macros and the command's
// include options, the callbacks that hand every inclusion to the IncludeModel, the first error Clang reports, and the
// model's file system questions answered through Clang's FileManager.

#include <srcver/frontend/include_model.hpp>
#include <srcver/frontend/scanner.hpp>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/FileManager.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Lex/Preprocessor.h>
#include <llvm/ADT/StringSet.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace srcver::frontend {

// Keeps the first error Clang reports; warnings are ignored (gcc's answer is what matters, and gcc accepts the code).
class FirstError : public clang::DiagnosticConsumer {
public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override;
  const std::string& text() const { return m_text; }

private:
  std::string m_text;
};

// The preprocessor's run over one unit: its inclusions handed to `model` (an inclusion the model cannot follow sets
// `error`), a module version declared sets `has_version` (MODULE_VERSION, or MODULE_INFO(version, ...)); with
// `used`, every macro name expanded, tested (defined, #ifdef...) or #undef'd is added to it, for the define filter.
// `at_end` (if any) runs when the unit ends, with the unit's preprocessor.
class RecordingAction : public clang::PreprocessOnlyAction {
public:
  RecordingAction(IncludeModel& model, std::string& error, bool& has_version, llvm::StringSet<>* used,
                  std::function<void(clang::Preprocessor&)> at_end)
      : m_model(model), m_error(error), m_has_version(has_version), m_used(used), m_at_end(std::move(at_end)) {}

  bool BeginSourceFileAction(clang::CompilerInstance& ci) override;
  void EndSourceFileAction() override;

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
  std::optional<llvm::sys::fs::UniqueID> regular_file(const std::string& path) override;
  std::optional<llvm::sys::fs::UniqueID> directory(const std::string& path) override;

private:
  clang::FileManager& m_files;
};

// The invocation that runs Clang's preprocessor alone on the job's source: the job's language and include options
// in command order, gcc's macros then the command's -D and -U, its -include and -imacros files, nothing of Clang's
// own (no predefined macros, no standard or builtin include directories), warnings ignored. None: Clang refused the
// options (why: in `errors`).
std::shared_ptr<clang::CompilerInvocation> preprocessor_invocation(const ScanJob& job, FirstError& errors);

// Runs `action` under `invocation`, Clang's files looked up through `files` and its diagnostics sent to `errors`.
// False: the run failed.
bool preprocess(std::shared_ptr<clang::CompilerInvocation> invocation, clang::FileManager& files, FirstError& errors,
                RecordingAction& action);

} // namespace srcver::frontend
