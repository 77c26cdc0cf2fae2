// Exit statuses and verdicts: the one place `predict`, `check`, `verify`, `plan`, `deps` and `from-build` take them
// from.
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/outcome.hpp>

namespace srcver::tool {

namespace {

// Higher outranks lower.
int rank(int status) {
  switch (status) {
  case exit_ok: return 0;
  case exit_needs_build_step: return 1;
  case exit_cannot_predict: return 2;
  case exit_differs: return 3;
  default: return 4; // exit_usage
  }
}

} // namespace

int worse_status(int a, int b) { return rank(a) >= rank(b) ? a : b; }

int exit_status_of(ErrorCategory category) {
  switch (category) {
  case ErrorCategory::cannot_predict: return exit_cannot_predict;
  case ErrorCategory::needs_build_step: return exit_needs_build_step;
  default: return exit_usage;
  }
}

int prediction_exit_status(ErrorCategory category) {
  const int status = exit_status_of(category);
  return status == exit_needs_build_step ? exit_cannot_predict : status;
}

int report_error(llvm::Error err) {
  const ErrorReport error = take_error(std::move(err));
  print_diagnostic(error.message);
  return exit_status_of(error.category);
}

int report_prediction_error(llvm::Error err) {
  const ErrorReport error = take_error(std::move(err));
  print_diagnostic(error.message);
  return prediction_exit_status(error.category);
}

} // namespace srcver::tool
