#pragma once
// The verdict of a built module against its prediction: `check` and `verify` both take it from here, by one rule.

#include "predict.hpp"

#include <string>

namespace srcver::tool {

// A built module against its prediction.
enum class Verdict {
  equal,          // the srcversion (or its absence) is the one predicted
  differs,        // it is not
  cannot_predict, // the prediction could not be made with certainty: nothing to compare
  bad_input,      // the built module cannot be read, or none was found
};

// "equal", "differs", "cannot-predict", "bad-input": the words of check's and verify's output lines.
const char* verdict_name(Verdict verdict);

// The exit status a verdict asks for: 0, 1, 3, 2.
int exit_status_of(Verdict verdict);

struct Judgement {
  Verdict verdict = Verdict::equal;
  std::string predicted = "-"; // the srcversion the comparison used, "-" for none
  std::string reason;          // why, when the verdict needs one ("" otherwise)
};

// The verdict on a built module carrying `built` (its srcversion, "" for none) against `module`'s prediction.
// `build_setting_known`: the build was made with the CONFIG_MODULE_SRCVERSION_ALL setting predicted for (verify builds
// it so). When it is not known (check: an installed module may have been built with CONFIG_MODULE_SRCVERSION_ALL=y on
// a kernel without it), a built srcversion is compared with the hash of the module's files even when modpost would
// write none under the predicted setting: the hash is what says whether the files are the same. A built module
// without one is equal when the prediction gives none either.
Judgement judge(const PredictedModule& module, const std::string& built, bool build_setting_known);

} // namespace srcver::tool
