#pragma once
// Rollout records, events and times for the store tests of every engine.
#include <gtest/gtest.h>

#include "controller/store/store.hpp"
#include "support/specs.hpp"

namespace rollguard::store_test {

template <class T>
T value(StoreResult<T> r) {
  if (auto* e = std::get_if<StoreError>(&r)) ADD_FAILURE() << e->message;
  return std::get<T>(std::move(r));
}

inline TimePoint at(int seconds) {
  return TimePoint{std::chrono::seconds(1'700'000'000 + seconds)};
}

inline RolloutRecord record(const std::string& name, int revision, const std::string& canary) {
  RolloutRecord r;
  r.name = name;
  r.revision = revision;
  r.spec = testing::canary_spec({SetWeightStep{20}, PauseStep{10s}});
  r.spec.metadata.name = name;
  r.spec.canary = canary;
  r.applied = r.spec;
  r.state.knownGood = r.state.stableVersion = "1.0.0";
  r.state.canaryVersion = canary;
  r.state.startedAt = at(revision);
  r.updatedAt = at(revision);
  return r;
}

inline Event event(int second, EventKind kind, Phase phase, std::string reason,
                   std::string actor = {}) {
  return Event{at(second), kind, phase, 1, std::move(reason), std::move(actor)};
}

}  // namespace rollguard::store_test
