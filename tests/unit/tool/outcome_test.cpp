// One place for verdicts and exit statuses (issue 14): check and verify judge a built module by one rule, and every
// command ranks its parts' statuses the same way (documented in --help: 2 over 1 over 3 over 0).

#include <srcver/tool/outcome.hpp>

#include "verdict.hpp" // tool/src

#include <gtest/gtest.h>

using namespace srcver::tool;
using Status = PredictedModule::Status;
using Outcome = srcver::sumversion::SrcversionResult::Outcome;

namespace {

// A prediction as the pipeline leaves it: `hashed` when sumversion computed a hash for the module.
PredictedModule predicted(Status status, bool hashed, const std::string& srcversion = "0123456789ABCDEF0123456") {
  PredictedModule m;
  m.path = "sub/hello";
  m.status = status;
  m.reason = status == Status::ok ? "" : "why";
  m.result.outcome = hashed ? Outcome::ok : Outcome::no_srcversion;
  if (hashed) m.result.srcversion = srcversion;
  return m;
}

const std::string k_sv = "0123456789ABCDEF0123456";
const std::string k_other = "FEDCBA9876543210FEDCBA9";

} // namespace

TEST(WorseStatus, RanksBadInputOverDiffersOverCannotPredictOverBuildStepOverOk) {
  const int order[] = {exit_ok, exit_needs_build_step, exit_cannot_predict, exit_differs, exit_usage};
  for (std::size_t i = 0; i < std::size(order); ++i) {
    for (std::size_t j = 0; j < std::size(order); ++j) {
      EXPECT_EQ(worse_status(order[i], order[j]), order[std::max(i, j)]) << order[i] << " vs " << order[j];
    }
  }
}

TEST(ExitStatusOf, CategoriesAndVerdicts) {
  EXPECT_EQ(exit_status_of(srcver::ErrorCategory::cannot_predict), exit_cannot_predict);
  EXPECT_EQ(exit_status_of(srcver::ErrorCategory::needs_build_step), exit_needs_build_step);
  EXPECT_EQ(exit_status_of(srcver::ErrorCategory::input), exit_usage);
  EXPECT_EQ(exit_status_of(srcver::ErrorCategory::usage), exit_usage);
  // predict and check plan no steps: a PRE_BUILD the build needs is "cannot predict" there.
  EXPECT_EQ(prediction_exit_status(srcver::ErrorCategory::needs_build_step), exit_cannot_predict);
  EXPECT_EQ(prediction_exit_status(srcver::ErrorCategory::input), exit_usage);
  EXPECT_EQ(exit_status_of(Verdict::equal), exit_ok);
  EXPECT_EQ(exit_status_of(Verdict::differs), exit_differs);
  EXPECT_EQ(exit_status_of(Verdict::cannot_predict), exit_cannot_predict);
  EXPECT_EQ(exit_status_of(Verdict::bad_input), exit_usage);
  EXPECT_STREQ(verdict_name(Verdict::cannot_predict), "cannot-predict");
  EXPECT_STREQ(verdict_name(Verdict::bad_input), "bad-input");
}

TEST(Judge, SameSrcversionIsEqualDifferentDiffers) {
  for (bool known : {false, true}) {
    const Judgement same = judge(predicted(Status::ok, true), k_sv, known);
    EXPECT_EQ(same.verdict, Verdict::equal);
    EXPECT_EQ(same.predicted, k_sv);
    EXPECT_EQ(same.reason, "");
    const Judgement other = judge(predicted(Status::ok, true), k_other, known);
    EXPECT_EQ(other.verdict, Verdict::differs);
    EXPECT_EQ(other.predicted, k_sv);
  }
}

TEST(Judge, CannotPredictComparesNothing) {
  const Judgement j = judge(predicted(Status::cannot_predict, false), k_sv, false);
  EXPECT_EQ(j.verdict, Verdict::cannot_predict);
  EXPECT_EQ(j.predicted, "-");
  EXPECT_EQ(j.reason, "why");
}

TEST(Judge, BuiltWithoutSrcversion) {
  // Predicted none, built none: equal, whatever the setting.
  for (Status status : {Status::no_version, Status::no_srcversion}) {
    const Judgement j = judge(predicted(status, status == Status::no_version), "", false);
    EXPECT_EQ(j.verdict, Verdict::equal);
    EXPECT_EQ(j.predicted, "-");
  }
  // Predicted one, built none: a real build would have given it one.
  const Judgement j = judge(predicted(Status::ok, true), "", true);
  EXPECT_EQ(j.verdict, Verdict::differs);
  EXPECT_EQ(j.reason, "the module has no srcversion; a real build would give it one");
}

TEST(Judge, UnknownBuildSettingComparesTheHash) {
  // check: an installed module built with CONFIG_MODULE_SRCVERSION_ALL=y on a kernel without it carries the hash of
  // its files; the prediction said "no srcversion" only because of the setting.
  const Judgement check = judge(predicted(Status::no_version, true), k_sv, /*build_setting_known=*/false);
  EXPECT_EQ(check.verdict, Verdict::equal);
  EXPECT_EQ(check.predicted, k_sv);
  EXPECT_EQ(judge(predicted(Status::no_version, true), k_other, false).verdict, Verdict::differs);
  // verify: the build had the predicted setting, so a srcversion where none was predicted is a difference.
  const Judgement verify = judge(predicted(Status::no_version, true), k_sv, /*build_setting_known=*/true);
  EXPECT_EQ(verify.verdict, Verdict::differs);
  EXPECT_EQ(verify.predicted, "-");
  EXPECT_EQ(verify.reason, "why");
}

TEST(Judge, ModpostRulesGiveNoneButTheModuleHasOne) {
  const Judgement j = judge(predicted(Status::no_srcversion, false), k_sv, false);
  EXPECT_EQ(j.verdict, Verdict::differs);
  EXPECT_EQ(j.predicted, "-");
  EXPECT_EQ(j.reason, "why");
}
