#include "controller/store/sqlite_schema.hpp"

namespace rollguard::sqlite {

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> all{
      // 1: rollouts, their revisions, the event log.
      R"sql(
CREATE TABLE rollouts (
  name       TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,
  spec       TEXT NOT NULL,              -- the latest manifest applied (JSON)
  state      TEXT NOT NULL,              -- RolloutState of the current revision (JSON)
  known_good TEXT NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL            -- ms since the epoch
);
CREATE TABLE revisions (
  rollout      TEXT NOT NULL,
  revision     INTEGER NOT NULL,
  spec         TEXT NOT NULL,            -- the manifest this revision runs (JSON)
  canary       TEXT NOT NULL,
  started_from TEXT NOT NULL,            -- the known-good version it started beside
  created_at   INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  PRIMARY KEY (rollout, revision)
);
CREATE TABLE events (
  rollout  TEXT NOT NULL,
  revision INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  phase    TEXT NOT NULL,
  step     INTEGER NOT NULL,
  reason   TEXT NOT NULL,
  actor    TEXT NOT NULL,
  PRIMARY KEY (rollout, seq)
) WITHOUT ROWID;
)sql",
      // 2: measurements with a retention index; the event log refuses edits.
      R"sql(
CREATE TABLE measurements (
  id       INTEGER PRIMARY KEY,
  rollout  TEXT NOT NULL,
  revision INTEGER NOT NULL,
  analysis TEXT NOT NULL,
  metric   TEXT NOT NULL,
  value    REAL,
  phase    TEXT NOT NULL,
  at       INTEGER NOT NULL
);
CREATE INDEX measurements_by_time ON measurements (at);
CREATE INDEX measurements_by_rollout ON measurements (rollout, revision);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
)sql",
  };
  return all;
}

int schema_version(Database& db) {
  std::string error;
  Statement s = db.prepare("PRAGMA user_version", error);
  if (!error.empty() || !s.step(error)) return -1;
  return static_cast<int>(s.integer(0));
}

std::string migrate(Database& db, int target) {
  const int current = schema_version(db);
  if (current < 0) return "cannot read the schema version: " + db.last_error();
  if (current > latest_schema_version()) {
    return "the data was written by a newer rollguard (schema version " + std::to_string(current) +
           ", this one knows up to " + std::to_string(latest_schema_version()) + ")";
  }
  for (int v = current; v < target; ++v) {
    Transaction t(db);
    if (!t.begin_error().empty()) return t.begin_error();
    if (std::string e = db.exec(migrations()[static_cast<std::size_t>(v)]); !e.empty())
      return "migration to version " + std::to_string(v + 1) + ": " + e;
    if (std::string e = db.exec("PRAGMA user_version = " + std::to_string(v + 1)); !e.empty())
      return e;
    if (std::string e = t.commit(); !e.empty()) return e;
  }
  return {};
}

}  // namespace rollguard::sqlite
