#pragma once
// What the controller keeps across restarts, behind an interface narrow enough for a server
// database to take SQLite's place: one row per rollout name (its current revision, spec,
// state and known-good version), the spec of every revision, the append-only event log and
// analysis measurements. Every call is one transaction: it happened entirely or not at all.
// Failures come back as data (StoreError); callers decide whether to stop.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "controller/store/stored_event.hpp"
#include "manifests/rollout_spec.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

struct StoreError {
  std::string message;
};

// "WHAT: WHY", the shape of every store error.
inline StoreError store_error(std::string what, const std::string& why) {
  return StoreError{std::move(what) + ": " + why};
}

template <class T>
using StoreResult = std::variant<T, StoreError>;
using StoreStatus = std::optional<StoreError>;  // nullopt: done

struct RolloutRecord {
  std::string name;
  int revision = 0;
  RolloutSpec spec;     // what the current revision runs
  RolloutSpec applied;  // the latest manifest applied (differs after an `Updated` apply)
  RolloutState state;   // state.knownGood is also kept as a column of its own
  bool removed = false;
  TimePoint updatedAt{};
};

struct MeasurementRecord {
  std::string rollout;
  int revision = 0;
  std::string analysis;  // the run's id
  std::string metric;    // the template's name
  std::optional<double> value;
  Verdict verdict = Verdict::Successful;  // the measurement's phase
  TimePoint at{};
  bool operator==(const MeasurementRecord&) const = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Every rollout the store knows, removed ones included; rows that cannot be read are
  // reported in `unreadable` (name and why) instead of failing the whole load.
  struct Loaded {
    std::vector<RolloutRecord> rollouts;
    std::vector<std::pair<std::string, std::string>> unreadable;
  };
  virtual StoreResult<Loaded> load() = 0;
  // One rollout's row (a replica taking it over); nullopt for an unknown name. Engines with
  // an index on names override the whole-table scan.
  virtual StoreResult<std::optional<RolloutRecord>> load_rollout(const std::string& name) {
    auto all = load();
    if (auto* e = std::get_if<StoreError>(&all)) return *e;
    for (auto& [n, why] : std::get<Loaded>(all).unreadable)
      if (n == name) return store_error("load " + name, why);
    for (RolloutRecord& r : std::get<Loaded>(all).rollouts)
      if (r.name == name) return std::optional<RolloutRecord>{std::move(r)};
    return std::optional<RolloutRecord>{};
  }
  // The rows of `names` that exist, in one read where the engine can (a replica taking many
  // over at once).
  virtual StoreResult<Loaded> load_rollouts(const std::vector<std::string>& names) {
    Loaded out;
    for (const std::string& name : names) {
      auto one = load_rollout(name);
      if (auto* e = std::get_if<StoreError>(&one)) {
        out.unreadable.emplace_back(name, e->message);
      } else if (auto& record = std::get<std::optional<RolloutRecord>>(one)) {
        out.rollouts.push_back(std::move(*record));
      }
    }
    return out;
  }

  // A new revision of `record.name` (the first, or a new canary version): writes the rollout
  // row, the revision's row and its first events (numbered after the name's last), together.
  // The removed flag is cleared.
  virtual StoreResult<std::vector<StoredEvent>> begin_revision(const RolloutRecord& record,
                                                               const std::string& actor,
                                                               const Events& events) = 0;

  // The latest manifest applied, without a new revision.
  virtual StoreStatus update_applied(const std::string& name, const RolloutSpec& applied) = 0;

  // Appends `events` (numbered after the last of `name`) and writes the state they led to;
  // `removed` set also sets or clears the removed flag. Returns the events as stored.
  virtual StoreResult<std::vector<StoredEvent>> append(const std::string& name, int revision,
                                                       const Events& events,
                                                       const RolloutState& state,
                                                       std::optional<bool> removed = {}) = 0;

  // Events of `name` with seq > after_seq, oldest first, at most `limit`.
  virtual StoreResult<std::vector<StoredEvent>> events(const std::string& name,
                                                       std::int64_t after_seq,
                                                       std::size_t limit = 100000) = 0;

  virtual StoreStatus add_measurements(const std::vector<MeasurementRecord>& measurements) = 0;
  virtual StoreResult<std::vector<MeasurementRecord>> measurements(const std::string& name) = 0;
  // Retention: deletes measurements taken before `before`; returns how many went.
  virtual StoreResult<std::int64_t> prune_measurements(TimePoint before) = 0;
};

}  // namespace rollguard
