#include <srcver/sumversion/error.hpp>

#include <llvm/Support/raw_ostream.h>

namespace srcver {

char Error::ID = 0;

void Error::log(llvm::raw_ostream& os) const {
  if (!m_path.empty()) os << m_path << ": ";
  os << m_message;
}

ErrorReport take_error(llvm::Error err) {
  ErrorReport report{ErrorCategory::io, {}};
  llvm::handleAllErrors(
      std::move(err),
      [&](const Error& e) {
        report.category = e.category();
        if (!report.message.empty()) report.message += "; ";
        llvm::raw_string_ostream os(report.message);
        e.log(os);
      },
      [&](const llvm::ErrorInfoBase& e) {
        if (!report.message.empty()) report.message += "; ";
        report.message += e.message();
      });
  return report;
}

} // namespace srcver
