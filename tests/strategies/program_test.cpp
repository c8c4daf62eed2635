// Worked examples: each strategy compiled into steps, with the traffic and instances each
// step wants. Read a case as a small table of what the rollout will do.
#include "strategies/program.hpp"

#include <gtest/gtest.h>

#include "support/specs.hpp"

namespace rollguard {
namespace {

using testing::base_spec;
using testing::canary_spec;
using testing::refs;
using Kind = Step::Kind;

struct ExpectedStep {
  Kind kind;
  TrafficSplit traffic;
  RoleCounts instances;
  bool preview = false;
  std::string label;
};

struct ProgramCase {
  std::string name;
  RolloutSpec spec;
  std::vector<ExpectedStep> steps;
  std::size_t finalSwitch;
};

class CompileProgram : public ::testing::TestWithParam<ProgramCase> {};

TEST_P(CompileProgram, GivesTheWorkedExample) {
  const ProgramCase& c = GetParam();
  const Program program = compile_program(c.spec);
  ASSERT_EQ(program.steps.size(), c.steps.size());
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i + 1));
    const Step& got = program.steps[i];
    const ExpectedStep& want = c.steps[i];
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.traffic, want.traffic);
    EXPECT_EQ(got.instances, want.instances);
    EXPECT_EQ(got.preview, want.preview);
    EXPECT_EQ(got.label, want.label);
  }
  EXPECT_EQ(program.finalSwitch, c.finalSwitch);
}

const TrafficSplit kAllStable{100, 0, 0};
const TrafficSplit kAllNew{0, 100, 0};

RolloutSpec one_box_on_three() {
  RolloutSpec spec = base_spec(OneBoxStrategy{std::nullopt, 30min, refs({"errors"})}, 3);
  return spec;
}

INSTANTIATE_TEST_SUITE_P(
    Strategies, CompileProgram,
    ::testing::Values(
        // The spec's example: weight w to the canary and w to a fresh baseline, 100-2w stable.
        ProgramCase{
            "CanaryWithBaseline",
            canary_spec({SetWeightStep{5}, PauseStep{30s}, AnalysisStep{refs({"errors"})},
                         SetWeightStep{25}, PauseStep{}, SetWeightStep{100}},
                        true),
            {{Kind::SetWeight, {90, 5, 5}, {2, 2, 2}, false, "setWeight 5 (baseline 5)"},
             {Kind::Pause, {90, 5, 5}, {2, 2, 2}, false, "pause 30s"},
             {Kind::Analysis, {90, 5, 5}, {2, 2, 2}, false, "analysis errors"},
             {Kind::SetWeight, {50, 25, 25}, {2, 2, 2}, false, "setWeight 25 (baseline 25)"},
             {Kind::Pause, {50, 25, 25}, {2, 2, 2}, false, "pause until promoted"},
             {Kind::SetWeight, kAllNew, {2, 2, 0}, false, "setWeight 100"}},
            5},
        // Past 50% the baseline takes what is left: 60 canary, 40 baseline, 0 stable.
        ProgramCase{"CanaryBaselineCappedPastHalf",
                    canary_spec({SetWeightStep{60}, SetWeightStep{100}}, true),
                    {{Kind::SetWeight, {0, 60, 40}, {2, 2, 2}, false, "setWeight 60 (baseline 40)"},
                     {Kind::SetWeight, kAllNew, {2, 2, 0}, false, "setWeight 100"}},
                    1},
        // Steps that stop short of 100 end with the switch, like Argo's full promotion.
        ProgramCase{
            "CanaryEndsWithTheSwitch",
            canary_spec({SetWeightStep{12.5}, PauseStep{1min}}),
            {{Kind::SetWeight, {87.5, 12.5, 0}, {2, 2, 0}, false, "setWeight 12.5"},
             {Kind::Pause, {87.5, 12.5, 0}, {2, 2, 0}, false, "pause 1m"},
             {Kind::SetWeight, kAllNew, {2, 2, 0}, false, "promote: 100% to the new version"}},
            2},
        // Blue/green: full size behind the preview route, held, switched, checked after.
        ProgramCase{"BlueGreenManualWithAnalyses",
                    base_spec(BlueGreenStrategy{false, refs({"flow"}), refs({"errors"})}),
                    {{Kind::Analysis, kAllStable, {2, 2, 0}, true, "pre-promotion analysis flow"},
                     {Kind::Pause, kAllStable, {2, 2, 0}, true, "pause until promoted"},
                     {Kind::SetWeight, kAllNew, {2, 2, 0}, false, "setWeight 100"},
                     {Kind::Analysis, kAllNew, {2, 2, 0}, false, "post-promotion analysis errors"}},
                    2},
        ProgramCase{"BlueGreenAutomaticBare",
                    base_spec(BlueGreenStrategy{}),
                    {{Kind::SetWeight, kAllNew, {2, 2, 0}, false, "setWeight 100"}},
                    0},
        // CodeDeploy's Linear30PercentEvery1Minute: the last step is the remainder.
        ProgramCase{"Linear30Every1Minute",
                    base_spec(LinearStrategy{30, 1min}),
                    {{Kind::SetWeight, {70, 30, 0}, {2, 2, 0}, false, "setWeight 30"},
                     {Kind::Pause, {70, 30, 0}, {2, 2, 0}, false, "pause 1m"},
                     {Kind::SetWeight, {40, 60, 0}, {2, 2, 0}, false, "setWeight 60"},
                     {Kind::Pause, {40, 60, 0}, {2, 2, 0}, false, "pause 1m"},
                     {Kind::SetWeight, {10, 90, 0}, {2, 2, 0}, false, "setWeight 90"},
                     {Kind::Pause, {10, 90, 0}, {2, 2, 0}, false, "pause 1m"},
                     {Kind::SetWeight, kAllNew, {2, 2, 0}, false, "setWeight 100"}},
                    6},
        ProgramCase{"AllAtOnceWithBake",
                    base_spec(AllAtOnceStrategy{15min}),
                    {{Kind::SetWeight, kAllNew, {2, 2, 0}, false, "setWeight 100"},
                     {Kind::Bake, kAllNew, {2, 2, 0}, false, "bake 15m"}},
                    0},
        // One box beside three stable instances takes 1/4 of the traffic, then the rest
        // follows: the new fleet must be at full size before it takes 100%.
        ProgramCase{"OneBoxFairShare",
                    one_box_on_three(),
                    {{Kind::SetWeight, {75, 25, 0}, {3, 1, 0}, false, "setWeight 25"},
                     {Kind::Bake, {75, 25, 0}, {3, 1, 0}, false, "bake 30m with analysis"},
                     {Kind::SetWeight, kAllNew, {3, 3, 0}, false, "setWeight 100"}},
                    2}),
    [](const auto& info) { return info.param.name; });

TEST(FleetSize, FollowsTheTarget) {
  ProcessTarget processes;
  processes.instances = 4;
  EXPECT_EQ(fleet_size(processes), 4);
  StaticTarget endpoints;
  endpoints.stable = {"a:1", "b:1"};
  endpoints.canary = {"c:1"};
  EXPECT_EQ(fleet_size(endpoints), 2);
  EXPECT_EQ(fleet_size(CommandTarget{}), 1);
}

TEST(CompileProgram, BakeAnalysisEndsWithTheBake) {
  const Program program = compile_program(one_box_on_three());
  EXPECT_EQ(program.steps[1].templates, std::vector<std::string>{"errors"});
  EXPECT_EQ(program.steps[1].duration, Duration{30min});
}

TEST(CompileProgram, PrePromotionAnalysisGoesThroughThePreviewRoute) {
  const Program program =
      compile_program(base_spec(BlueGreenStrategy{true, refs({"flow"}), refs({"errors"})}));
  EXPECT_TRUE(program.steps[0].viaPreview);
  EXPECT_EQ(program.steps[0].analysis, AnalysisKind::PrePromotion);
  EXPECT_FALSE(program.steps[2].viaPreview);
  EXPECT_EQ(program.steps[2].analysis, AnalysisKind::PostPromotion);
}

}  // namespace
}  // namespace rollguard
