#include "controller/simulation/traffic_model.hpp"

#include <algorithm>
#include <bit>
#include <chrono>

#include "health/providers/builtin/bucket_span.hpp"

namespace rollguard::sim {
namespace {

std::size_t slot(Role r) {
  return static_cast<std::size_t>(r);
}

}  // namespace

void TrafficBucket::add_responded(int key, std::int32_t n) {
  if (n == 0) return;
  for (RegimeCount& r : responded) {
    if (r.key == key || r.key < 0) {
      r.key = key;
      r.count += n;
      return;
    }
  }
  responded.back().count += n;
}

TrafficModel::TrafficModel(const ScenarioSpec& scenario, TimePoint start, Duration bucket,
                           Duration horizon, std::uint64_t seed, std::array<bool, 3> observed)
    : scenario_(scenario),
      start_(start),
      bucket_(bucket),
      ring_size_(
          std::bit_ceil(static_cast<std::size_t>(ceil_div(horizon.count(), bucket.count())) + 2)),
      random_(seed),
      observed_(observed),
      models_{VersionModel(scenario.stable), VersionModel(scenario.canary)},
      canary_version_(scenario.rollout.canary),
      cursor_(start) {
  serving_[kStableVersion] = start;
  for (Lane& lane : lanes_) lane.next_failure = random_.exponential();
}

int TrafficModel::version_index(std::string_view version) const {
  return version == canary_version_ ? kCanaryVersion : kStableVersion;
}

VersionState TrafficModel::state(int version, TimePoint t) const {
  const auto& since = serving_[static_cast<std::size_t>(version)];
  if (!since || t < *since) return model(version).at(Duration{-1});
  return model(version).at(t - *since);
}

double TrafficModel::share_of(int version) const {
  double share = 0;
  for (Role r : kRoles)
    if (version_of(r) == version) share += split_[r];
  return share;
}

double TrafficModel::rps_at(TimePoint t) const {
  double rps = 0;
  for (const RateChange& c : scenario_.traffic)
    if (start_ + c.at <= t) rps = c.rps;
  return rps;
}

std::optional<TimePoint> TrafficModel::next_rate_change(TimePoint t) const {
  for (const RateChange& c : scenario_.traffic)
    if (start_ + c.at > t) return start_ + c.at;
  return std::nullopt;
}

// Worse while it has a share of the traffic, even for an instant: a crash and the rollback's
// route change can fall on the same virtual moment, with no request in between.
void TrafficModel::note_worse(TimePoint t) {
  if (worse_since_ || share_of(kCanaryVersion) <= 0) return;
  const ServedBehaviour canary = served_behaviour(model(kCanaryVersion), state(kCanaryVersion, t));
  const ServedBehaviour stable = served_behaviour(model(kStableVersion), state(kStableVersion, t));
  const StableComparison c = compare_with_stable(canary, stable);
  if (!c.worse()) return;
  worse_since_ = t;  // faulty from its first request on
  worse_because_ = describe(c, canary, stable);
}

void TrafficModel::set_split(const TrafficSplit& split, TimePoint now) {
  advance_to(now);
  note_worse(now);  // under the split that served until now
  split_ = split;
  stretch_.until = TimePoint::min();  // a version may start serving, and its faults count
  ++changes_;
  for (int v : {kStableVersion, kCanaryVersion})
    if (!serving_[static_cast<std::size_t>(v)] && share_of(v) > 0)
      serving_[static_cast<std::size_t>(v)] = now;
  note_worse(now);
}

void TrafficModel::set_version(Role role, int version, TimePoint now) {
  advance_to(now);
  note_worse(now);
  versions_[slot(role)] = version;
  stretch_.until = TimePoint::min();
  ++changes_;
  if (!serving_[static_cast<std::size_t>(version)] && split_[role] > 0)
    serving_[static_cast<std::size_t>(version)] = now;
  note_worse(now);
}

// The next change of the rate or of `version`'s faults after `t`, if any.
std::optional<TimePoint> TrafficModel::next_change(int version, TimePoint t) const {
  std::optional<TimePoint> change = next_rate_change(t);
  const auto& since = serving_[static_cast<std::size_t>(version)];
  if (!since) return change;
  const auto fault = model(version).next_change(t - *since);
  if (fault && (!change || *since + *fault < *change)) change = *since + *fault;
  return change;
}

const TrafficModel::Stretch& TrafficModel::stretch() {
  if (cursor_ < stretch_.until) return stretch_;
  stretch_.until = TimePoint::max();
  for (int v : {kStableVersion, kCanaryVersion})
    if (auto change = next_change(v, cursor_)) stretch_.until = std::min(stretch_.until, *change);
  stretch_.rps = rps_at(cursor_);
  for (int v : {kStableVersion, kCanaryVersion})
    stretch_.states[static_cast<std::size_t>(v)] = state(v, cursor_);
  stretch_.canary = served_behaviour(model(kCanaryVersion), stretch_.states[kCanaryVersion]);
  stretch_.stable = served_behaviour(model(kStableVersion), stretch_.states[kStableVersion]);
  stretch_.canary_vs_stable = compare_with_stable(stretch_.canary, stretch_.stable);
  if (stretch_.canary_vs_stable.worse()) note_worse(cursor_);
  return stretch_;
}

void TrafficModel::advance_to(TimePoint t) {
  while (cursor_ < t) {
    const Stretch& now = stretch();
    const std::int64_t bucket = bucket_index(cursor_);
    const TimePoint bucket_end{Duration{(bucket + 1) * bucket_.count()}};
    const TimePoint end = std::min({t, bucket_end, now.until});
    for (Role role : kRoles) draw(role, bucket, cursor_, end, now);
    cursor_ = end;
  }
}

// The failure process of draw() run ahead without drawing: the exposure still needed for the
// next failure, spent stretch by stretch at each stretch's failure intensity.
std::optional<TimePoint> TrafficModel::next_failure(Role role) const {
  Prediction& p = lanes_[slot(role)].predicted;
  const double for_failure = lanes_[slot(role)].next_failure;
  if (p.for_failure != for_failure || p.changes != changes_)
    p = {for_failure, changes_, predict_failure(role)};
  return p.at;
}

std::optional<TimePoint> TrafficModel::predict_failure(Role role) const {
  const int version = version_of(role);
  if (!observed_[slot(role)] && version != kCanaryVersion) return std::nullopt;
  const Lane& lane = lanes_[slot(role)];
  // Summed in other stretches than draw() sums them: aim a little early, never late.
  double needed = (lane.next_failure - lane.failure_exposure) * (1 - 1e-9);
  for (TimePoint t = cursor_;;) {
    const std::optional<TimePoint> end = next_change(version, t);
    const VersionState st = state(version, t);
    const double requests_per_second = rps_at(t) * split_[role] / 100;
    if (requests_per_second > 0) {
      if (st.crashed) return t;
      const double rate = requests_per_second * std::clamp(st.error_rate, 0.0, 1.0);
      if (rate > 0) {
        const double wait = needed / rate;  // seconds
        if (end ? wait < seconds(*end - t) : wait < 1e8)
          return t + Duration{static_cast<std::int64_t>(wait * 1000)};
        if (end) needed -= rate * seconds(*end - t);
      }
    }
    if (!end) return std::nullopt;
    t = *end;
  }
}

// One stretch over which nothing changes: successes are Poisson with the success intensity;
// failures come from a Poisson process run on the integrated failure intensity, so a role
// that fails once an hour costs nothing per bucket.
void TrafficModel::draw(Role role, std::int64_t bucket, TimePoint from, TimePoint to,
                        const Stretch& stretch) {
  const double share = split_[role], rps = stretch.rps;
  const int version = version_of(role);
  if (share <= 0 || rps <= 0) return;
  if (!observed_[slot(role)] && version != kCanaryVersion) return;
  const VersionState& st = stretch.states[static_cast<std::size_t>(version)];
  const double expected = rps * share / 100 * seconds(to - from);
  Lane& lane = lanes_[slot(role)];
  TrafficBucket& b = bucket_at(lane, bucket);
  std::int64_t requests = 0, failures = 0;
  if (st.crashed) {
    requests = failures = random_.poisson(expected);
    b.connection_errors += static_cast<std::int32_t>(failures);
  } else {
    const double failing = expected * std::clamp(st.error_rate, 0.0, 1.0);
    lane.failure_exposure += failing;
    while (lane.next_failure <= lane.failure_exposure) {
      ++failures;
      lane.next_failure += random_.exponential();
    }
    requests = failures + random_.poisson(expected - failing);
    b.add_responded(version * 64 + st.regime, static_cast<std::int32_t>(requests));
  }
  b.requests += static_cast<std::int32_t>(requests);
  b.failures += static_cast<std::int32_t>(failures);
  served_[static_cast<std::size_t>(version)] += requests;
  if (version == kCanaryVersion && stretch.canary_vs_stable.worse()) {
    faulty_requests_ += requests;
    faulty_failures_ += failures;
    stable_failures_expected_ += static_cast<double>(requests) * stretch.stable.failure_rate;
  }
}

}  // namespace rollguard::sim
