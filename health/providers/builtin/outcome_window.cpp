#include "health/providers/builtin/outcome_window.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "health/providers/builtin/bucket_span.hpp"
#include "health/providers/builtin/builtin_provider.hpp"

namespace rollguard {

namespace {

std::size_t slot_of(std::int64_t index, std::size_t size) {
  const auto n = static_cast<std::int64_t>(size);
  return static_cast<std::size_t>(index - floor_div(index, n) * n);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double WindowStats::error_rate() const {
  if (requests == 0) return kNaN;
  return static_cast<double>(failures) / static_cast<double>(requests);
}

double WindowStats::request_rate() const {
  const double span = seconds(to - from);
  if (span <= 0) return kNaN;
  return static_cast<double>(requests) / span;
}

OutcomeWindow::OutcomeWindow(OutcomeWindowOptions options)
    : options_(options), bucket_ms_(options.bucket.count()), batch_ms_(options.batch.count()) {
  if (bucket_ms_ <= 0 || batch_ms_ <= 0)
    throw std::invalid_argument("outcome window: bucket and batch must be positive");
  if (options.horizon < options.bucket)
    throw std::invalid_argument("outcome window: horizon must cover at least one bucket");
  // One extra bucket so a full-horizon window still fits while the newest bucket fills.
  const auto count = static_cast<std::size_t>(ceil_div(options.horizon.count(), bucket_ms_)) + 1;
  const auto tallies = static_cast<std::size_t>(
      std::max<std::int64_t>(1, ceil_div(options.batch_horizon.count(), batch_ms_)));
  for (auto& l : lanes_) {
    l.buckets.resize(count);
    l.tallies.resize(tallies);
  }
}

void OutcomeWindow::record(const RequestOutcome& outcome) {
  const std::int64_t index = floor_div(outcome.at.time_since_epoch().count(), bucket_ms_);
  Lane& l = lanes_[static_cast<std::size_t>(outcome.role)];
  const std::size_t slot = slot_of(index, l.buckets.size());
  const bool responded = !outcome.connection_error && outcome.status != 0;

  std::lock_guard lock(l.mutex);
  if (index <= l.newest - static_cast<std::int64_t>(l.buckets.size())) {
    // Older than the horizon behind the newest outcome: its bucket may hold newer data.
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  l.newest = std::max(l.newest, index);
  Bucket& b = l.buckets[slot];
  if (b.index != index) {
    b.index = index;
    b.requests = b.failures = b.connection_errors = 0;
    if (b.latency) b.latency->clear();
  }
  ++b.requests;
  if (outcome.failed()) ++b.failures;
  const std::int64_t batch = floor_div(outcome.at.time_since_epoch().count(), batch_ms_);
  Tally& t = l.tallies[slot_of(batch, l.tallies.size())];
  if (t.index != batch) t = Tally{batch};
  ++t.requests;
  t.failures += outcome.failed();
  if (outcome.connection_error) ++b.connection_errors;
  if (responded) {
    if (!b.latency) b.latency = std::make_unique<LatencyHistogram>();
    b.latency->add(outcome.latency.count());
  }
}

void OutcomeWindow::accumulate(const Lane& l, std::int64_t index, WindowStats& out) const {
  const Bucket& b = l.buckets[slot_of(index, l.buckets.size())];
  // Locked per bucket, not per window: a long query must not stall the router's threads.
  std::lock_guard lock(l.mutex);
  if (!l.holds(b, index)) return;
  out.requests += b.requests;
  out.failures += b.failures;
  out.connection_errors += b.connection_errors;
  if (b.latency) out.latency.merge(*b.latency);
}

WindowStats OutcomeWindow::stats(Role role, TimePoint end, Duration window) const {
  const BucketSpan s = bucket_span(end, window, options_.bucket, options_.horizon);
  WindowStats out;
  out.from = s.from;
  out.to = s.to;
  for (std::int64_t i = s.first; i <= s.last; ++i) accumulate(lane(role), i, out);
  return out;
}

MetricReading OutcomeWindow::reading(Role role, BuiltinQuery query, TimePoint end,
                                     Duration window) const {
  return builtin_reading(stats(role, end, window), query);
}

std::vector<double> OutcomeWindow::samples(Role role, BuiltinQuery query, TimePoint end,
                                           Duration window) const {
  const bool latency = query == BuiltinQuery::LatencyP50 || query == BuiltinQuery::LatencyP90 ||
                       query == BuiltinQuery::LatencyP99;
  return latency ? latency_samples(role, end, window)
                 : interval_samples(role, query, end, window, options_.bucket);
}

void OutcomeWindow::batches(Role role, TimePoint end, Duration window,
                            std::vector<OutcomeBatch>& out) const {
  const std::int64_t end_ms = end.time_since_epoch().count();
  const std::int64_t last = floor_div(end_ms, batch_ms_) - 1;
  const auto kept = static_cast<std::int64_t>(lane(role).tallies.size());
  const std::int64_t first =
      std::max(ceil_div(end_ms - window.count(), batch_ms_), last - kept + 1);
  out.clear();
  const Lane& l = lane(role);
  std::lock_guard lock(l.mutex);
  for (std::int64_t i = first; i <= last; ++i) {
    const Tally& t = l.tallies[slot_of(i, l.tallies.size())];
    if (t.index != i || t.requests == 0) continue;  // recycled for a newer batch, or empty
    out.push_back({TimePoint{Duration{i * batch_ms_}}, t.requests, t.failures});
  }
}

std::vector<double> OutcomeWindow::interval_samples(Role role, BuiltinQuery query, TimePoint end,
                                                    Duration window, Duration every) const {
  const BucketSpan s = bucket_span(end, window, options_.bucket, options_.horizon);
  const std::int64_t per = std::max<std::int64_t>(1, every.count() / bucket_ms_);
  std::vector<double> out;
  for (std::int64_t first = s.first; first <= s.last; first += per) {
    WindowStats part;
    part.from = TimePoint{Duration{first * bucket_ms_}};
    const std::int64_t last = std::min(first + per - 1, s.last);
    part.to = std::min(s.to, TimePoint{Duration{(last + 1) * bucket_ms_}});
    for (std::int64_t i = first; i <= last; ++i) accumulate(lane(role), i, part);
    double v = kNaN;
    switch (query) {
      case BuiltinQuery::RequestRate:
        v = part.request_rate();
        break;
      case BuiltinQuery::ErrorRate:
        v = part.error_rate();
        break;
      case BuiltinQuery::LatencyP50:
        v = part.latency.quantile(0.50);
        break;
      case BuiltinQuery::LatencyP90:
        v = part.latency.quantile(0.90);
        break;
      case BuiltinQuery::LatencyP99:
        v = part.latency.quantile(0.99);
        break;
    }
    if (!std::isnan(v)) out.push_back(v);
  }
  return out;
}

std::vector<double> OutcomeWindow::latency_samples(Role role, TimePoint end, Duration window,
                                                   std::size_t cap) const {
  const WindowStats st = stats(role, end, window);
  const std::uint64_t n = st.latency.count();
  std::vector<double> out;
  if (n == 0 || cap == 0) return out;
  if (n <= cap) {
    out.reserve(n);
    for (int bin = 0; bin < LatencyHistogram::kBins; ++bin)
      out.insert(out.end(), st.latency.bin_count(bin), LatencyHistogram::representative(bin));
    return out;
  }
  // The value of rank ceil((j + 0.5) * n / cap) for each j: one walk over the bins.
  out.reserve(cap);
  std::uint64_t seen = 0;
  int bin = -1;
  for (std::size_t j = 0; j < cap; ++j) {
    const auto rank = static_cast<std::uint64_t>(std::ceil(
        (static_cast<double>(j) + 0.5) * static_cast<double>(n) / static_cast<double>(cap)));
    while (seen < rank && bin + 1 < LatencyHistogram::kBins) seen += st.latency.bin_count(++bin);
    out.push_back(LatencyHistogram::representative(bin));
  }
  return out;
}

}  // namespace rollguard
