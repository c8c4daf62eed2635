#include "controller/store/pg_schema.hpp"

namespace rollguard::pg {
namespace {

// Any fixed number: the key of the advisory lock migrations take turns on.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7346021)";

}  // namespace

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> all{
      // 1: rollouts, their revisions, the append-only event log, measurements (SQLite's
      // versions 1 and 2 together; times are ms since the epoch, as there).
      R"sql(
CREATE TABLE rollouts (
  name       TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,
  spec       TEXT NOT NULL,
  state      TEXT NOT NULL,
  known_good TEXT NOT NULL,
  deleted    BOOLEAN NOT NULL DEFAULT FALSE,
  updated_at BIGINT NOT NULL
);
CREATE TABLE revisions (
  rollout      TEXT NOT NULL,
  revision     INTEGER NOT NULL,
  spec         TEXT NOT NULL,
  canary       TEXT NOT NULL,
  started_from TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  actor        TEXT NOT NULL,
  PRIMARY KEY (rollout, revision)
);
CREATE TABLE events (
  rollout  TEXT NOT NULL,
  revision INTEGER NOT NULL,
  seq      BIGINT NOT NULL,
  at       BIGINT NOT NULL,
  kind     TEXT NOT NULL,
  phase    TEXT NOT NULL,
  step     BIGINT NOT NULL,
  reason   TEXT NOT NULL,
  actor    TEXT NOT NULL,
  PRIMARY KEY (rollout, seq)
);
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$;
CREATE TRIGGER events_no_edit BEFORE UPDATE OR DELETE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
CREATE TABLE measurements (
  id       BIGSERIAL PRIMARY KEY,
  rollout  TEXT NOT NULL,
  revision INTEGER NOT NULL,
  analysis TEXT NOT NULL,
  metric   TEXT NOT NULL,
  value    DOUBLE PRECISION,
  phase    TEXT NOT NULL,
  at       BIGINT NOT NULL
);
CREATE INDEX measurements_by_time ON measurements (at);
CREATE INDEX measurements_by_rollout ON measurements (rollout, revision);
)sql",
      // 2: per-rollout leases of replicas sharing the database (pg_leases.hpp). Expiry is the
      // database's clock, the one clock every replica sees.
      R"sql(
CREATE TABLE leases (
  rollout    TEXT PRIMARY KEY,
  owner      TEXT NOT NULL,
  epoch      BIGINT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX leases_by_owner ON leases (owner);
)sql",
      // 3: the replicas' heartbeats: who is live, and where its API listens.
      R"sql(
CREATE TABLE replicas (
  id           TEXT PRIMARY KEY,
  api          TEXT NOT NULL,
  started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_at TIMESTAMPTZ NOT NULL
);
)sql",
      // 4: changes sent to the replica that runs a rollout (pg_actions.hpp).
      R"sql(
CREATE TABLE actions (
  id          BIGSERIAL PRIMARY KEY,
  rollout     TEXT NOT NULL,
  owner       TEXT NOT NULL,
  request     TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending',
  answer      TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX actions_pending ON actions (owner) WHERE state = 'pending';
)sql",
  };
  return all;
}

int schema_version(Connection& db) {
  // Two statements: one naming a missing table would not even plan.
  Result exists = db.exec("SELECT to_regclass('rollguard_schema') IS NOT NULL");
  if (!exists.error().empty() || exists.rows() != 1) return -1;
  if (!exists.boolean(0, 0)) return 0;
  Result r = db.exec("SELECT version FROM rollguard_schema");
  if (!r.error().empty() || r.rows() != 1) return -1;
  return static_cast<int>(r.integer(0, 0));
}

std::string migrate(Connection& db, int target) {
  Transaction t(db);
  if (!t.begin_error().empty()) return t.begin_error();
  if (Result r = db.exec(kMigrationLock); !r.error().empty()) return r.error();
  const int current = schema_version(db);
  if (current < 0) return "cannot read the schema version: " + db.last_error();
  if (current > latest_schema_version()) {
    return "the database was written by a newer rollguard (schema version " +
           std::to_string(current) + ", this one knows up to " +
           std::to_string(latest_schema_version()) + ")";
  }
  if (current == 0) {
    Result r = db.exec(
        "CREATE TABLE rollguard_schema (version INTEGER NOT NULL); "
        "INSERT INTO rollguard_schema VALUES (0)");
    if (!r.error().empty()) return r.error();
  }
  // All pending migrations in one transaction: PostgreSQL's DDL is transactional, so the
  // database is at the old version or the new one, never between.
  for (int v = current; v < target; ++v) {
    if (Result r = db.exec(migrations()[static_cast<std::size_t>(v)]); !r.error().empty())
      return "migration to version " + std::to_string(v + 1) + ": " + r.error();
  }
  if (target != current) {
    Result r = db.exec("UPDATE rollguard_schema SET version = $1", {param(target)});
    if (!r.error().empty()) return r.error();
  }
  return t.commit();
}

}  // namespace rollguard::pg
