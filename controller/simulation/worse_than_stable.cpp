#include "controller/simulation/worse_than_stable.hpp"

#include <algorithm>

#include "health/judges/judge_result.hpp"

namespace rollguard::sim {

ServedBehaviour served_behaviour(const VersionModel& model, const VersionState& state) {
  ServedBehaviour b;
  b.crashed = state.crashed;
  b.failure_rate = state.crashed ? 1.0 : std::clamp(state.error_rate, 0.0, 1.0);
  b.p50_ms = model.p50_ms() * state.latency_factor;
  b.p99_ms = model.p99_ms() * state.latency_factor;
  return b;
}

StableComparison compare_with_stable(const ServedBehaviour& version,
                                     const ServedBehaviour& stable) {
  StableComparison c;
  if (version.crashed) {
    c.crashed = !stable.crashed;  // both down: the change costs nothing more
    return c;
  }
  c.failures = version.failure_rate > stable.failure_rate;
  if (!stable.crashed) {  // latency of no answers means nothing
    c.latency_p50 = version.p50_ms > stable.p50_ms;
    c.latency_p99 = version.p99_ms > stable.p99_ms;
  }
  return c;
}

std::string describe(const StableComparison& c, const ServedBehaviour& version,
                     const ServedBehaviour& stable) {
  if (c.crashed) return "crashed";
  std::string out;
  const auto add = [&](const std::string& what, double v, double s, const char* unit) {
    out += (out.empty() ? "" : ", ") + what + " " + format_number(v) + unit + " vs stable's " +
           format_number(s) + unit;
  };
  if (c.failures) add("error rate", version.failure_rate, stable.failure_rate, "");
  if (c.latency_p50) add("p50", version.p50_ms, stable.p50_ms, "ms");
  if (c.latency_p99) add("p99", version.p99_ms, stable.p99_ms, "ms");
  return out;
}

}  // namespace rollguard::sim
