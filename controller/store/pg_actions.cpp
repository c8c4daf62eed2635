#include "controller/store/pg_actions.hpp"

#include <poll.h>

#include "controller/store/pg_schema.hpp"

namespace rollguard {
namespace {

using pg::param;
using pg::Result;

// One channel for every replica's requests, the payload naming the owner: a channel is an
// identifier (63 bytes at most), a replica's id may be longer.
constexpr const char* kActionsChannel = "rollguard_actions";
constexpr const char* kListen = "LISTEN rollguard_actions; LISTEN rollguard_events";

}  // namespace

std::variant<std::unique_ptr<PgActions>, StoreError> PgActions::open(const std::string& uri) {
  auto connected = pg::Connection::open(uri);
  if (auto* why = std::get_if<std::string>(&connected)) return store_error("postgresql", *why);
  std::unique_ptr<PgActions> actions(new PgActions(std::get<pg::Connection>(std::move(connected))));
  if (std::string e = pg::migrate(actions->db_); !e.empty()) return store_error("postgresql", e);
  return actions;
}

std::string PgActions::ready() {
  if (db_.usable()) return {};
  if (std::string e = db_.reconnect(); !e.empty()) return e;
  if (listening_as_.empty()) return {};
  return db_.exec(kListen).error();
}

StoreResult<std::int64_t> PgActions::submit(const std::string& rollout, const std::string& owner,
                                            const std::string& request) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("sending to " + owner, e);
  // The NOTIFY goes out with the commit of the row: the owner never wakes to nothing.
  pg::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error("sending to " + owner, t.begin_error());
  Result r =
      db_.exec("INSERT INTO actions (rollout, owner, request) VALUES ($1, $2, $3) RETURNING id",
               {param(rollout), param(owner), param(request)});
  if (!r.error().empty()) return store_error("sending to " + owner, r.error());
  const std::int64_t id = r.integer(0, 0);
  if (Result n = db_.exec("SELECT pg_notify($1, $2)", {param(kActionsChannel), param(owner)});
      !n.error().empty())
    return store_error("sending to " + owner, n.error());
  if (std::string e = t.commit(); !e.empty()) return store_error("sending to " + owner, e);
  return id;
}

StoreResult<std::optional<std::string>> PgActions::answer_of(std::int64_t id) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("answer", e);
  Result r =
      db_.exec("SELECT answer FROM actions WHERE id = $1 AND state = 'answered'", {param(id)});
  if (!r.error().empty()) return store_error("answer", r.error());
  if (r.rows() == 0) return std::optional<std::string>{};
  return std::optional<std::string>{r.text(0, 0)};
}

StoreResult<bool> PgActions::abandon(std::int64_t id) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("abandoning", e);
  Result r = db_.exec("UPDATE actions SET state = 'abandoned' WHERE id = $1 AND state = 'pending'",
                      {param(id)});
  if (!r.error().empty()) return store_error("abandoning", r.error());
  return r.affected() == 1;
}

StoreStatus PgActions::listen(const std::string& owner) {
  std::lock_guard lock(mutex_);
  listening_as_ = owner;
  if (std::string e = ready(); !e.empty()) return store_error("listening", e);
  if (Result r = db_.exec(kListen); !r.error().empty()) return store_error("listening", r.error());
  return std::nullopt;
}

StoreResult<PgActions::Woken> PgActions::wait(std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("listening", e);
  std::string error;
  // Notifications that came in during an earlier statement are queued already: no wait then.
  auto arrived = db_.notifications(error);
  if (arrived.empty() && error.empty()) {
    pollfd fd{db_.socket(), POLLIN, 0};
    ::poll(&fd, 1, static_cast<int>(timeout.count()));
    arrived = db_.notifications(error);
  }
  if (!error.empty()) return store_error("listening", error);
  Woken woken;
  for (const pg::Connection::Notification& n : arrived) {
    if (n.channel == "rollguard_events")
      woken.events_of.push_back(n.payload);
    else if (n.payload == listening_as_)
      woken.actions = true;
  }
  return woken;
}

StoreResult<std::vector<PendingAction>> PgActions::pending(const std::string& owner) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("requests", e);
  Result r = db_.exec(
      "SELECT id, rollout, request FROM actions WHERE owner = $1 AND state = 'pending' ORDER BY id",
      {param(owner)});
  if (!r.error().empty()) return store_error("requests", r.error());
  std::vector<PendingAction> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(PendingAction{r.integer(i, 0), r.text(i, 1), r.text(i, 2)});
  return out;
}

StoreResult<bool> PgActions::take(std::int64_t id) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("taking a request", e);
  Result r = db_.exec("UPDATE actions SET state = 'taken' WHERE id = $1 AND state = 'pending'",
                      {param(id)});
  if (!r.error().empty()) return store_error("taking a request", r.error());
  return r.affected() == 1;
}

StoreStatus PgActions::answer(std::int64_t id, const std::string& answer) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("answering", e);
  Result r = db_.exec("UPDATE actions SET state = 'answered', answer = $2 WHERE id = $1",
                      {param(id), param(answer)});
  if (!r.error().empty()) return store_error("answering", r.error());
  return std::nullopt;
}

}  // namespace rollguard
