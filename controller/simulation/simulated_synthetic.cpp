#include "controller/simulation/simulated_synthetic.hpp"

#include <cmath>

#include "controller/simulation/sim_endpoint.hpp"
#include "manifests/duration.hpp"

namespace rollguard::sim {

void SimulatedSynthetic::run(const SyntheticSpec& spec, SyntheticCall call,
                             std::function<void(SyntheticResult)> done) {
  const TimePoint now = scheduler_.now();
  const int version = call.endpoint == kRouterEndpoint
                          ? kCanaryVersion
                          : model_.version_index(version_of_endpoint(call.endpoint));
  const VersionState st = model_.state(version, now);
  const VersionModel& m = model_.model(version);
  SyntheticResult result;
  result.vars = call.vars;
  if (spec.steps.empty()) result.reason = "synthetic transaction has no steps";
  for (std::size_t i = 0; i < spec.steps.size() && result.reason.empty(); ++i) {
    const SyntheticStepSpec& step = spec.steps[i];
    const std::string label =
        "step " + std::to_string(i + 1) + " " + step.request.method + " " + step.request.path;
    if (st.crashed) {
      result.reason = label + ": connect to " + call.endpoint + ": connection refused";
      break;
    }
    const bool failed = random_.uniform() < st.error_rate;
    const int status = failed ? 500 : step.expect.status.value_or(200);
    const auto latency = Duration{
        static_cast<std::int64_t>(std::floor(m.latency_quantile(random_.uniform(), st.regime)))};
    if (latency >= spec.timeout) {
      result.reason = label + ": timed out after " + format_duration(spec.timeout);
      break;
    }
    result.latencies.push_back(latency);
    if (step.expect.status && status != *step.expect.status) {
      result.reason = label + ": expected status " + std::to_string(*step.expect.status) +
                      ", got " + std::to_string(status);
    } else if (step.expect.latencyBelow && latency >= *step.expect.latencyBelow) {
      result.reason = label + ": expected latency below " +
                      format_duration(*step.expect.latencyBelow) + ", took " +
                      format_duration(latency);
    }
  }
  result.ok = result.reason.empty();
  scheduler_.post([done = std::move(done), result = std::move(result)] { done(result); });
}

}  // namespace rollguard::sim
