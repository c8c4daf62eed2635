#include "controller/store/pg_leases.hpp"

#include "controller/store/pg_schema.hpp"

namespace rollguard {
namespace {

using pg::param;
using pg::Result;

pg::Param millis(std::chrono::milliseconds d) {
  return param(static_cast<std::int64_t>(d.count()));
}

}  // namespace

std::variant<std::unique_ptr<PgLeases>, StoreError> PgLeases::open(const std::string& uri,
                                                                   std::string owner) {
  auto connected = pg::Connection::open(uri);
  if (auto* why = std::get_if<std::string>(&connected)) return store_error("postgresql", *why);
  std::unique_ptr<PgLeases> leases(
      new PgLeases(std::get<pg::Connection>(std::move(connected)), std::move(owner)));
  if (std::string e = pg::migrate(leases->db_); !e.empty()) return store_error("postgresql", e);
  return leases;
}

std::string PgLeases::ready() {
  return db_.usable() ? std::string() : db_.reconnect();
}

StoreResult<std::optional<std::int64_t>> PgLeases::acquire(const std::string& rollout,
                                                           std::chrono::milliseconds ttl) {
  auto held = acquire(std::vector<std::string>{rollout}, ttl);
  if (auto* e = std::get_if<StoreError>(&held)) return *e;
  const auto& epochs = std::get<std::map<std::string, std::int64_t>>(held);
  if (epochs.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{epochs.begin()->second};
}

StoreResult<std::map<std::string, std::int64_t>> PgLeases::acquire(
    const std::vector<std::string>& rollouts, std::chrono::milliseconds ttl) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("leases", e);
  // One statement: the replicas racing for a rollout are ordered by its row lock, and the
  // second sees the first's live lease and gets no row back. Rows in name order, so two
  // replicas taking many never wait on each other in a cycle.
  Result r = db_.exec(
      "INSERT INTO leases AS l (rollout, owner, epoch, expires_at) "
      "SELECT name, $2, 1, now() + $3 * interval '1 millisecond' "
      "FROM unnest($1::text[]) AS name ORDER BY name "
      "ON CONFLICT (rollout) DO UPDATE SET owner = EXCLUDED.owner, "
      "epoch = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > now() THEN l.epoch "
      "ELSE l.epoch + 1 END, expires_at = EXCLUDED.expires_at "
      "WHERE l.owner = EXCLUDED.owner OR l.expires_at <= now() RETURNING rollout, epoch",
      {pg::text_array(rollouts), param(owner_), millis(ttl)});
  if (!r.error().empty()) return store_error("leases", r.error());
  std::map<std::string, std::int64_t> held;
  for (int i = 0; i < r.rows(); ++i) held[r.text(i, 0)] = r.integer(i, 1);
  return held;
}

StoreResult<std::map<std::string, std::int64_t>> PgLeases::renew(
    std::chrono::milliseconds ttl, const std::vector<std::string>& rollouts) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("renewing leases", e);
  Result r = db_.exec(
      "UPDATE leases SET expires_at = now() + $2 * interval '1 millisecond' "
      "WHERE owner = $1 AND expires_at > now() AND rollout = ANY($3::text[]) "
      "RETURNING rollout, epoch",
      {param(owner_), millis(ttl), pg::text_array(rollouts)});
  if (!r.error().empty()) return store_error("renewing leases", r.error());
  std::map<std::string, std::int64_t> held;
  for (int i = 0; i < r.rows(); ++i) held[r.text(i, 0)] = r.integer(i, 1);
  return held;
}

StoreStatus PgLeases::release(const std::string& rollout) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("releasing " + rollout, e);
  Result r = db_.exec(
      "UPDATE leases SET owner = '', expires_at = now() WHERE rollout = $1 AND owner = $2 AND "
      "expires_at > now()",
      {param(rollout), param(owner_)});
  if (!r.error().empty()) return store_error("releasing " + rollout, r.error());
  return std::nullopt;
}

StoreResult<std::vector<LeaseRow>> PgLeases::all() {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("leases", e);
  Result r = db_.exec(
      "SELECT rollout, owner, epoch, "
      "floor(extract(epoch FROM expires_at - now()) * 1000)::bigint FROM leases ORDER BY rollout");
  if (!r.error().empty()) return store_error("leases", r.error());
  std::vector<LeaseRow> rows;
  for (int i = 0; i < r.rows(); ++i)
    rows.push_back(LeaseRow{r.text(i, 0), r.text(i, 1), r.integer(i, 2),
                            std::chrono::milliseconds(r.integer(i, 3))});
  return rows;
}

StoreResult<std::optional<LeaseRow>> PgLeases::lease_of(const std::string& rollout) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("lease of " + rollout, e);
  Result r = db_.exec(
      "SELECT owner, epoch, floor(extract(epoch FROM expires_at - now()) * 1000)::bigint "
      "FROM leases WHERE rollout = $1",
      {param(rollout)});
  if (!r.error().empty()) return store_error("lease of " + rollout, r.error());
  if (r.rows() == 0) return std::optional<LeaseRow>{};
  return std::optional<LeaseRow>{
      LeaseRow{rollout, r.text(0, 0), r.integer(0, 1), std::chrono::milliseconds(r.integer(0, 2))}};
}

StoreStatus PgLeases::beat(const std::string& api) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("heartbeat", e);
  Result r = db_.exec(
      "INSERT INTO replicas (id, api, heartbeat_at) VALUES ($1, $2, now()) "
      "ON CONFLICT (id) DO UPDATE SET api = EXCLUDED.api, heartbeat_at = now()",
      {param(owner_), param(api)});
  if (!r.error().empty()) return store_error("heartbeat", r.error());
  return std::nullopt;
}

StoreResult<std::vector<ReplicaRow>> PgLeases::replicas(std::chrono::milliseconds within) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("replicas", e);
  if (Result gone = db_.exec(
          "DELETE FROM replicas WHERE heartbeat_at < now() - $1 * interval '1 millisecond'",
          {millis(within * 10)});
      !gone.error().empty())
    return store_error("replicas", gone.error());
  Result r = db_.exec(
      "SELECT id, api, floor(extract(epoch FROM now() - heartbeat_at) * 1000)::bigint "
      "FROM replicas WHERE heartbeat_at >= now() - $1 * interval '1 millisecond' ORDER BY id",
      {millis(within)});
  if (!r.error().empty()) return store_error("replicas", r.error());
  std::vector<ReplicaRow> rows;
  for (int i = 0; i < r.rows(); ++i)
    rows.push_back(
        ReplicaRow{r.text(i, 0), r.text(i, 1), std::chrono::milliseconds(r.integer(i, 2))});
  return rows;
}

StoreResult<std::vector<RolloutLease>> PgLeases::rollout_leases() {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("rollout leases", e);
  // A removed rollout needs an owner until it has settled (its rollback confirmed).
  Result r = db_.exec(
      "SELECT r.name, coalesce(l.owner, ''), coalesce(l.epoch, 0), "
      "coalesce(floor(extract(epoch FROM l.expires_at - now()) * 1000)::bigint, 0) "
      "FROM rollouts r LEFT JOIN leases l ON l.rollout = r.name "
      "WHERE NOT r.deleted OR (r.state::jsonb ->> 'phase') NOT IN "
      "('Succeeded', 'RolledBack', 'Failed') ORDER BY r.name");
  if (!r.error().empty()) return store_error("rollout leases", r.error());
  std::vector<RolloutLease> rows;
  for (int i = 0; i < r.rows(); ++i)
    rows.push_back(RolloutLease{r.text(i, 0), r.text(i, 1), r.integer(i, 2),
                                std::chrono::milliseconds(r.integer(i, 3))});
  return rows;
}

StoreStatus PgLeases::leave() {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("leaving", e);
  Result r = db_.exec("DELETE FROM replicas WHERE id = $1", {param(owner_)});
  if (!r.error().empty()) return store_error("leaving", r.error());
  return std::nullopt;
}

}  // namespace rollguard
