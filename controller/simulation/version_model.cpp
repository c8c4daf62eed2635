#include "controller/simulation/version_model.hpp"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>

namespace rollguard::sim {
namespace {
constexpr double kZ99 = 2.3263478740408408;  // Φ⁻¹(0.99)
}

double normal_quantile(double u) {
  return -std::sqrt(2.0) * boost::math::erfc_inv(2 * u);
}

VersionModel::VersionModel(const VersionBehaviour& b) {
  const double p50 = std::max(1e-3, static_cast<double>(b.latency.p50.count()));
  const double p99 = static_cast<double>(b.latency.p99.count());
  p50_ms_ = p50;
  p99_ms_ = std::max(p50, p99);  // p99 <= p50: every request takes p50
  mu_ = std::log(p50);
  sigma_ = p99 > p50 ? std::log(p99 / p50) / kZ99 : 0.0;

  std::vector<Fault> faults = b.faults;
  std::stable_sort(faults.begin(), faults.end(),
                   [](const Fault& x, const Fault& y) { return x.at < y.at; });
  VersionState s;
  s.error_rate = b.errorRate;
  states_.push_back(s);
  for (const Fault& f : faults) {
    if (f.errorRate) s.error_rate = *f.errorRate;
    if (f.latencyFactor) s.latency_factor = *f.latencyFactor;
    s.crashed = s.crashed || f.crash;
    ++s.regime;
    onsets_.push_back(f.at);
    states_.push_back(s);
  }
}

VersionState VersionModel::at(Duration since) const {
  const auto k = std::upper_bound(onsets_.begin(), onsets_.end(), since) - onsets_.begin();
  return states_[static_cast<std::size_t>(k)];
}

std::optional<Duration> VersionModel::next_change(Duration since) const {
  auto it = std::upper_bound(onsets_.begin(), onsets_.end(), since);
  if (it == onsets_.end()) return std::nullopt;
  return *it;
}

std::optional<Duration> VersionModel::crash_at() const {
  for (std::size_t k = 1; k < states_.size(); ++k)
    if (states_[k].crashed) return onsets_[k - 1];
  return std::nullopt;
}

double VersionModel::latency_quantile(double u, int index) const {
  const double factor = regime(index).latency_factor;
  if (sigma_ == 0) return std::exp(mu_) * factor;
  return std::exp(mu_ + sigma_ * normal_quantile(u)) * factor;
}

}  // namespace rollguard::sim
