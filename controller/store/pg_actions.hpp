#pragma once
// Changes (apply, promote, abort, delete ...) that a replica receives for a rollout another
// replica runs, handed to that owner through the database (docs/ha.md): the receiver writes
// the request and NOTIFYs the owner, which LISTENs, takes the request, carries it out and
// writes the answer. A request is taken before it is carried out, and the receiver abandons
// one only while it is not taken, so a change is done once or not at all and the caller
// always hears which.
//
// Thread-safe; one connection each (an inbox that LISTENs blocks on its own socket).
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "controller/store/pg_connection.hpp"
#include "controller/store/store.hpp"

namespace rollguard {

struct PendingAction {
  std::int64_t id = 0;
  std::string rollout;
  std::string request;  // JSON, as the receiver wrote it
};

class PgActions {
 public:
  static std::variant<std::unique_ptr<PgActions>, StoreError> open(const std::string& uri);

  // The receiver's side. `owner` is the replica that holds the rollout's lease.
  StoreResult<std::int64_t> submit(const std::string& rollout, const std::string& owner,
                                   const std::string& request);
  // The answer once written; nullopt while there is none.
  StoreResult<std::optional<std::string>> answer_of(std::int64_t id);
  // True when the request will never be carried out (it was not taken); false when the owner
  // has taken it (its answer will come).
  StoreResult<bool> abandon(std::int64_t id);

  // The owner's side: LISTENs for requests to `owner` and for new events of every rollout
  // (channel rollguard_events, payload the rollout's name).
  StoreStatus listen(const std::string& owner);
  // Waits up to `timeout` for notifications; their payloads (the rollouts with new events),
  // and whether a request came.
  struct Woken {
    bool actions = false;
    std::vector<std::string> events_of;
  };
  StoreResult<Woken> wait(std::chrono::milliseconds timeout);
  StoreResult<std::vector<PendingAction>> pending(const std::string& owner);
  // True when this caller took the request (then it must answer); false when abandoned.
  StoreResult<bool> take(std::int64_t id);
  StoreStatus answer(std::int64_t id, const std::string& answer);

 private:
  explicit PgActions(pg::Connection db) : db_(std::move(db)) {}
  std::string ready();

  std::mutex mutex_;
  pg::Connection db_;
  std::string listening_as_;  // LISTEN again after a reconnect
};

}  // namespace rollguard
