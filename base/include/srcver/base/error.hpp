#pragma once
// The project's one error type: a category (which the CLI maps to an exit status) and the path it concerns.

#include <llvm/Support/Error.h>

#include <string>
#include <string_view>
#include <system_error>

namespace srcver {

// What went wrong, coarse enough for the CLI to choose an exit status.
enum class ErrorCategory {
  usage,            // the caller asked for something impossible (bad option value)      -> exit 2
  input,            // an input is missing or malformed (no modules.order, not a tree)  -> exit 2
  cannot_predict,   // the answer is unknowable with certainty (e.g. era not pinned)    -> exit 3
  io,               // a file could not be read
  needs_build_step, // a step must run before Kbuild can be asked (DKMS PRE_BUILD, configure) -> exit 4
};

class Error : public llvm::ErrorInfo<Error> {
public:
  static char ID;

  Error(ErrorCategory category, std::string message, std::string path = {})
      : m_category(category), m_message(std::move(message)), m_path(std::move(path)) {}

  ErrorCategory category() const { return m_category; }
  const std::string& path() const { return m_path; }
  const std::string& text() const { return m_message; }

  // "<path>: <message>" when a path is known, else the message.
  void log(llvm::raw_ostream& os) const override;
  std::error_code convertToErrorCode() const override { return llvm::inconvertibleErrorCode(); }

private:
  ErrorCategory m_category;
  std::string m_message;
  std::string m_path;
};

// Shorthand for `llvm::make_error<srcver::Error>(...)`.
inline llvm::Error make_error(ErrorCategory category, std::string message, std::string path = {}) {
  return llvm::make_error<Error>(category, std::move(message), std::move(path));
}

// An error taken apart for reporting: its category (`io` for errors that are not srcver::Error) and its text.
struct ErrorReport {
  ErrorCategory category;
  std::string message;
};
ErrorReport take_error(llvm::Error err);

// `text` made safe to print on a terminal or in a log: every byte that is not part of a printable UTF-8 character
// (C0 and C1 controls, DEL, a byte of an invalid or overlong sequence) is written as an escape: \n, \r, \t, else
// \xHH. A backslash is left as it is, so that text escaped once is unchanged when escaped again (messages are built
// from messages). With keep_newlines, '\n' stays a line break (make's own multi-line output quoted in a message).
// Every message that quotes a path or file content goes through it: srcver::Error's text, the CLI's diagnostics.
std::string printable(std::string_view text, bool keep_newlines = false);

} // namespace srcver
