#pragma once
// The simulated request stream: the scenario's request rate split across roles the way the
// router was last told, each role's requests served by the version that role runs, with that
// version's error rate, latency regime and crash at that moment. Requests are not drawn one
// by one: each role's outcomes are counted per bucket (the built-in router's bucket, 1 s), as
// a Poisson process cut at every change of rate, split or fault, so the counts are exactly
// distributed as if each request had been drawn (docs/simulation.md, "Aggregation"). Like
// the router's window it keeps only the last `horizon` of buckets, in a ring.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/simulation/random.hpp"
#include "controller/simulation/version_model.hpp"
#include "controller/simulation/worse_than_stable.hpp"
#include "health/providers/builtin/bucket_span.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard::sim {

inline constexpr int kStableVersion = 0;  // the known-good version (stable and baseline roles)
inline constexpr int kCanaryVersion = 1;  // the change

// Responses of one latency regime: `key` = version * 64 + regime.
struct RegimeCount {
  std::int32_t key = -1;
  std::int32_t count = 0;
};

struct TrafficBucket {
  std::int64_t index = -1;  // which bucket this ring slot holds
  std::int32_t requests = 0;
  std::int32_t failures = 0;  // 5xx or no response
  std::int32_t connection_errors = 0;
  std::array<RegimeCount, 2> responded{};  // a third regime in one bucket joins the second
  void add_responded(int key, std::int32_t n);
};

class TrafficModel {
 public:
  // `scenario` must outlive the model. `observed`: roles whose outcomes someone reads; a role
  // running the canary version is always counted (the report's faulty requests), any other is
  // skipped to save time.
  TrafficModel(const ScenarioSpec& scenario, TimePoint start, Duration bucket, Duration horizon,
               std::uint64_t seed, std::array<bool, 3> observed);

  // Draws every role's outcomes up to `t` (no-op for the past).
  void advance_to(TimePoint t);
  // When the next failure of `role` is due if the split and versions stay as they are (the
  // rate and the faults' schedule are known ahead): a moment early rather than late, and
  // the time drawn up to when every request fails (crashed); nullopt if never.
  std::optional<TimePoint> next_failure(Role role) const;
  void set_split(const TrafficSplit& split, TimePoint now);
  void set_version(Role role, int version, TimePoint now);

  int version_of(Role role) const { return versions_[static_cast<std::size_t>(role)]; }
  int version_index(std::string_view version) const;
  const VersionModel& model(int version) const {
    return models_[static_cast<std::size_t>(version)];
  }
  VersionState state(int version, TimePoint t) const;
  std::optional<TimePoint> serving_since(int version) const {
    return serving_[static_cast<std::size_t>(version)];
  }
  double share_of(int version) const;  // percent of requests the version serves now

  Duration bucket() const { return bucket_; }
  std::int64_t bucket_index(TimePoint t) const {  // floor(t / bucket)
    return floor_div(t.time_since_epoch().count(), bucket_.count());
  }
  // The bucket `index` of `role`; nullptr when nothing was drawn there or it is past the
  // horizon. Inline, like the lookups below: the judges' reads ask for tens of thousands.
  const TrafficBucket* find(Role role, std::int64_t index) const {
    const auto& ring = lanes_[static_cast<std::size_t>(role)].ring;
    if (ring.empty()) return nullptr;
    const TrafficBucket& b = ring[ring_slot(index)];
    return b.index == index ? &b : nullptr;
  }

  // The accounting's inputs (worse_than_stable.hpp): the first moment the new version served
  // while worse than stable (at the same moment), and why; the requests it served while worse,
  // how many failed, and how many of those stable would have failed, in expectation.
  std::optional<TimePoint> worse_since() const { return worse_since_; }
  const std::string& worse_because() const { return worse_because_; }
  std::int64_t faulty_requests() const { return faulty_requests_; }
  std::int64_t faulty_failures() const { return faulty_failures_; }
  double stable_failures_expected() const { return stable_failures_expected_; }
  std::int64_t served(int version) const { return served_[static_cast<std::size_t>(version)]; }

 private:
  // next_failure()'s answer stays right until that failure is drawn or the split or a
  // version changes: it is asked at every wake-up, and walks the stretches ahead.
  struct Prediction {
    double for_failure = -1;  // the lane's next_failure it was made for
    std::uint64_t changes = 0;
    std::optional<TimePoint> at;
  };
  struct Lane {
    std::vector<TrafficBucket> ring;  // bucket i at ring_slot(i), once drawn
    double failure_exposure = 0;      // integrated failure intensity so far
    double next_failure = 0;          // exposure at which the next failure arrives
    mutable Prediction predicted;
  };
  std::optional<TimePoint> predict_failure(Role role) const;
  void note_worse(TimePoint t);  // sets worse_since_ if the change serves, worse, at `t`
  // What holds from `cursor_` until the next change of rate or of a serving version's
  // faults: asked every bucket, it changes a few times a run.
  struct Stretch {
    TimePoint until = TimePoint::min();  // TimePoint::max(): nothing changes any more
    double rps = 0;
    std::array<VersionState, 2> states;
    ServedBehaviour canary, stable;  // of the two versions' states
    StableComparison canary_vs_stable;
  };
  double rps_at(TimePoint t) const;
  std::optional<TimePoint> next_rate_change(TimePoint t) const;
  std::optional<TimePoint> next_change(int version, TimePoint t) const;
  const Stretch& stretch();
  void draw(Role role, std::int64_t bucket, TimePoint from, TimePoint to, const Stretch& stretch);
  // A power of two: a mask, where a division per lookup cost more than the lookup.
  std::size_t ring_slot(std::int64_t index) const {
    return static_cast<std::size_t>(index) & (ring_size_ - 1);
  }
  TrafficBucket& bucket_at(Lane& lane, std::int64_t index) {
    if (lane.ring.empty()) lane.ring.resize(ring_size_);
    TrafficBucket& b = lane.ring[ring_slot(index)];
    if (b.index != index) b = TrafficBucket{index};
    return b;
  }

  const ScenarioSpec& scenario_;
  TimePoint start_;
  Duration bucket_;
  std::size_t ring_size_;
  Random random_;
  std::array<bool, 3> observed_;
  std::array<VersionModel, 2> models_;
  std::string canary_version_;
  std::array<int, 3> versions_{kStableVersion, kCanaryVersion, kStableVersion};
  std::array<std::optional<TimePoint>, 2> serving_;
  TrafficSplit split_;
  TimePoint cursor_;
  Stretch stretch_;            // until <= cursor_: to be worked out again
  std::uint64_t changes_ = 0;  // of split and versions
  std::array<Lane, 3> lanes_;
  std::optional<TimePoint> worse_since_;
  std::string worse_because_;
  std::int64_t faulty_requests_ = 0, faulty_failures_ = 0;
  double stable_failures_expected_ = 0;
  std::array<std::int64_t, 2> served_{};
};

}  // namespace rollguard::sim
