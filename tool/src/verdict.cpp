// The verdict of a built module against its prediction (verdict.hpp).
#include "verdict.hpp"

#include <srcver/tool/outcome.hpp>

namespace srcver::tool {

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
