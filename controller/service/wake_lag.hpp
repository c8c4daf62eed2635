#pragma once
// How late the rollouts' timer wake-ups run after they were due: the lag of the control loop,
// exposed on /metrics as rollguard_control_loop_lag_seconds. Thread-safe: observed from every
// rollout's strand, read at scrape time.
#include <mutex>

#include "controller/service/metrics_text.hpp"
#include "manifests/time.hpp"

namespace rollguard {

class WakeLag {
 public:
  void observe(Duration late);
  HistogramData snapshot() const;

 private:
  mutable std::mutex mutex_;
  HistogramData histogram_{{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}};
};

}  // namespace rollguard
