#include "controller/store/pg_store.hpp"

#include "controller/store/pg_schema.hpp"
#include "controller/store/record_text.hpp"
#include "controller/store/state_json.hpp"

namespace rollguard {
namespace {

using pg::param;
using pg::Result;

// The advisory lock of "this database is in use by one rollguard" (pg_locks shows it with
// classid 0 and this objid).
constexpr std::int64_t kDatabaseLock = 7346022;

}  // namespace

std::variant<std::unique_ptr<PgStore>, StoreError> PgStore::open(const std::string& uri,
                                                                 const std::string& holder,
                                                                 std::optional<LeaseFence> fence) {
  auto connected = pg::Connection::open(uri);
  if (auto* why = std::get_if<std::string>(&connected)) return store_error("postgresql", *why);
  std::unique_ptr<PgStore> store(
      new PgStore(std::get<pg::Connection>(std::move(connected)), holder, std::move(fence)));
  if (std::string e = store->take_database(); !e.empty()) return StoreError{e};
  if (std::string e = pg::migrate(store->db_); !e.empty()) return store_error("postgresql", e);
  return store;
}

std::string PgStore::take_database() {
  // The name other servers and pg_stat_activity see for this connection.
  if (Result r = db_.exec("SELECT set_config('application_name', $1, false)", {param(holder_)});
      !r.error().empty())
    return "postgresql: " + r.error();
  if (fence_) return {};  // replicas share the database; each write is fenced instead
  Result r = db_.exec("SELECT pg_try_advisory_lock($1)", {param(kDatabaseLock)});
  if (!r.error().empty()) return "postgresql: " + r.error();
  if (r.boolean(0, 0)) return {};
  Result who = db_.exec(
      "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = $1 AND l.granted",
      {param(kDatabaseLock)});
  const std::string other = who.error().empty() && who.rows() > 0 ? who.text(0, 0) : "";
  return "the database is in use by another rollguard" +
         (other.empty() ? std::string() : " (" + other + ")") +
         "; one server per database until replicas share one";
}

std::string PgStore::ready() {
  if (db_.usable()) return {};
  // A new session holds no lock: take the database again before anything is written.
  if (std::string e = db_.reconnect(); !e.empty()) return e;
  return take_database();
}

std::string PgStore::fenced(const std::string& rollout) {
  if (!fence_) return {};
  const std::optional<std::int64_t> epoch = fence_->epoch_of(rollout);
  if (!epoch) return "this replica (" + fence_->owner + ") holds no lease of " + rollout;
  Result r = db_.exec(
      "SELECT 1 FROM leases WHERE rollout = $1 AND owner = $2 AND epoch = $3 AND "
      "expires_at > now() FOR SHARE",
      {param(rollout), param(fence_->owner), param(*epoch)});
  if (!r.error().empty()) return r.error();
  if (r.rows() == 0)
    return "the lease of " + rollout + " at epoch " + std::to_string(*epoch) + " is no longer " +
           fence_->owner + "'s: nothing was written";
  return {};
}

StoreResult<Store::Loaded> PgStore::load() {
  return load_where("", {});
}

StoreResult<std::optional<RolloutRecord>> PgStore::load_rollout(const std::string& name) {
  auto loaded = load_where("WHERE r.name = $1 ", {pg::param(name)});
  if (auto* e = std::get_if<StoreError>(&loaded)) return *e;
  Loaded& one = std::get<Loaded>(loaded);
  if (!one.unreadable.empty()) return store_error("load " + name, one.unreadable.front().second);
  if (one.rollouts.empty()) return std::optional<RolloutRecord>{};
  return std::optional<RolloutRecord>{std::move(one.rollouts.front())};
}

StoreResult<Store::Loaded> PgStore::load_rollouts(const std::vector<std::string>& names) {
  return load_where("WHERE r.name = ANY($1::text[]) ", {pg::text_array(names)});
}

StoreResult<Store::Loaded> PgStore::load_where(const std::string& where,
                                               const std::vector<pg::Param>& params) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("load", e);
  Result r = db_.exec(
      "SELECT r.name, r.revision, v.spec, r.spec, r.state, r.deleted, r.updated_at "
      "FROM rollouts r JOIN revisions v ON v.rollout = r.name AND v.revision = r.revision " +
          where + "ORDER BY r.name",
      params);
  if (!r.error().empty()) return store_error("load", r.error());
  Loaded loaded;
  for (int i = 0; i < r.rows(); ++i) {
    RolloutRecord rec;
    rec.name = r.text(i, 0);
    rec.revision = static_cast<int>(r.integer(i, 1));
    auto spec = spec_from_text(r.text(i, 2));
    auto applied = spec_from_text(r.text(i, 3));
    auto state = state_from_text(r.text(i, 4));
    bool readable = true;
    for (const auto* problem : {std::get_if<std::string>(&spec), std::get_if<std::string>(&applied),
                                std::get_if<std::string>(&state)}) {
      if (problem) {
        loaded.unreadable.emplace_back(rec.name, *problem);
        readable = false;
      }
    }
    if (!readable) continue;
    rec.spec = std::get<RolloutSpec>(std::move(spec));
    rec.applied = std::get<RolloutSpec>(std::move(applied));
    rec.state = std::get<RolloutState>(std::move(state));
    rec.removed = r.boolean(i, 5);
    rec.updatedAt = from_millis(r.integer(i, 6));
    loaded.rollouts.push_back(std::move(rec));
  }
  return loaded;
}

StoreResult<std::vector<StoredEvent>> PgStore::begin_revision(const RolloutRecord& record,
                                                              const std::string& actor,
                                                              const Events& events) {
  std::lock_guard lock(mutex_);
  const std::string what = "revision " + std::to_string(record.revision) + " of " + record.name;
  if (std::string e = ready(); !e.empty()) return store_error(what, e);
  pg::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error(what, t.begin_error());
  if (std::string e = fenced(record.name); !e.empty()) return store_error(what, e);
  std::string e =
      db_.exec(
             "INSERT INTO rollouts (name, revision, spec, state, known_good, deleted, updated_at) "
             "VALUES ($1, $2, $3, $4, $5, FALSE, $6) ON CONFLICT (name) DO UPDATE SET "
             "revision = $2, spec = $3, state = $4, known_good = $5, deleted = FALSE, "
             "updated_at = $6",
             {param(record.name), param(record.revision), param(spec_text(record.applied)),
              param(state_text(record.state)), param(record.state.knownGood),
              param(to_millis(record.updatedAt))})
          .error();
  if (e.empty()) {
    e = db_.exec(
               "INSERT INTO revisions (rollout, revision, spec, canary, started_from, "
               "created_at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {param(record.name), param(record.revision), param(spec_text(record.spec)),
                param(record.spec.canary), param(record.state.stableVersion),
                param(to_millis(record.updatedAt)), param(actor)})
            .error();
  }
  std::vector<StoredEvent> stored;
  TimePoint latest = record.updatedAt;
  if (e.empty()) e = insert_events(record.name, record.revision, events, stored, latest);
  if (e.empty()) e = t.commit();
  if (!e.empty()) return store_error(what, e);
  return stored;
}

std::string PgStore::insert_events(const std::string& name, int revision, const Events& events,
                                   std::vector<StoredEvent>& stored, TimePoint& latest) {
  if (events.empty()) return {};
  Result last =
      db_.exec("SELECT COALESCE(MAX(seq), 0) FROM events WHERE rollout = $1", {param(name)});
  if (!last.error().empty()) return last.error();
  std::int64_t seq = last.integer(0, 0);
  for (const Event& ev : events) {
    stored.push_back(StoredEvent{name, revision, ++seq, ev});
    latest = std::max(latest, ev.at);
    Result r = db_.exec(
        "INSERT INTO events (rollout, revision, seq, at, kind, phase, step, reason, actor) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {param(name), param(revision), param(seq), param(to_millis(ev.at)),
         param(std::string(to_string(ev.kind))), param(std::string(to_string(ev.phase))),
         param(static_cast<std::int64_t>(ev.step)), param(ev.reason), param(ev.actor)});
    if (!r.error().empty()) return r.error();
  }
  // Replicas that do not run this rollout stream its events too (pg_actions.hpp): told with
  // the commit, never before.
  if (fence_) return db_.exec("SELECT pg_notify('rollguard_events', $1)", {param(name)}).error();
  return {};
}

StoreStatus PgStore::update_applied(const std::string& name, const RolloutSpec& applied) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("update " + name, e);
  pg::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error("update " + name, t.begin_error());
  if (std::string e = fenced(name); !e.empty()) return store_error("update " + name, e);
  Result r = db_.exec("UPDATE rollouts SET spec = $1 WHERE name = $2",
                      {param(spec_text(applied)), param(name)});
  if (!r.error().empty()) return store_error("update " + name, r.error());
  if (r.affected() == 0) return store_error("update " + name, "no such rollout");
  if (std::string e = t.commit(); !e.empty()) return store_error("update " + name, e);
  return std::nullopt;
}

StoreResult<std::vector<StoredEvent>> PgStore::append(const std::string& name, int revision,
                                                      const Events& events,
                                                      const RolloutState& state,
                                                      std::optional<bool> removed) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("append to " + name, e);
  pg::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error("append to " + name, t.begin_error());
  std::vector<StoredEvent> stored;
  TimePoint updated = state.startedAt;
  std::string e = fenced(name);
  if (e.empty()) e = insert_events(name, revision, events, stored, updated);
  if (e.empty()) {
    pg::Param deleted = removed ? param(std::string(*removed ? "true" : "false")) : pg::Param{};
    Result r = db_.exec(
        "UPDATE rollouts SET state = $1, known_good = $2, updated_at = GREATEST(updated_at, $3), "
        "deleted = COALESCE($4::boolean, deleted) WHERE name = $5 AND revision = $6",
        {param(state_text(state)), param(state.knownGood), param(to_millis(updated)), deleted,
         param(name), param(revision)});
    e = r.error();
    if (e.empty() && r.affected() == 0)
      e = "no rollout " + name + " at revision " + std::to_string(revision);
  }
  if (e.empty()) e = t.commit();
  if (!e.empty()) return store_error("append to " + name, e);
  return stored;
}

StoreResult<std::vector<StoredEvent>> PgStore::events(const std::string& name,
                                                      std::int64_t after_seq, std::size_t limit) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("events of " + name, e);
  Result r = db_.exec(
      "SELECT revision, seq, at, kind, phase, step, reason, actor FROM events "
      "WHERE rollout = $1 AND seq > $2 ORDER BY seq LIMIT $3",
      {param(name), param(after_seq), param(static_cast<std::int64_t>(limit))});
  if (!r.error().empty()) return store_error("events of " + name, r.error());
  std::vector<StoredEvent> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    StoredEvent ev;
    ev.rollout = name;
    ev.revision = static_cast<int>(r.integer(i, 0));
    ev.seq = r.integer(i, 1);
    ev.event.at = from_millis(r.integer(i, 2));
    ev.event.kind = parse_event_kind(r.text(i, 3)).value_or(EventKind::Note);
    ev.event.phase = parse_phase(r.text(i, 4)).value_or(Phase::Pending);
    ev.event.step = static_cast<std::size_t>(r.integer(i, 5));
    ev.event.reason = r.text(i, 6);
    ev.event.actor = r.text(i, 7);
    out.push_back(std::move(ev));
  }
  return out;
}

StoreStatus PgStore::add_measurements(const std::vector<MeasurementRecord>& measurements) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("measurements", e);
  pg::Transaction t(db_);
  if (!t.begin_error().empty()) return store_error("measurements", t.begin_error());
  for (const MeasurementRecord& m : measurements) {
    // A replica that lost a rollout's lease keeps nothing more of it, measurements included.
    if (!fenced(m.rollout).empty()) continue;
    Result r = db_.exec(
        "INSERT INTO measurements (rollout, revision, analysis, metric, value, phase, at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {param(m.rollout), param(m.revision), param(m.analysis), param(m.metric),
         m.value ? param(*m.value) : pg::Param{}, param(std::string(to_string(m.verdict))),
         param(to_millis(m.at))});
    if (!r.error().empty()) return store_error("measurements", r.error());
  }
  if (std::string e = t.commit(); !e.empty()) return store_error("measurements", e);
  return std::nullopt;
}

StoreResult<std::vector<MeasurementRecord>> PgStore::measurements(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("measurements of " + name, e);
  Result r = db_.exec(
      "SELECT revision, analysis, metric, value, phase, at FROM measurements WHERE rollout = $1 "
      "ORDER BY id",
      {param(name)});
  if (!r.error().empty()) return store_error("measurements of " + name, r.error());
  std::vector<MeasurementRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(MeasurementRecord{
        name, static_cast<int>(r.integer(i, 0)), r.text(i, 1), r.text(i, 2), r.real(i, 3),
        parse_verdict(r.text(i, 4)).value_or(Verdict::Error), from_millis(r.integer(i, 5))});
  }
  return out;
}

StoreResult<std::int64_t> PgStore::prune_measurements(TimePoint before) {
  std::lock_guard lock(mutex_);
  if (std::string e = ready(); !e.empty()) return store_error("retention", e);
  Result r = db_.exec("DELETE FROM measurements WHERE at < $1", {param(to_millis(before))});
  if (!r.error().empty()) return store_error("retention", r.error());
  return r.affected();
}

}  // namespace rollguard
