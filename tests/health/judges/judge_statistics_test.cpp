// Statistical properties of the judges on seeded simulations: the false-alarm rate under the
// null stays within the promised bound (plus three standard errors of the estimate), and
// known effects are found. Each run is short so that 10,000 of them take little time, also
// under the sanitizers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "health/judges/mann_whitney.hpp"
#include "health/judges/sequential_judge.hpp"

namespace rollguard {
namespace {

constexpr int kNullRuns = 10000;

// The bound plus three standard errors of a rate estimated from `runs` runs.
double with_tolerance(double bound, int runs) {
  return bound + 3 * std::sqrt(bound * (1 - bound) / runs);
}

using Draw = double (*)(std::mt19937_64&);

double latency(std::mt19937_64& rng) {  // log-normal, median ~ 40
  return std::lognormal_distribution<double>(3.7, 0.5)(rng);
}
double small_integer(std::mt19937_64& rng) {  // heavy ties
  return std::uniform_int_distribution<int>(0, 4)(rng);
}

struct MannWhitneyNullCase {
  const char* name;
  Draw draw;
  int canary, baseline;
  double confidence;
};

class MannWhitneyNull : public ::testing::TestWithParam<MannWhitneyNullCase> {};

// The classification does not depend on the direction, so one run of the judge answers for
// all three: the interval is two-sided at `confidence`, so one bad direction is wrongly
// flagged at most (1 - confidence) / 2 of the time, both together at most 1 - confidence.
TEST_P(MannWhitneyNull, FalseAlarmsStayWithinTheBound) {
  const auto& c = GetParam();
  CompareSpec spec;
  spec.confidence = c.confidence;
  spec.allowedIncrease = 1.0;  // no effect-size gate: the test alone must hold the bound
  spec.allowedDecrease = 1.0;
  std::mt19937_64 rng(20240601);
  std::vector<double> canary(c.canary), baseline(c.baseline);
  int high = 0, low = 0;
  for (int run = 0; run < kNullRuns; ++run) {
    for (auto& v : canary) v = c.draw(rng);
    for (auto& v : baseline) v = c.draw(rng);
    const JudgeClass verdict = judge_mann_whitney(spec, canary, baseline).classification;
    high += verdict == JudgeClass::High;
    low += verdict == JudgeClass::Low;
  }
  const double alpha = 1 - c.confidence;
  const double increase = static_cast<double>(high) / kNullRuns;
  const double decrease = static_cast<double>(low) / kNullRuns;
  const double either = increase + decrease;
  std::printf(
      "  %s: false-alarm rate increase %.4f, decrease %.4f (bound %.3f), either %.4f "
      "(bound %.3f)\n",
      c.name, increase, decrease, alpha / 2, either, alpha);
  RecordProperty("false_alarm_rate_either", std::to_string(either));
  EXPECT_LE(increase, with_tolerance(alpha / 2, kNullRuns));
  EXPECT_LE(decrease, with_tolerance(alpha / 2, kNullRuns));
  EXPECT_LE(either, with_tolerance(alpha, kNullRuns));
}

INSTANTIATE_TEST_SUITE_P(Runs, MannWhitneyNull,
                         ::testing::Values(MannWhitneyNullCase{"Latency", latency, 15, 15, 0.9},
                                           MannWhitneyNullCase{"UnequalSizes", latency, 6, 30, 0.9},
                                           MannWhitneyNullCase{"HeavyTies", small_integer, 15, 15,
                                                               0.9}),
                         [](const auto& info) { return info.param.name; });

struct PowerCase {
  const char* name;
  double factor;  // canary latency = baseline latency distribution times this
  int samples;
  double min_power;
};

class MannWhitneyPower : public ::testing::TestWithParam<PowerCase> {};

TEST_P(MannWhitneyPower, FindsTheShift) {
  const auto& c = GetParam();
  const CompareSpec spec;  // defaults: increase, 1.2x tolerated, confidence 0.98
  std::mt19937_64 rng(7);
  std::vector<double> canary(c.samples), baseline(c.samples);
  constexpr int kRuns = 500;
  int high = 0;
  for (int run = 0; run < kRuns; ++run) {
    for (auto& v : canary) v = c.factor * latency(rng);
    for (auto& v : baseline) v = latency(rng);
    if (judge_mann_whitney(spec, canary, baseline).classification == JudgeClass::High) ++high;
  }
  const double power = static_cast<double>(high) / kRuns;
  std::printf("  %s: power %.3f\n", c.name, power);
  EXPECT_GE(power, c.min_power);
}

INSTANTIATE_TEST_SUITE_P(Runs, MannWhitneyPower,
                         ::testing::Values(PowerCase{"Doubled100Samples", 2.0, 100, 0.999},
                                           PowerCase{"Doubled20Samples", 2.0, 20, 0.9},
                                           PowerCase{"Plus50Percent50Samples", 1.5, 50, 0.9}),
                         [](const auto& info) { return info.param.name; });

// ---- sequential ----

struct SequentialNullCase {
  const char* name;
  std::int64_t canary_per_batch, baseline_per_batch;
  // The baseline's failure rate in batch b; the canary's odds are `odds_ratio` times its odds.
  double (*baseline_rate)(int batch);
  double odds_ratio;
  double allowed;  // allowedIncrease, and 1 / allowed as allowedDecrease
  double confidence;
  bool also_either;  // run a second judge for direction either on the same outcomes
};

double steady(int) {
  return 0.05;
}
double drifting(int batch) {
  return batch % 6 < 3 ? 0.01 : 0.3;
}  // incidents hit both sides

double with_odds_ratio(double p, double ratio) {
  const double odds = ratio * p / (1 - p);
  return odds / (1 + odds);
}

constexpr int kBatchesPerRun = 20;

class SequentialNull : public ::testing::TestWithParam<SequentialNullCase> {};

// Every batch is looked at: the judge checks the bound after each one and latches a crossing,
// so the final classification says whether any look would have raised the alarm. One judge
// tests an increase; where asked, a second one either direction, on the same outcomes.
TEST_P(SequentialNull, FalseAlarmsStayWithinTheBound) {
  const auto& c = GetParam();
  CompareSpec increase;
  increase.judge = JudgeKind::Sequential;
  increase.confidence = c.confidence;
  increase.allowedIncrease = c.allowed;
  increase.allowedDecrease = 1 / c.allowed;
  CompareSpec either = increase;
  either.direction = Direction::Either;
  using Binomial = std::binomial_distribution<std::int64_t>;
  std::vector<std::pair<Binomial, Binomial>> per_batch;  // canary, baseline
  for (int b = 0; b < kBatchesPerRun; ++b) {
    const double p = c.baseline_rate(b);
    per_batch.emplace_back(Binomial(c.canary_per_batch, with_odds_ratio(p, c.odds_ratio)),
                           Binomial(c.baseline_per_batch, p));
  }
  std::mt19937_64 rng(99);
  int increase_alarms = 0, either_alarms = 0;
  for (int run = 0; run < kNullRuns; ++run) {
    SequentialJudge up(increase), both(either);
    for (auto& [canary, baseline] : per_batch) {
      const std::int64_t f_c = canary(rng), f_b = baseline(rng);
      up.observe(c.canary_per_batch, f_c, c.baseline_per_batch, f_b);
      if (c.also_either) both.observe(c.canary_per_batch, f_c, c.baseline_per_batch, f_b);
    }
    increase_alarms += up.decide().bad;
    if (c.also_either) either_alarms += both.decide().bad;
  }
  const double bound = 1 - c.confidence;
  const double up_rate = static_cast<double>(increase_alarms) / kNullRuns;
  const double both_rate = static_cast<double>(either_alarms) / kNullRuns;
  std::printf("  %s: false-alarm rate increase %.4f", c.name, up_rate);
  if (c.also_either) std::printf(", either %.4f", both_rate);
  std::printf(" (bound %.3f)\n", bound);
  RecordProperty("false_alarm_rate_increase", std::to_string(up_rate));
  EXPECT_LE(up_rate, with_tolerance(bound, kNullRuns));
  EXPECT_LE(both_rate, with_tolerance(bound, kNullRuns));
}

INSTANTIATE_TEST_SUITE_P(
    Runs, SequentialNull,
    ::testing::Values(SequentialNullCase{"EqualRates", 30, 30, steady, 1.0, 1.0, 0.9, true},
                      // The canary exactly as much worse as tolerated: still the null.
                      SequentialNullCase{"AtTheTolerance", 30, 30, steady, 1.2, 1.2, 0.9, false},
                      // The shared rate jumps 30-fold every few batches, and the canary (10% of
                      // traffic) is compared with a stable fleet four times its size.
                      SequentialNullCase{"DriftingRateAgainstStable", 10, 40, drifting, 1.0, 1.0,
                                         0.9, true}),
    [](const auto& info) { return info.param.name; });

TEST(SequentialPower, BrokenCanaryIsStoppedWithinAFewDozenRequests) {
  // 0.1% -> 20% errors; 10% canary and 10% baseline weight at 500 rps, 100 ms batches.
  CompareSpec spec;
  spec.judge = JudgeKind::Sequential;
  spec.confidence = 0.99;
  std::mt19937_64 rng(5);
  std::binomial_distribution<std::int64_t> canary(5, 0.2), baseline(5, 0.001);
  std::vector<std::int64_t> needed;
  for (int run = 0; run < 2000; ++run) {
    SequentialJudge judge(spec);
    std::int64_t requests = 0;
    while (judge.decide().classification != JudgeClass::High && requests < 5000) {
      judge.observe(5, canary(rng), 5, baseline(rng));
      requests += 5;
    }
    needed.push_back(requests);
  }
  std::sort(needed.begin(), needed.end());
  const auto median = needed[needed.size() / 2], p95 = needed[needed.size() * 95 / 100];
  std::printf("  canary requests to flag: median %lld, p95 %lld, max %lld\n",
              static_cast<long long>(median), static_cast<long long>(p95),
              static_cast<long long>(needed.back()));
  EXPECT_LE(median, 60);
  EXPECT_LE(p95, 120);
  EXPECT_LT(needed.back(), 5000);  // every run flagged
}

TEST(SequentialPower, DoubledErrorRateIsFoundEventually) {
  // 1% -> 2% errors (odds ratio ~2) against the default 1.2x tolerance.
  CompareSpec spec;
  spec.judge = JudgeKind::Sequential;
  std::mt19937_64 rng(11);
  std::binomial_distribution<std::int64_t> canary(100, 0.02), baseline(100, 0.01);
  int flagged = 0;
  for (int run = 0; run < 200; ++run) {
    SequentialJudge judge(spec);
    for (int b = 0; b < 200; ++b) judge.observe(100, canary(rng), 100, baseline(rng));
    if (judge.decide().classification == JudgeClass::High) ++flagged;
  }
  std::printf("  flagged within 20,000 canary requests: %d of 200\n", flagged);
  EXPECT_GE(flagged, 190);
}

}  // namespace
}  // namespace rollguard
