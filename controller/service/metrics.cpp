#include "controller/service/metrics.hpp"

#include <chrono>

namespace rollguard {
namespace {

const std::vector<double> kLatencyBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                         0.05,   0.1,   0.25,   0.5,   1,    2.5};
const std::vector<double> kRestoreBounds{1, 5, 10, 30, 60, 120, 300, 600, 1800};

}  // namespace

ServiceMetrics::ServiceMetrics(RolloutService& service, std::shared_ptr<const WakeLag> wake_lag)
    : service_(service), wake_lag_(std::move(wake_lag)), time_to_restore_(kRestoreBounds) {
  subscription_ =
      service_.subscribe([this](const StoredEvent& e, const RolloutStatus& s) { on_event(e, s); });
}

ServiceMetrics::~ServiceMetrics() {
  service_.unsubscribe(subscription_);
}

void ServiceMetrics::observe_request(const std::string& method, const std::string& route,
                                     int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  auto [it, added] = latency_.try_emplace({method, route}, kLatencyBounds);
  it->second.observe(seconds);
}

void ServiceMetrics::on_event(const StoredEvent& e, const RolloutStatus& status) {
  std::lock_guard lock(mutex_);
  // Verdicts are counted as they appear in the rollout's state: a verdict the state drops
  // (an analysis run again) and gets back counts again.
  auto& seen = seen_verdicts_[e.rollout];
  for (const auto& [id, verdict] : status.state.verdicts) {
    auto it = seen.find(id);
    if (it == seen.end() || it->second != verdict) ++verdicts_[verdict];
  }
  seen = status.state.verdicts;
  if (e.event.kind == EventKind::PhaseChanged && e.event.phase == Phase::RolledBack) {
    ++rollbacks_;
    if (status.state.rollbackStartedAt != TimePoint{} &&
        e.event.at >= status.state.rollbackStartedAt)
      time_to_restore_.observe(
          std::chrono::duration<double>(e.event.at - status.state.rollbackStartedAt).count());
  }
}

std::string ServiceMetrics::exposition() const {
  const std::vector<RolloutStatus> rollouts = service_.list();
  MetricsText m;
  std::map<Phase, int> by_phase;
  for (Phase p : kPhases) by_phase[p] = 0;
  for (const RolloutStatus& r : rollouts) ++by_phase[r.state.phase];
  m.family("rollguard_rollouts", "gauge", "Rollouts managed, by phase.");
  for (const auto& [phase, count] : by_phase)
    m.sample("rollguard_rollouts", {{"phase", std::string(to_string(phase))}}, count);

  m.family("rollguard_rollout_step", "gauge",
           "Number of the current step (1-based, as in the API; 0 before the first).");
  for (const RolloutStatus& r : rollouts)
    m.sample("rollguard_rollout_step", {{"rollout", r.name}},
             static_cast<double>(step_number(r.state)));
  m.family("rollguard_rollout_steps", "gauge", "Steps in each rollout's compiled program.");
  for (const RolloutStatus& r : rollouts)
    m.sample("rollguard_rollout_steps", {{"rollout", r.name}}, static_cast<double>(r.steps));
  m.family("rollguard_rollout_canary_weight", "gauge",
           "Percent of requests the router verifiably sends to the canary.");
  for (const RolloutStatus& r : rollouts)
    m.sample("rollguard_rollout_canary_weight", {{"rollout", r.name}}, r.state.applied.canary);

  if (wake_lag_) {
    m.family("rollguard_control_loop_lag_seconds", "histogram",
             "How late rollouts' timer wake-ups ran after they were due.");
    m.histogram("rollguard_control_loop_lag_seconds", {}, wake_lag_->snapshot());
  }

  std::lock_guard lock(mutex_);
  m.family("rollguard_analysis_verdicts_total", "counter", "Analysis verdicts reached.");
  for (Verdict v : {Verdict::Successful, Verdict::Inconclusive, Verdict::Error, Verdict::Failed}) {
    const auto it = verdicts_.find(v);
    m.sample("rollguard_analysis_verdicts_total", {{"verdict", std::string(to_string(v))}},
             static_cast<double>(it == verdicts_.end() ? 0 : it->second));
  }
  m.family("rollguard_rollbacks_total", "counter", "Rollouts that reached RolledBack.");
  m.sample("rollguard_rollbacks_total", {}, static_cast<double>(rollbacks_));
  m.family("rollguard_time_to_restore_seconds", "histogram",
           "From the start of a rollback to the known-good version serving all traffic.");
  m.histogram("rollguard_time_to_restore_seconds", {}, time_to_restore_);

  m.family("rollguard_api_requests_total", "counter", "API requests answered.");
  for (const auto& [key, count] : requests_)
    m.sample("rollguard_api_requests_total",
             {{"method", std::get<0>(key)},
              {"route", std::get<1>(key)},
              {"code", std::to_string(std::get<2>(key))}},
             static_cast<double>(count));
  m.family("rollguard_api_request_duration_seconds", "histogram",
           "API request latency, from the end of the headers to the end of the response.");
  for (const auto& [key, histogram] : latency_)
    m.histogram("rollguard_api_request_duration_seconds",
                {{"method", key.first}, {"route", key.second}}, histogram);
  return m.text();
}

}  // namespace rollguard
