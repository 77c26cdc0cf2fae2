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

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
  case Verdict::equal: return "equal";
  case Verdict::differs: return "differs";
  case Verdict::cannot_predict: return "cannot-predict";
  case Verdict::bad_input: return "bad-input";
  }
  return "?";
}

int exit_status_of(Verdict verdict) {
  switch (verdict) {
  case Verdict::equal: return exit_ok;
  case Verdict::differs: return exit_differs;
  case Verdict::cannot_predict: return exit_cannot_predict;
  case Verdict::bad_input: return exit_usage;
  }
  return exit_usage;
}

Judgement judge(const PredictedModule& module, const std::string& built, bool build_setting_known) {
  using Status = PredictedModule::Status;
  Judgement j;
  if (module.status == Status::cannot_predict) {
    j.verdict = Verdict::cannot_predict;
    j.reason = module.reason;
    return j;
  }
  const bool hashed = module.result.outcome == sumversion::SrcversionResult::Outcome::ok;
  // What the comparison holds the built module to: the srcversion modpost writes under the predicted setting, or, when
  // the build's setting is unknown and the module carries one, the hash of its files.
  const bool compare_hash = module.status == Status::ok || (!build_setting_known && !built.empty() && hashed);
  if (compare_hash) j.predicted = module.result.srcversion;
  if (j.predicted == (built.empty() ? "-" : built)) return j;
  j.verdict = Verdict::differs;
  if (built.empty()) {
    j.reason = "the module has no srcversion; a real build would give it one";
  } else if (!compare_hash) {
    j.reason = module.reason;
  }
  return j;
}

} // namespace srcver::tool
