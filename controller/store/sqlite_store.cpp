#include "controller/store/sqlite_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "controller/store/record_text.hpp"
#include "controller/store/sqlite_check.hpp"
#include "controller/store/sqlite_schema.hpp"
#include "controller/store/state_json.hpp"

namespace rollguard {
namespace {

using sqlite::Statement;

// Flushes `from` to disk, renames it to `to` and flushes the directory's entry for it.
std::string sync_and_rename(const std::string& from, const std::string& to) {
  const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return from + ": " + why;
  }
  ::close(fd);
  if (::rename(from.c_str(), to.c_str()) != 0)
    return "rename to " + to + ": " + std::strerror(errno);
  const std::string dir = std::filesystem::path(to).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

// A new file is made whole under a temporary name and renamed into place, so that a file at
// `path` is always a complete store: an empty or half-made one is damage, never a new start.
std::string create_store(const std::string& path) {
  const std::string draft = path + ".new";
  auto remove_draft = [&draft] {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      std::filesystem::remove(draft + suffix, ignored);
  };
  remove_draft();  // left by a start that died half-way
  std::string e;
  {
    sqlite::Database db;
    e = db.open(draft);
    if (e.empty()) e = db.exec("PRAGMA journal_mode = WAL");
    if (e.empty()) e = sqlite::migrate(db);
  }  // closing checkpoints the log into the file
  if (e.empty()) e = sync_and_rename(draft, path);
  if (!e.empty()) remove_draft();
  return e;
}

}  // namespace

std::variant<std::unique_ptr<SqliteStore>, StoreError> SqliteStore::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (std::string e = create_store(path); !e.empty())
      return store_error(path + ": cannot create", e);
  }
  // An existing file is checked before anything is written to it, and refused untouched.
  const std::string untouched =
      "; the file was left as it is: restore it from a backup, or move it away to start with an "
      "empty store";
  if (std::string e = sqlite::check_file(path); !e.empty())
    return StoreError{path + ": " + e + untouched};
  sqlite::Database db;
  if (std::string e = db.open(path); !e.empty()) return StoreError{e};
  if (std::string e = sqlite::check_store(db); !e.empty())
    return StoreError{path + ": " + e + untouched};
  // WAL, then FULL (see the header); foreign keys are not used, the service keeps the links.
  if (std::string e = db.exec("PRAGMA journal_mode = WAL"); !e.empty())
    return store_error(path + ": journal_mode", e);
  if (std::string e = db.exec("PRAGMA synchronous = FULL"); !e.empty())
    return store_error(path + ": synchronous", e);
  if (std::string e = sqlite::migrate(db); !e.empty()) return store_error(path, e);
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db)));
}

StoreResult<Store::Loaded> SqliteStore::load() {
  std::lock_guard lock(mutex_);
  std::string e;
  Statement s = db_.prepare(
      "SELECT r.name, r.revision, v.spec, r.spec, r.state, r.deleted, r.updated_at "
      "FROM rollouts r JOIN revisions v ON v.rollout = r.name AND v.revision = r.revision "
      "ORDER BY r.name",
      e);
  Loaded loaded;
  while (e.empty() && s.step(e)) {
    RolloutRecord r;
    r.name = s.text(0);
    r.revision = static_cast<int>(s.integer(1));
    auto spec = spec_from_text(s.text(2));
    auto applied = spec_from_text(s.text(3));
    auto state = state_from_text(s.text(4));
    for (const auto* problem : {std::get_if<std::string>(&spec), std::get_if<std::string>(&applied),
                                std::get_if<std::string>(&state)}) {
      if (problem) loaded.unreadable.emplace_back(r.name, *problem);
    }
    if (!loaded.unreadable.empty() && loaded.unreadable.back().first == r.name) continue;
    r.spec = std::get<RolloutSpec>(std::move(spec));
    r.applied = std::get<RolloutSpec>(std::move(applied));
    r.state = std::get<RolloutState>(std::move(state));
    r.removed = s.integer(5) != 0;
    r.updatedAt = from_millis(s.integer(6));
    loaded.rollouts.push_back(std::move(r));
  }
  if (!e.empty()) return store_error("load", e);
  return loaded;
}

StoreResult<std::vector<StoredEvent>> SqliteStore::begin_revision(const RolloutRecord& record,
                                                                  const std::string& actor,
                                                                  const Events& events) {
  std::lock_guard lock(mutex_);
  sqlite::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error("begin revision", t.begin_error());
  std::string e;
  const std::string spec = spec_text(record.spec);
  Statement row = db_.prepare(
      "INSERT INTO rollouts (name, revision, spec, state, known_good, deleted, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT (name) DO UPDATE SET "
      "revision = ?2, spec = ?3, state = ?4, known_good = ?5, deleted = 0, updated_at = ?6",
      e);
  if (e.empty()) {
    e = row.bind(1, record.name)
            .bind(2, record.revision)
            .bind(3, spec_text(record.applied))
            .bind(4, state_text(record.state))
            .bind(5, record.state.knownGood)
            .bind(6, to_millis(record.updatedAt))
            .run();
  }
  Statement rev = e.empty() ? db_.prepare(
                                  "INSERT INTO revisions (rollout, revision, spec, canary, "
                                  "started_from, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  e)
                            : Statement();
  if (e.empty()) {
    e = rev.bind(1, record.name)
            .bind(2, record.revision)
            .bind(3, spec)
            .bind(4, record.spec.canary)
            .bind(5, record.state.stableVersion)
            .bind(6, to_millis(record.updatedAt))
            .bind(7, actor)
            .run();
  }
  std::vector<StoredEvent> stored;
  TimePoint latest = record.updatedAt;
  if (e.empty()) e = insert_events(record.name, record.revision, events, stored, latest);
  if (e.empty()) e = t.commit();
  if (!e.empty())
    return store_error("revision " + std::to_string(record.revision) + " of " + record.name, e);
  return stored;
}

std::string SqliteStore::insert_events(const std::string& name, int revision, const Events& events,
                                       std::vector<StoredEvent>& stored, TimePoint& latest) {
  std::string e;
  std::int64_t seq = 0;
  Statement last = db_.prepare("SELECT COALESCE(MAX(seq), 0) FROM events WHERE rollout = ?", e);
  if (e.empty()) {
    last.bind(1, name);
    if (last.step(e)) seq = last.integer(0);
  }
  Statement insert =
      e.empty() ? db_.prepare(
                      "INSERT INTO events (rollout, revision, seq, at, kind, phase, step, reason, "
                      "actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      e)
                : Statement();
  for (std::size_t i = 0; e.empty() && i < events.size(); ++i) {
    const Event& ev = events[i];
    stored.push_back(StoredEvent{name, revision, ++seq, ev});
    latest = std::max(latest, ev.at);
    insert.reset();
    e = insert.bind(1, name)
            .bind(2, revision)
            .bind(3, seq)
            .bind(4, to_millis(ev.at))
            .bind(5, std::string(to_string(ev.kind)))
            .bind(6, std::string(to_string(ev.phase)))
            .bind(7, static_cast<std::int64_t>(ev.step))
            .bind(8, ev.reason)
            .bind(9, ev.actor)
            .run();
  }
  return e;
}

StoreStatus SqliteStore::update_applied(const std::string& name, const RolloutSpec& applied) {
  std::lock_guard lock(mutex_);
  std::string e;
  Statement s = db_.prepare("UPDATE rollouts SET spec = ? WHERE name = ?", e);
  if (e.empty()) e = s.bind(1, spec_text(applied)).bind(2, name).run();
  if (e.empty() && sqlite3_changes(db_.handle()) == 0) e = "no such rollout";
  if (!e.empty()) return store_error("update " + name, e);
  return std::nullopt;
}

StoreResult<std::vector<StoredEvent>> SqliteStore::append(const std::string& name, int revision,
                                                          const Events& events,
                                                          const RolloutState& state,
                                                          std::optional<bool> removed) {
  std::lock_guard lock(mutex_);
  sqlite::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error("append", t.begin_error());
  std::vector<StoredEvent> stored;
  TimePoint updated = state.startedAt;
  std::string e = insert_events(name, revision, events, stored, updated);
  Statement row =
      e.empty()
          ? db_.prepare(
                "UPDATE rollouts SET state = ?1, known_good = ?2, updated_at = MAX(updated_at, "
                "?3), deleted = COALESCE(?4, deleted) WHERE name = ?5 AND revision = ?6",
                e)
          : Statement();
  if (e.empty()) {
    row.bind(1, state_text(state)).bind(2, state.knownGood).bind(3, to_millis(updated));
    if (removed) {
      row.bind(4, static_cast<std::int64_t>(*removed));
    } else {
      row.bind_null(4);
    }
    e = row.bind(5, name).bind(6, revision).run();
    if (e.empty() && sqlite3_changes(db_.handle()) == 0)
      e = "no rollout " + name + " at revision " + std::to_string(revision);
  }
  if (e.empty()) e = t.commit();
  if (!e.empty()) return store_error("append to " + name, e);
  return stored;
}

StoreResult<std::vector<StoredEvent>> SqliteStore::events(const std::string& name,
                                                          std::int64_t after_seq,
                                                          std::size_t limit) {
  std::lock_guard lock(mutex_);
  std::string e;
  Statement s = db_.prepare(
      "SELECT revision, seq, at, kind, phase, step, reason, actor FROM events "
      "WHERE rollout = ? AND seq > ? ORDER BY seq LIMIT ?",
      e);
  if (e.empty()) s.bind(1, name).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
  std::vector<StoredEvent> out;
  while (e.empty() && s.step(e)) {
    StoredEvent ev;
    ev.rollout = name;
    ev.revision = static_cast<int>(s.integer(0));
    ev.seq = s.integer(1);
    ev.event.at = from_millis(s.integer(2));
    ev.event.kind = parse_event_kind(s.text(3)).value_or(EventKind::Note);
    ev.event.phase = parse_phase(s.text(4)).value_or(Phase::Pending);
    ev.event.step = static_cast<std::size_t>(s.integer(5));
    ev.event.reason = s.text(6);
    ev.event.actor = s.text(7);
    out.push_back(std::move(ev));
  }
  if (!e.empty()) return store_error("events of " + name, e);
  return out;
}

StoreStatus SqliteStore::add_measurements(const std::vector<MeasurementRecord>& measurements) {
  std::lock_guard lock(mutex_);
  sqlite::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error("measurements", t.begin_error());
  std::string e;
  Statement s = db_.prepare(
      "INSERT INTO measurements (rollout, revision, analysis, metric, value, phase, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      e);
  for (std::size_t i = 0; e.empty() && i < measurements.size(); ++i) {
    const MeasurementRecord& m = measurements[i];
    s.reset();
    s.bind(1, m.rollout).bind(2, m.revision).bind(3, m.analysis).bind(4, m.metric);
    if (m.value) {
      s.bind(5, *m.value);
    } else {
      s.bind_null(5);
    }
    e = s.bind(6, std::string(to_string(m.verdict))).bind(7, to_millis(m.at)).run();
  }
  if (e.empty()) e = t.commit();
  if (!e.empty()) return store_error("measurements", e);
  return std::nullopt;
}

StoreResult<std::vector<MeasurementRecord>> SqliteStore::measurements(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::string e;
  Statement s = db_.prepare(
      "SELECT revision, analysis, metric, value, phase, at FROM measurements WHERE rollout = ? "
      "ORDER BY id",
      e);
  if (e.empty()) s.bind(1, name);
  std::vector<MeasurementRecord> out;
  while (e.empty() && s.step(e)) {
    out.push_back(MeasurementRecord{name, static_cast<int>(s.integer(0)), s.text(1), s.text(2),
                                    s.real(3), parse_verdict(s.text(4)).value_or(Verdict::Error),
                                    from_millis(s.integer(5))});
  }
  if (!e.empty()) return store_error("measurements of " + name, e);
  return out;
}

StoreResult<std::int64_t> SqliteStore::prune_measurements(TimePoint before) {
  std::lock_guard lock(mutex_);
  std::string e;
  Statement s = db_.prepare("DELETE FROM measurements WHERE at < ?", e);
  if (e.empty()) e = s.bind(1, to_millis(before)).run();
  if (!e.empty()) return store_error("retention", e);
  return static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
}

}  // namespace rollguard
