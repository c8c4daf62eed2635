#include "controller/simulation/model_outcomes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "health/providers/builtin/bucket_span.hpp"
#include "health/providers/builtin/builtin_provider.hpp"
#include "health/providers/builtin/latency_histogram.hpp"

namespace rollguard::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kSampleCap = 5000;  // OutcomeWindow::latency_samples' default

bool is_latency(BuiltinQuery q) {
  return q == BuiltinQuery::LatencyP50 || q == BuiltinQuery::LatencyP90 ||
         q == BuiltinQuery::LatencyP99;
}

double quantile_of(BuiltinQuery q) {
  return q == BuiltinQuery::LatencyP50 ? 0.50 : q == BuiltinQuery::LatencyP90 ? 0.90 : 0.99;
}

void merge(std::vector<RegimeCount>& into, const RegimeCount& r) {
  if (r.key < 0 || r.count == 0) return;
  for (RegimeCount& x : into)
    if (x.key == r.key) {
      x.count += r.count;
      return;
    }
  into.push_back(r);
}

}  // namespace

double at_histogram_resolution(double millis) {
  const auto whole = static_cast<std::int64_t>(std::floor(std::max(0.0, millis)));
  return LatencyHistogram::representative(
      LatencyHistogram::bin_of(std::min(whole, LatencyHistogram::kMaxValue)));
}

std::int64_t WindowCounts::responses() const {
  std::int64_t n = 0;
  for (const RegimeCount& r : responded) n += r.count;
  return n;
}

ModelOutcomes::ModelOutcomes(TrafficModel& model, std::uint64_t seed, OutcomeWindowOptions options)
    : model_(model), random_(seed), options_(options) {}

WindowCounts ModelOutcomes::counts(Role role, TimePoint end, Duration window) const {
  return tally(role, end, window, true);
}

// `regimes`: also the responses per latency regime (only latency queries need them).
WindowCounts ModelOutcomes::tally(Role role, TimePoint end, Duration window, bool regimes) const {
  model_.advance_to(end);
  const BucketSpan s = bucket_span(end, window, options_.bucket, options_.horizon);
  WindowCounts out;
  out.from = s.from;
  out.to = s.to;
  if (regimes) out.responded.reserve(4);  // a regime per version and fault: rarely more
  for (std::int64_t i = s.first; i <= s.last; ++i) {
    const TrafficBucket* b = model_.find(role, i);
    if (!b) continue;
    out.requests += b->requests;
    out.failures += b->failures;
    out.connection_errors += b->connection_errors;
    if (regimes)
      for (const RegimeCount& r : b->responded) merge(out.responded, r);
  }
  return out;
}

double ModelOutcomes::mixture_quantile(const std::vector<RegimeCount>& responded, double u) const {
  auto regime = [&](const RegimeCount& r) {
    return std::pair{&model_.model(r.key / 64), r.key % 64};
  };
  if (responded.size() == 1) {
    auto [m, k] = regime(responded.front());
    return m->latency_quantile(u, k);
  }
  // Bisection on the log of the latency: Σ wᵢ Fᵢ(x) = u.
  double total = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const RegimeCount& r : responded) {
    auto [m, k] = regime(r);
    const double centre = m->mu() + std::log(m->regime(k).latency_factor);
    lo = std::min(lo, centre - 9 * m->sigma() - 1e-9);
    hi = std::max(hi, centre + 9 * m->sigma() + 1e-9);
    total += static_cast<double>(r.count);
  }
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    double cdf = 0;
    for (const RegimeCount& r : responded) {
      auto [m, k] = regime(r);
      const double centre = m->mu() + std::log(m->regime(k).latency_factor);
      const double p = m->sigma() > 0 ? 0.5 * std::erfc(-(mid - centre) / (m->sigma() * M_SQRT2))
                                      : (mid >= centre ? 1.0 : 0.0);
      cdf += static_cast<double>(r.count) / total * p;
    }
    (cdf < u ? lo : hi) = mid;
  }
  return std::exp((lo + hi) / 2);
}

// The r-th smallest of n draws is F⁻¹(U₍ᵣ₎) with U₍ᵣ₎ ~ Beta(r, n - r + 1).
double ModelOutcomes::latency_quantile(const std::vector<RegimeCount>& responded, double q) const {
  std::int64_t n = 0;
  for (const RegimeCount& r : responded) n += r.count;
  if (n == 0) return kNaN;
  q = std::clamp(q, 0.0, 1.0);
  const double exact_rank = std::ceil(q * static_cast<double>(n) - 1e-9);
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(exact_rank));
  const double u = random_.beta(static_cast<double>(rank), static_cast<double>(n - rank + 1));
  return at_histogram_resolution(mixture_quantile(responded, u));
}

// What OutcomeWindow::latency_samples returns: every response's latency when there are at
// most kSampleCap, else kSampleCap evenly spaced order statistics of them.
std::vector<double> ModelOutcomes::latency_samples(
    const std::vector<RegimeCount>& responded) const {
  std::int64_t n = 0;
  for (const RegimeCount& r : responded) n += r.count;
  std::vector<double> out;
  if (n == 0) return out;
  if (n <= static_cast<std::int64_t>(kSampleCap)) {
    out.reserve(static_cast<std::size_t>(n));
    for (const RegimeCount& r : responded) {
      const VersionModel& m = model_.model(r.key / 64);
      const double log_factor = std::log(m.regime(r.key % 64).latency_factor);
      for (std::int64_t i = 0; i < r.count; ++i)
        out.push_back(
            at_histogram_resolution(std::exp(m.mu() + log_factor + m.sigma() * random_.normal())));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  out.reserve(kSampleCap);
  const double nd = static_cast<double>(n), cap = static_cast<double>(kSampleCap);
  double u = 0;
  std::int64_t previous = 0;
  for (std::size_t j = 0; j < kSampleCap; ++j) {
    const auto rank =
        static_cast<std::int64_t>(std::ceil((static_cast<double>(j) + 0.5) * nd / cap));
    if (rank > previous) {  // U₍ᵣ₎ given U₍ₚ₎: u + (1 - u) · Beta(r - p, n - r + 1)
      u += (1 - u) *
           random_.beta(static_cast<double>(rank - previous), static_cast<double>(n - rank + 1));
      previous = rank;
    }
    out.push_back(at_histogram_resolution(mixture_quantile(responded, std::min(u, 1 - 1e-16))));
  }
  return out;
}

MetricReading ModelOutcomes::reading(Role role, BuiltinQuery query, TimePoint end,
                                     Duration window) const {
  const WindowCounts c = tally(role, end, window, is_latency(query));
  MetricReading r;
  double value = kNaN;
  std::int64_t samples = c.requests;
  switch (query) {
    case BuiltinQuery::RequestRate:
      if (c.requests > 0 && c.to > c.from)
        value = static_cast<double>(c.requests) / seconds(c.to - c.from);
      break;
    case BuiltinQuery::ErrorRate:
      if (c.requests > 0) value = static_cast<double>(c.failures) / static_cast<double>(c.requests);
      break;
    default:
      samples = c.responses();
      value = latency_quantile(c.responded, quantile_of(query));
      break;
  }
  r.value = {value};
  r.samples = samples;
  return r;
}

std::vector<double> ModelOutcomes::samples(Role role, BuiltinQuery query, TimePoint end,
                                           Duration window) const {
  if (is_latency(query)) return latency_samples(counts(role, end, window).responded);
  model_.advance_to(end);
  const BucketSpan s = bucket_span(end, window, options_.bucket, options_.horizon);
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(s.last - s.first + 1));
  const std::int64_t bucket_ms = options_.bucket.count();
  for (std::int64_t i = s.first; i <= s.last; ++i) {
    const TrafficBucket* b = model_.find(role, i);
    const std::int64_t requests = b ? b->requests : 0, failures = b ? b->failures : 0;
    const TimePoint from{Duration{i * bucket_ms}};
    const TimePoint to = std::min(s.to, TimePoint{Duration{(i + 1) * bucket_ms}});
    double v = kNaN;
    if (query == BuiltinQuery::RequestRate && to > from)
      v = static_cast<double>(requests) / seconds(to - from);
    if (query == BuiltinQuery::ErrorRate && requests > 0)
      v = static_cast<double>(failures) / static_cast<double>(requests);
    if (!std::isnan(v)) out.push_back(v);
  }
  return out;
}

void ModelOutcomes::batches(Role role, TimePoint end, Duration window,
                            std::vector<OutcomeBatch>& out) const {
  model_.advance_to(end);
  const BucketSpan s = bucket_span(end, window, options_.bucket, options_.horizon);
  out.clear();
  for (std::int64_t i = s.first; i <= s.last; ++i) {
    const TrafficBucket* b = model_.find(role, i);
    if (!b || b->requests == 0) continue;
    out.push_back({TimePoint{Duration{i * options_.bucket.count()}}, b->requests, b->failures});
  }
}

TimePoint ModelOutcomes::next_evidence(Role canary, Role compared, TimePoint fed_until) const {
  const std::int64_t bucket_ms = options_.bucket.count();
  TimePoint due = fed_until + std::min(Duration{1min}, options_.horizon / 2);
  for (Role role : {canary, compared}) {
    if (const auto failure = model_.next_failure(role)) {
      const std::int64_t index = floor_div(failure->time_since_epoch().count(), bucket_ms);
      due = std::min(due, TimePoint{Duration{(index + 1) * bucket_ms}});
    }
  }
  return std::max(due, fed_until + options_.bucket);
}

}  // namespace rollguard::sim
