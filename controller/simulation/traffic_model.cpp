#include "controller/simulation/traffic_model.hpp"

#include <algorithm>
#include <chrono>

#include "health/bucket_span.hpp"

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
                           std::uint64_t seed, std::array<bool, 3> observed)
    : scenario_(scenario),
      start_(start),
      bucket_(bucket),
      first_index_(floor_div(start.time_since_epoch().count(), bucket.count())),
      random_(seed),
      observed_(observed),
      models_{VersionModel(scenario.stable), VersionModel(scenario.canary)},
      canary_version_(scenario.rollout.canary),
      cursor_(start) {
  serving_[kStableVersion] = start;
  // Room for the whole run up front: growing bucket by bucket costs more than drawing them.
  const auto buckets = static_cast<std::size_t>(scenario.duration / bucket) + 2;
  for (Lane& lane : lanes_) {
    lane.next_failure = random_.exponential();
    lane.buckets.reserve(buckets);
  }
}

int TrafficModel::version_index(const std::string& version) const {
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

std::int64_t TrafficModel::bucket_index(TimePoint t) const {
  return floor_div(t.time_since_epoch().count(), bucket_.count());
}

const TrafficBucket* TrafficModel::find(Role role, std::int64_t index) const {
  const auto& buckets = lanes_[slot(role)].buckets;
  const std::int64_t i = index - first_index_;
  if (i < 0 || i >= static_cast<std::int64_t>(buckets.size())) return nullptr;
  return &buckets[static_cast<std::size_t>(i)];
}

TrafficBucket& TrafficModel::bucket_at(Lane& lane, TimePoint t) {
  const auto i = static_cast<std::size_t>(bucket_index(t) - first_index_);
  if (i >= lane.buckets.size()) lane.buckets.resize(i + 1);
  return lane.buckets[i];
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

void TrafficModel::set_split(const TrafficSplit& split, TimePoint now) {
  advance_to(now);
  split_ = split;
  for (int v : {kStableVersion, kCanaryVersion})
    if (!serving_[static_cast<std::size_t>(v)] && share_of(v) > 0)
      serving_[static_cast<std::size_t>(v)] = now;
}

void TrafficModel::set_version(Role role, int version, TimePoint now) {
  advance_to(now);
  versions_[slot(role)] = version;
  if (!serving_[static_cast<std::size_t>(version)] && split_[role] > 0)
    serving_[static_cast<std::size_t>(version)] = now;
}

void TrafficModel::advance_to(TimePoint t) {
  while (cursor_ < t) {
    TimePoint end = std::min(t, TimePoint{Duration{(bucket_index(cursor_) + 1) * bucket_.count()}});
    if (auto change = next_rate_change(cursor_)) end = std::min(end, *change);
    for (int v : {kStableVersion, kCanaryVersion}) {
      const auto& since = serving_[static_cast<std::size_t>(v)];
      if (!since) continue;
      if (auto next = model(v).next_change(cursor_ - *since)) end = std::min(end, *since + *next);
    }
    const double rps = rps_at(cursor_);
    for (Role role : kRoles) draw(role, cursor_, end, rps);
    cursor_ = end;
  }
}

// One stretch over which nothing changes: successes are Poisson with the success intensity;
// failures come from a Poisson process run on the integrated failure intensity, so a role
// that fails once an hour costs nothing per bucket.
void TrafficModel::draw(Role role, TimePoint from, TimePoint to, double rps) {
  const double share = split_[role];
  const int version = version_of(role);
  if (share <= 0 || rps <= 0) return;
  if (!observed_[slot(role)] && version != kCanaryVersion) return;
  const VersionState st = state(version, from);
  const double expected = rps * share / 100 * seconds(to - from);
  Lane& lane = lanes_[slot(role)];
  TrafficBucket& b = bucket_at(lane, from);
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
  if (version == kCanaryVersion && st.faulty) {
    faulty_requests_ += requests;
    faulty_failures_ += failures;
  }
}

}  // namespace rollguard::sim
