#pragma once
// A/A traffic for the sequential judge, as the analysis runner feeds it live: the canary's and
// the stable fleet's outcomes per 100 ms batch (OutcomeWindowOptions::batch), every batch
// looked at (the judge latches a crossing), for hours. Both sides fail alike, so any High is
// a false alarm; the judge promises at most 1 - confidence of them however long it runs.
//
// Drawn per failure, not per request: requests arrive evenly spaced (a steady load; the
// judge conditions on the counts, so its promise holds for any arrival pattern) and each
// fails with the same probability, so the gaps between failures on each side are geometric.
// A batch without a failure carries no evidence (the judge skips it), so the draw jumps from
// one failure to the next and hands the judge only the batches that hold one — with the
// batch's request counts, which even spacing makes repeat, as live traffic's do. Six hours at
// 1,000 rps are then ~130,000 judge calls per run instead of 21.6 million requests.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "health/judges/sequential_judge.hpp"

namespace rollguard::testing {

struct AaTraffic {
  double rps = 100;            // all requests, canary and stable
  double canary_weight = 0.1;  // the canary's share (whole requests a second per side)
  double error_rate = 0.01;    // both sides'
  Duration horizon = std::chrono::hours(6);
  Duration batch = std::chrono::milliseconds(100);  // a whole fraction of a second
};

struct AaOutcome {
  int runs = 0;
  int alarms = 0;               // runs judged High at any batch
  double evidence_batches = 0;  // per run, on average: batches handed to the judge
  double rate() const { return runs > 0 ? static_cast<double>(alarms) / runs : 0; }
};

inline AaOutcome sequential_aa(const CompareSpec& spec, const AaTraffic& traffic, int runs,
                               std::uint64_t seed) {
  // Integers throughout, so that a request's batch and a batch's count agree exactly: side
  // s has per_second[s] requests a second, evenly spaced; request j falls in batch
  // floor(j * per_batch_den / per_second), batch b holds ceil(r (b+1)) - ceil(r b) of them.
  const std::int64_t den = std::chrono::seconds(1) / traffic.batch;  // batches per second
  const std::int64_t per_second[2] = {std::llround(traffic.rps * traffic.canary_weight),
                                      std::llround(traffic.rps * (1 - traffic.canary_weight))};
  const auto batch_of = [&](int side, std::int64_t j) {
    return per_second[side] > 0 ? j * den / per_second[side]
                                : std::numeric_limits<std::int64_t>::max();
  };
  const auto ceil_div = [](std::int64_t a, std::int64_t b) { return (a + b - 1) / b; };
  const auto requests_in = [&](int side, std::int64_t b) {
    return ceil_div(per_second[side] * (b + 1), den) - ceil_div(per_second[side] * b, den);
  };
  const std::int64_t batches = traffic.horizon / traffic.batch;
  std::mt19937_64 rng(seed);
  std::geometric_distribution<std::int64_t> gap(traffic.error_rate);  // requests between failures
  AaOutcome out;
  out.runs = runs;
  std::int64_t handed = 0;
  for (int run = 0; run < runs; ++run) {
    SequentialJudge judge(spec);
    std::int64_t next[2] = {gap(rng), gap(rng)};  // each side's next failing request
    for (;;) {
      const std::int64_t b = std::min(batch_of(0, next[0]), batch_of(1, next[1]));
      if (b >= batches) break;
      std::int64_t failed[2] = {0, 0};
      for (int side : {0, 1}) {
        while (batch_of(side, next[side]) == b) {
          ++failed[side];
          next[side] += 1 + gap(rng);
        }
      }
      judge.observe(requests_in(0, b), failed[0], requests_in(1, b), failed[1]);
      ++handed;
      if (judge.crossed()) break;  // latched: every later look says the same
    }
    out.alarms += judge.crossed();
  }
  out.evidence_batches = static_cast<double>(handed) / runs;
  return out;
}

}  // namespace rollguard::testing
