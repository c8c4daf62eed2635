// The planner names an analysis run the way people read it: the templates it runs and its
// step number (issue 21: `get` listed analyses as "step2.0").
#include "strategies/planner.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include "support/specs.hpp"

namespace rollguard {
namespace {

using testing::canary_spec;
using testing::refs;

struct LabelCase {
  const char* name;
  std::string id;
  std::optional<AnalysisLabel> label;
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const LabelCase& c, std::ostream* os) {
  *os << c.name;
}

class AnalysisLabels : public ::testing::TestWithParam<LabelCase> {};

TEST_P(AnalysisLabels, NameTheTemplatesAndTheStep) {
  RolloutSpec spec = canary_spec(
      {SetWeightStep{10}, AnalysisStep{refs({"errors", "latency"})}, SetWeightStep{50}});
  spec.background = BackgroundAnalysis{{"flow"}, 0};
  const Planner planner(spec);
  const LabelCase& c = GetParam();
  const auto got = planner.label_of(c.id);
  ASSERT_EQ(got.has_value(), c.label.has_value());
  if (!got) return;
  EXPECT_EQ(got->templates, c.label->templates);
  EXPECT_EQ(got->where, c.label->where);
}

INSTANTIATE_TEST_SUITE_P(
    Ids, AnalysisLabels,
    ::testing::Values(LabelCase{"step", "step2.0", AnalysisLabel{{"errors", "latency"}, "step 2"}},
                      LabelCase{"step_again", "step2.1",
                                AnalysisLabel{{"errors", "latency"}, "step 2, attempt 2"}},
                      LabelCase{"background", "background.0",
                                AnalysisLabel{{"flow"}, "background"}},
                      LabelCase{"past_the_end", "step9.0", std::nullopt},
                      LabelCase{"step_zero", "step0.0", std::nullopt},
                      LabelCase{"no_attempt", "step2", std::nullopt},
                      LabelCase{"junk", "step2x.0", std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rollguard
