// The terminal live view's frames, read as text: what a person sees at each moment.
#include "controller/cli/live_view.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace rollguard::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ViewSnapshot canary_at_step_three() {
  ViewSnapshot s;
  s.rollout = "checkout";
  s.state.phase = Phase::Progressing;
  s.state.stableVersion = "1.4.2";
  s.state.canaryVersion = "1.5.0";
  s.state.knownGood = "1.4.2";
  s.state.step = 3;
  s.state.applied = TrafficSplit{60, 20, 20};
  s.step_label = "step 4/6: analysis errors";
  s.steps = 6;
  s.elapsed = 75s;
  Measurement m;
  m.verdict = Verdict::Successful;
  m.value = {0.004};
  m.reason = "error_rate 0.004 < 0.02";
  s.analyses = {{"step-4", "errors", 2, m, std::nullopt}, {"step-4", "latency", 0, {}, {}}};
  s.recent = {
      Event{{}, EventKind::StepStarted, Phase::Progressing, 4, "step 4/6: analysis errors", ""}};
  return s;
}

TEST(LiveView, FrameShowsStepProgressWeightsAnalysesAndRecentEvents) {
  EXPECT_THAT(render_frame(canary_at_step_three(), 200),
              ElementsAre("checkout  Progressing  step 4/6: analysis errors  01:15",
                          "[███████████████░░░░░░░░░░░░░░░] 3/6 done",
                          "traffic   1.4.2 60%   1.5.0 20%   baseline 1.4.2 20%", "analyses",
                          "  errors           #2    0.004      Successful  error_rate 0.004 < 0.02",
                          "  latency          #0    -          waiting     ", "recent",
                          "  Progressing: step 4/6: analysis errors"));
}

TEST(LiveView, LinesAreCutToTheTerminalWidthCountingCharactersNotBytes) {
  for (const std::string& line : render_frame(canary_at_step_three(), 24)) {
    std::size_t columns = 0;
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
    EXPECT_LE(columns, 24u) << line;
  }
}

// Issue 21: the summary wrapped mid-word ("error_r" / "ate"). Lines break between words;
// a continuation is indented under the text it continues.
TEST(LiveView, SummaryWrapsTheReasonBetweenWords) {
  ViewSnapshot s = canary_at_step_three();
  s.state.phase = Phase::RolledBack;
  s.state.message =
      "errors: canary error_rate 0.214 vs baseline 0.002; 1.4.2 serves 100% (verified)";
  s.state.applied = TrafficSplit{100, 0, 0};
  EXPECT_THAT(
      render_summary(s, 1, 40),
      ElementsAre(std::string(40, '-'), "checkout: RolledBack after 01:15 (exit", "            1)",
                  "reason:     errors: canary error_rate", "            0.214 vs baseline 0.002;",
                  "            1.4.2 serves 100% (verified)",
                  "known-good: 1.4.2   traffic: 1.4.2 100%,", "            1.5.0 0%"));
}

TEST(LiveView, SummaryCutsOnlyAWordLongerThanTheLine) {
  ViewSnapshot s = canary_at_step_three();
  s.state.message = "see " + std::string(50, 'x');
  const auto lines = render_summary(s, 1, 40);
  const auto reason = std::find(lines.begin(), lines.end(), "reason:     see");
  ASSERT_NE(reason, lines.end());
  ASSERT_GE(lines.end() - reason, 3);
  EXPECT_EQ(reason[1], "            " + std::string(28, 'x'));
  EXPECT_EQ(reason[2], "            " + std::string(22, 'x'));
}

TEST(LiveView, SucceededFillsTheBar) {
  ViewSnapshot s = canary_at_step_three();
  s.state.phase = Phase::Succeeded;
  EXPECT_EQ(render_frame(s, 200)[1], "[██████████████████████████████] 6/6 done");
}

}  // namespace
}  // namespace rollguard::cli
