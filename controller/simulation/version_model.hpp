#pragma once
// How one version behaves per request over time (docs/manifest.md, Scenario `spec.versions`): a
// base error rate and a log-normal latency fitted through p50 and p99, changed by faults that
// switch on `at` after the version starts serving. Pure; times are "since serving started".
#include <optional>
#include <vector>

#include "manifests/scenario_spec.hpp"

namespace rollguard::sim {

struct VersionState {
  double error_rate = 0;
  double latency_factor = 1;
  bool crashed = false;
  int regime = 0;  // how many faults have switched on: an index for latency bookkeeping
};

class VersionModel {
 public:
  explicit VersionModel(const VersionBehaviour& behaviour);

  VersionState at(Duration since_serving) const;
  // The first change strictly after `since_serving`, if any.
  std::optional<Duration> next_change(Duration since_serving) const;
  std::optional<Duration> crash_at() const;
  int regimes() const { return static_cast<int>(states_.size()); }
  const VersionState& regime(int index) const { return states_[static_cast<std::size_t>(index)]; }

  // Log-normal of latency in milliseconds: ln L ~ N(mu, sigma); sigma 0 when p99 <= p50.
  double mu() const { return mu_; }
  double sigma() const { return sigma_; }
  // The scenario's p50 and p99 (ms) before any latency factor, as written: two versions with
  // the same profile compare equal, which values fitted back from mu and sigma might not.
  double p50_ms() const { return p50_ms_; }
  double p99_ms() const { return p99_ms_; }
  // The latency (ms) at probability `u` in regime `index`.
  double latency_quantile(double u, int index) const;

 private:
  std::vector<Duration> onsets_;      // sorted fault onsets
  std::vector<VersionState> states_;  // states_[k]: after k onsets
  double mu_ = 0, sigma_ = 0;
  double p50_ms_ = 0, p99_ms_ = 0;
};

// Φ⁻¹(u), the standard normal quantile, for u in (0, 1).
double normal_quantile(double u);

}  // namespace rollguard::sim
