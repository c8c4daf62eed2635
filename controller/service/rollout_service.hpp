#pragma once
// What `rollguard serve` does with rollouts, as plain calls: the HTTP API (api/ handlers) is a
// thin shell over this interface. Every state change is written to the store before the call
// returns, so an answer the API gives is already durable. Thread-safe: each rollout lives on
// its own strand inside the implementation; reads come from a snapshot updated on each event.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/machine/event.hpp"
#include "controller/machine/machine_input.hpp"
#include "controller/store/stored_event.hpp"  // StoredEvent: numbered per rollout, seq from 1
#include "manifests/rollout_spec.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

// A manifest once applied never changes: it is shared, not copied, by the rollout, its runtime
// and every status snapshot handed out (list() of 10,000 rollouts copies no spec).
using SharedSpec = std::shared_ptr<const RolloutSpec>;

// One rollout as the API shows it.
struct RolloutStatus {
  std::string name;
  int revision = 0;  // bumps when a new canary version starts a new rollout
  SharedSpec spec;   // null only in a status of no rollout (an answer for an unknown name)
  RolloutState state;
  std::size_t steps = 0;                     // steps of the compiled program
  std::vector<std::string> analysesRunning;  // ids of the analyses running now
  TimePoint updatedAt{};
  // Set while the rollout holds still because the store did not take its next transition:
  // what the store said. `state` is then the last one recorded, and what the world follows.
  std::string storeError;
  // The replica that runs this rollout (docs/ha.md); empty for a server on its own.
  std::string owner;
};

enum class ApplyOutcome {
  Created,      // a new rollout name
  NewRevision,  // a new canary version: a new rollout revision starts from the known-good one
  Updated,      // same version, other settings: recorded, takes effect on the next revision
  Unchanged,
};

enum class ServiceError {
  None,
  NotFound,  // 404
  // 409: the action is refused in this phase, or the manifest cannot start now (no
  // known-good version on record, a router that cannot listen, the controller stopping);
  // the reason says which
  Conflict,
  // 503: the store cannot be written (a full disk, a read-only file system); nothing of the
  // request was done, and the reason says what the store answered
  StoreUnavailable,
};

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::Unchanged;
  RolloutStatus status;
  ServiceError error = ServiceError::None;  // set: nothing was applied (reason says why)
  std::string reason;
};

struct ActionResult {
  ServiceError error = ServiceError::None;
  std::string reason;    // one line; set when refused or not found
  RolloutStatus status;  // after the action (when found)
};

// One replica sharing the database (docs/ha.md), as GET /v1/replicas lists it.
struct ReplicaInfo {
  std::string id;
  std::string api;
  std::chrono::milliseconds heartbeatAge{0};
  struct Lease {
    std::string rollout;
    std::int64_t epoch = 0;
    std::chrono::milliseconds expiresIn{0};
  };
  std::vector<Lease> leases;
};

class RolloutService {
 public:
  virtual ~RolloutService() = default;

  // Create or update from a validated manifest; `actor` is the token's name.
  virtual ApplyResult apply(RolloutSpec spec, const std::string& actor) = 0;

  virtual std::optional<RolloutStatus> get(const std::string& name) const = 0;
  virtual std::vector<RolloutStatus> list() const = 0;

  // promote [--full] / abort / pause / resume / retry / undo (command.actor says who).
  virtual ActionResult act(const std::string& name, const OperatorCommand& command) = 0;

  // Stop managing `name`: an active change is rolled back first, then what rollguard runs
  // for it (process instances, the built-in router) is stopped; instances and routers outside
  // it are left serving the known-good version (removal_note.hpp). The history stays.
  virtual ActionResult remove(const std::string& name, const std::string& actor) = 0;

  // The event log of `name` after `after_seq`, oldest first; empty for an unknown name.
  virtual std::vector<StoredEvent> history(const std::string& name,
                                           std::int64_t after_seq = 0) const = 0;

  // Every event of every rollout, after it is stored, in order per rollout. The listener
  // runs on the rollout's strand: it must not block (copy what it needs and return).
  using Listener = std::function<void(const StoredEvent&, const RolloutStatus&)>;
  virtual std::uint64_t subscribe(Listener listener) = 0;
  virtual void unsubscribe(std::uint64_t id) = 0;

  // The store is open and every non-terminal rollout has been re-adopted.
  virtual bool ready() const = 0;

  // The replicas sharing this service's database; nullopt for a server on its own.
  virtual std::optional<std::vector<ReplicaInfo>> replicas() const { return std::nullopt; }
};

}  // namespace rollguard
