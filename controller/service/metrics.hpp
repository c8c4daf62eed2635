#pragma once
// The service's /metrics (docs/api.md lists the names). Gauges about rollouts are read from
// the service at scrape time; counters and histograms come from its events and from the API's
// requests as they happen.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "controller/service/metrics_text.hpp"
#include "controller/service/rollout_service.hpp"
#include "controller/service/wake_lag.hpp"

namespace rollguard {

class ServiceMetrics {
 public:
  // Subscribes to the service's events; unsubscribes when destroyed.
  // `wake_lag`: the controller's, exposed when given.
  explicit ServiceMetrics(RolloutService& service, std::shared_ptr<const WakeLag> wake_lag = {});
  ~ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // `route` is the route's pattern (bounded label values), "unmatched" for the rest.
  void observe_request(const std::string& method, const std::string& route, int status,
                       double seconds);

  std::string exposition() const;

 private:
  void on_event(const StoredEvent& event, const RolloutStatus& status);

  RolloutService& service_;
  const std::shared_ptr<const WakeLag> wake_lag_;
  std::uint64_t subscription_ = 0;
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, HistogramData> latency_;
  std::map<Verdict, std::uint64_t> verdicts_;
  std::map<std::string, std::map<std::string, Verdict>> seen_verdicts_;  // per rollout
  std::uint64_t rollbacks_ = 0;
  HistogramData time_to_restore_;
};

}  // namespace rollguard
