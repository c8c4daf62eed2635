// Every judge's reason names what the canary was compared with (`compare.against`): "vs
// stable" for a template against stable, "vs baseline" against a baseline, and never the other
// word, in the verdict and in the inconclusive cases alike.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "health/judges/judge_result.hpp"
#include "health/judges/mann_whitney.hpp"
#include "health/judges/ratio_judge.hpp"
#include "health/judges/sequential_judge.hpp"

namespace rollguard {
namespace {

using Judge = std::function<JudgeResult(const CompareSpec&)>;

struct ReasonCase {
  const char* name;
  JudgeKind judge;
  Judge run;
  const char* expected_part;  // with {other} for "stable" or "baseline"
};

const std::vector<double> kLow{1, 2, 3, 4, 5, 6}, kHigh{11, 12, 13, 14, 15, 16};

std::string with_other(std::string text, std::string_view other) {
  const std::string key = "{other}";
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key))
    text.replace(at, key.size(), other);
  return text;
}

const std::vector<ReasonCase>& cases() {
  static const std::vector<ReasonCase> all{
      {"Ratio", JudgeKind::Ratio, [](const CompareSpec& s) { return judge_ratio(s, 0.214, 0.002); },
       "canary 0.214 vs {other} 0.002 (ratio, ratio 107x > 1.2x)"},
      {"RatioZero", JudgeKind::Ratio, [](const CompareSpec& s) { return judge_ratio(s, 0.1, 0); },
       "vs {other} 0 (ratio, ratio inf > 1.2x, zero {other})"},
      {"MannWhitney", JudgeKind::MannWhitney,
       [](const CompareSpec& s) { return judge_mann_whitney(s, kHigh, kLow); },
       "canary 13.5 vs {other} 3.5 (mannWhitney, "},
      {"MannWhitneyTooFew", JudgeKind::MannWhitney,
       [](const CompareSpec& s) { return judge_mann_whitney(s, kHigh, std::vector<double>{1}); },
       "too few samples: canary 6, {other} 1, need 3 per side"},
      {"Sequential", JudgeKind::Sequential,
       [](const CompareSpec& s) {
         SequentialJudge j(s);
         j.observe(50, 10, 50, 0);
         return j.decide();
       },
       "canary 0.2 vs {other} 0 (sequential, "},
      {"SequentialNoRequests", JudgeKind::Sequential,
       [](const CompareSpec& s) {
         SequentialJudge j(s);
         j.observe(50, 0, 0, 0);
         return j.decide();
       },
       "no requests to the {other}"},
  };
  return all;
}

struct Against {
  CompareAgainst against;
  const char* word;
  const char* other_word;
};

class JudgeReasonTest : public ::testing::TestWithParam<std::tuple<ReasonCase, Against>> {};

TEST_P(JudgeReasonTest, NamesWhatTheCanaryWasComparedWith) {
  const auto& [c, a] = GetParam();
  CompareSpec spec;
  spec.judge = c.judge;
  spec.against = a.against;
  const JudgeResult r = c.run(spec);
  EXPECT_NE(r.reason.find(with_other(c.expected_part, a.word)), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find(a.other_word), std::string::npos) << r.reason;
}

INSTANTIATE_TEST_SUITE_P(
    Judges, JudgeReasonTest,
    ::testing::Combine(::testing::ValuesIn(cases()),
                       ::testing::Values(Against{CompareAgainst::Stable, "stable", "baseline"},
                                         Against{CompareAgainst::Baseline, "baseline", "stable"})),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).name) + "_" + std::get<1>(info.param).word;
    });

TEST(JudgeReason, SpellsAgainstAsTheManifestDoes) {
  EXPECT_EQ(to_string(CompareAgainst::Stable), "stable");
  EXPECT_EQ(to_string(CompareAgainst::Baseline), "baseline");
  EXPECT_EQ(judge_reason(0.5, 0.25, CompareAgainst::Stable, JudgeKind::Ratio, "x"),
            "canary 0.5 vs stable 0.25 (ratio, x)");
}

}  // namespace
}  // namespace rollguard
