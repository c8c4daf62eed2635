// The sequential judge's promise over a whole rollout (issue 14): with the canary and the
// stable fleet alike (A/A), the chance that it ever says High is at most 1 - confidence,
// however long it runs and however often it looks. Checked at 10, 100 and 1,000 rps over six
// hours of 100 ms batches, each one looked at, on seeded runs (tests/support/sequential_aa.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "support/sequential_aa.hpp"

namespace rollguard {
namespace sequential_aa {

struct AaCase {
  const char* name;
  double rps;
  int runs;  // fewer where a run costs more: 1,000 rps is ~130,000 batches with a failure
};
void PrintTo(const AaCase& c, std::ostream* os) {
  *os << c.name;
}

class SequentialAa : public ::testing::TestWithParam<AaCase> {};

TEST_P(SequentialAa, FalseAlarmsOverSixHoursStayWithinOneMinusConfidence) {
  const AaCase& c = GetParam();
  CompareSpec spec;
  spec.judge = JudgeKind::Sequential;
  spec.against = CompareAgainst::Stable;
  spec.confidence = 0.9;       // bound 0.1: wide enough to be measured well with a few hundred runs
  spec.allowedIncrease = 1.0;  // no effect-size tolerance: the test alone holds the bound
  testing::AaTraffic traffic;
  traffic.rps = c.rps;
  const testing::AaOutcome out = testing::sequential_aa(spec, traffic, c.runs, 14);
  const double bound = 1 - spec.confidence;
  // The bound plus three standard errors of a rate estimated from `runs` runs.
  const double allowed = bound + 3 * std::sqrt(bound * (1 - bound) / c.runs);
  std::printf("  %s: %d of %d runs alarmed (%.4f; bound %.2f), %.0f batches with failures each\n",
              c.name, out.alarms, out.runs, out.rate(), bound, out.evidence_batches);
  EXPECT_LE(out.rate(), allowed);
  // The runs saw evidence to be fooled by: a failure in many batches of each run.
  EXPECT_GT(out.evidence_batches, 1000);
}

INSTANTIATE_TEST_SUITE_P(Rps, SequentialAa,
                         ::testing::Values(AaCase{"Rps10", 10, 400}, AaCase{"Rps100", 100, 400},
                                           AaCase{"Rps1000", 1000, 100}),
                         [](const auto& info) { return info.param.name; });

}  // namespace sequential_aa
}  // namespace rollguard
