#include "controller/service/replica_service.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/ip/host_name.hpp>
#include <random>
#include <set>

#include "controller/service/replica_assignment.hpp"
#include "manifests/duration.hpp"
#include "strategies/planner.hpp"

namespace rollguard {
namespace {

using Millis = std::chrono::milliseconds;

Millis ms(Duration d) {
  return std::chrono::duration_cast<Millis>(d);
}

// Unique per process start, readable in a list: host, pid and a random suffix (a pid is
// reused after a restart; the suffix is not).
std::string new_replica_id() {
  std::random_device random;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", random());
  return boost::asio::ip::host_name() + "-" + std::to_string(::getpid()) + "-" + suffix;
}

ApplyResult apply_refused(std::string reason) {
  ApplyResult r;
  r.error = ServiceError::Conflict;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

std::variant<std::unique_ptr<ReplicaService>, std::string> ReplicaService::open(
    ServiceOptions service, ReplicaOptions replica) {
  const std::string id = new_replica_id();
  auto leases = PgLeases::open(service.store, id);
  if (auto* e = std::get_if<StoreError>(&leases)) return e->message;
  auto book = std::make_shared<LeaseBook>();
  service.leases = book;
  service.replica_id = id;
  auto local = LocalRolloutService::open(std::move(service));
  if (auto* e = std::get_if<std::string>(&local)) return *e;
  return std::unique_ptr<ReplicaService>(new ReplicaService(
      id, std::move(replica), std::get<std::unique_ptr<PgLeases>>(std::move(leases)),
      std::move(book), std::get<std::unique_ptr<LocalRolloutService>>(std::move(local))));
}

ReplicaService::ReplicaService(std::string id, ReplicaOptions options,
                               std::unique_ptr<PgLeases> leases, std::shared_ptr<LeaseBook> book,
                               std::unique_ptr<LocalRolloutService> local)
    : id_(std::move(id)),
      options_(std::move(options)),
      leases_(std::move(leases)),
      book_(std::move(book)),
      local_(std::move(local)) {}

ReplicaService::~ReplicaService() {
  shutdown();
}

std::optional<std::string> ReplicaService::start(const std::string& api) {
  api_ = api;
  if (auto e = local_->adopt()) return e;
  if (auto e = leases_->beat(api_)) return "heartbeat: " + e->message;
  loop_ = std::thread([this] { loop(); });
  spdlog::info("replica {}: joined (lease {}, renewed every {})", id_,
               format_duration(options_.lease_ttl), format_duration(options_.renew_every));
  return std::nullopt;
}

void ReplicaService::shutdown() {
  {
    std::lock_guard lock(loop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (loop_.joinable()) loop_.join();
  const std::vector<std::string> held = book_->rollouts();
  local_->shutdown();
  for (const std::string& name : held) leases_->release(name);
  leases_->leave();
  spdlog::info("replica {}: left; {} lease(s) given up", id_, held.size());
}

void ReplicaService::loop() {
  // Before taking anything, one renewal period for the other replicas starting at the same
  // time to beat: otherwise the first one up takes every rollout and hands most over again.
  std::unique_lock lock(loop_mutex_);
  for (wake_.wait_for(lock, options_.renew_every * 2, [this] { return stopping_; }); !stopping_;
       wake_.wait_for(lock, options_.renew_every, [this] { return stopping_; })) {
    lock.unlock();
    tick();
    lock.lock();
  }
}

void ReplicaService::tick() {
  const auto sent = std::chrono::steady_clock::now();
  const auto trusted_for = options_.lease_ttl - options_.safety_margin;
  auto beat = leases_->beat(api_);
  auto renewed = leases_->renew(ms(options_.lease_ttl));
  auto live = leases_->replicas(ms(options_.lease_ttl));
  auto leases = leases_->rollout_leases();
  const StoreError* failed =
      beat                                          ? &*beat
      : std::holds_alternative<StoreError>(renewed) ? &std::get<StoreError>(renewed)
      : std::holds_alternative<StoreError>(live)    ? &std::get<StoreError>(live)
                                                    : std::get_if<StoreError>(&leases);
  if (failed) {
    // The leases are trusted until their local deadlines pass; then nothing is acted on or
    // written until the database confirms them again (or says they are gone).
    if (!store_failing_)
      spdlog::error("replica {}: {}; rollouts hold still once their leases run out", id_,
                    failed->message);
    store_failing_ = true;
    return;
  }
  if (store_failing_) spdlog::info("replica {}: the database answers again", id_);
  store_failing_ = false;

  for (const std::string& name : book_->renewed(
           std::get<std::map<std::string, std::int64_t>>(renewed), sent, sent + trusted_for)) {
    spdlog::warn("{}: lease lost (not renewed in time); let go without another action", name);
    local_->let_go(name, true);
  }
  std::vector<std::string> live_ids;
  for (const ReplicaRow& r : std::get<std::vector<ReplicaRow>>(live)) live_ids.push_back(r.id);
  {
    std::lock_guard lock(live_mutex_);
    live_ = std::get<std::vector<ReplicaRow>>(live);
  }
  std::vector<LeaseView> views;
  std::set<std::string> needing_owner;
  for (const RolloutLease& l : std::get<std::vector<RolloutLease>>(leases)) {
    views.push_back(LeaseView{l.rollout, l.owner, l.live()});
    needing_owner.insert(l.rollout);
  }
  // A rollout removed and settled here needs no owner any more.
  for (const std::string& name : book_->rollouts()) {
    if (!needing_owner.contains(name) && !local_->manages(name)) {
      leases_->release(name);
      book_->forget(name);
    }
  }
  const ReplicaMoves moves = plan_replica_moves(id_, live_ids, views, book_->rollouts());
  for (const std::string& name : moves.hand_over) {
    local_->let_go(name, false);
    leases_->release(name);
    book_->forget(name);
    spdlog::info("{}: handed over to replica {}", name, designated_replica(name, live_ids));
  }
  for (const std::string& name : moves.acquire) {
    const auto asked = std::chrono::steady_clock::now();
    auto got = leases_->acquire(name, ms(options_.lease_ttl));
    if (std::holds_alternative<StoreError>(got)) return;  // said by the next tick's failure
    const auto epoch = std::get<std::optional<std::int64_t>>(got);
    if (!epoch) continue;  // another replica was faster
    book_->hold(name, *epoch, asked + trusted_for);
    if (auto why = local_->take_over(name)) {
      spdlog::error("{}: not taken over: {}", name, *why);
      local_->let_go(name, true);
      leases_->release(name);
      book_->forget(name);
      continue;
    }
    spdlog::info("{}: taken over (epoch {})", name, *epoch);
  }
}

std::string ReplicaService::claim(const std::string& name, std::string& why) {
  if (local_->manages(name)) return id_;
  const auto asked = std::chrono::steady_clock::now();
  auto got = leases_->acquire(name, ms(options_.lease_ttl));
  if (auto* e = std::get_if<StoreError>(&got)) {
    why = "store: " + e->message;
    return {};
  }
  if (const auto epoch = std::get<std::optional<std::int64_t>>(got)) {
    book_->hold(name, *epoch, asked + options_.lease_ttl - options_.safety_margin);
    if (auto e = local_->take_over(name)) {
      local_->let_go(name, true);
      leases_->release(name);
      book_->forget(name);
      why = *e;
      return {};
    }
    return id_;
  }
  auto row = leases_->lease_of(name);
  if (auto* e = std::get_if<StoreError>(&row)) {
    why = "store: " + e->message;
    return {};
  }
  const auto& lease = std::get<std::optional<LeaseRow>>(row);
  return lease ? lease->owner : std::string();
}

std::string ReplicaService::api_of(const std::string& replica) const {
  std::lock_guard lock(live_mutex_);
  for (const ReplicaRow& r : live_)
    if (r.id == replica) return r.api;
  return "unknown";
}

// What a replica cannot run: what lives inside one controller process and would not follow
// its rollout to another replica.
std::string ReplicaService::refusal_to_run(const RolloutSpec& spec) const {
  if (std::holds_alternative<ProcessTarget>(spec.target))
    return "process targets are single-node: their instances are children of one controller; "
           "replicas run static or command targets (docs/ha.md)";
  if (std::holds_alternative<BuiltinRouter>(spec.traffic.router))
    return "the built-in router inside a controller would move with its rollout: replicas "
           "configure haproxy, nginx or command routers (docs/ha.md)";
  return {};
}

ApplyResult ReplicaService::apply(RolloutSpec spec, const std::string& actor) {
  if (std::string no = refusal_to_run(spec); !no.empty())
    return apply_refused(spec.metadata.name + ": " + no);
  std::string why;
  const std::string owner = claim(spec.metadata.name, why);
  if (owner == id_) return local_->apply(std::move(spec), actor);
  if (owner.empty()) {
    ApplyResult r;
    r.error = ServiceError::StoreUnavailable;
    r.reason = why;
    return r;
  }
  return apply_refused(spec.metadata.name + " is run by replica " + owner + " (API " +
                       api_of(owner) + "): send changes for it there");
}

ActionResult ReplicaService::act(const std::string& name, const OperatorCommand& command) {
  std::string why;
  const std::string owner = claim(name, why);
  if (owner == id_) return local_->act(name, command);
  if (owner.empty() && why.empty()) return local_->act(name, command);  // an unknown name
  ActionResult r;
  r.error = owner.empty() ? ServiceError::StoreUnavailable : ServiceError::Conflict;
  r.reason = owner.empty() ? why
                           : name + " is run by replica " + owner + " (API " + api_of(owner) +
                                 "): send changes for it there";
  return r;
}

ActionResult ReplicaService::remove(const std::string& name, const std::string& actor) {
  std::string why;
  const std::string owner = claim(name, why);
  if (owner == id_ || (owner.empty() && why.empty())) return local_->remove(name, actor);
  ActionResult r;
  r.error = owner.empty() ? ServiceError::StoreUnavailable : ServiceError::Conflict;
  r.reason = owner.empty() ? why
                           : name + " is run by replica " + owner + " (API " + api_of(owner) +
                                 "): send changes for it there";
  return r;
}

std::optional<RolloutStatus> ReplicaService::stored_status(const RolloutRecord& record,
                                                           const std::string& owner) const {
  if (record.removed && is_terminal(record.state.phase)) return std::nullopt;
  RolloutStatus s;
  s.name = record.name;
  s.revision = record.revision;
  s.spec = std::make_shared<const RolloutSpec>(record.spec);
  s.state = record.state;
  s.steps = Planner(record.spec).program().steps.size();
  s.updatedAt = record.updatedAt;
  s.owner = owner;
  return s;
}

std::optional<RolloutStatus> ReplicaService::get(const std::string& name) const {
  if (auto here = local_->get(name)) return here;
  auto loaded = local_->store().load_rollout(name);
  auto* record = std::get_if<std::optional<RolloutRecord>>(&loaded);
  if (!record || !*record) return std::nullopt;
  auto lease = leases_->lease_of(name);
  auto* row = std::get_if<std::optional<LeaseRow>>(&lease);
  return stored_status(**record,
                       row && *row && (*row)->expires_in.count() > 0 ? (*row)->owner : "");
}

std::vector<RolloutStatus> ReplicaService::list() const {
  std::vector<RolloutStatus> all = local_->list();
  std::set<std::string> here;
  for (const RolloutStatus& s : all) here.insert(s.name);
  auto loaded = local_->store().load();
  auto leases = leases_->all();
  std::map<std::string, std::string> owners;
  if (auto* rows = std::get_if<std::vector<LeaseRow>>(&leases))
    for (const LeaseRow& l : *rows)
      if (l.expires_in.count() > 0) owners[l.rollout] = l.owner;
  if (auto* stored = std::get_if<Store::Loaded>(&loaded))
    for (const RolloutRecord& r : stored->rollouts)
      if (!here.contains(r.name))
        if (auto s = stored_status(r, owners[r.name])) all.push_back(std::move(*s));
  return all;
}

std::vector<StoredEvent> ReplicaService::history(const std::string& name,
                                                 std::int64_t after_seq) const {
  return local_->history(name, after_seq);
}

std::uint64_t ReplicaService::subscribe(Listener listener) {
  return local_->subscribe(std::move(listener));
}

void ReplicaService::unsubscribe(std::uint64_t id) {
  local_->unsubscribe(id);
}

std::optional<std::vector<ReplicaInfo>> ReplicaService::replicas() const {
  std::vector<ReplicaInfo> out;
  auto live = leases_->replicas(ms(options_.lease_ttl));
  if (auto* rows = std::get_if<std::vector<ReplicaRow>>(&live))
    for (const ReplicaRow& r : *rows) out.push_back(ReplicaInfo{r.id, r.api, r.heartbeat_age, {}});
  auto leases = leases_->all();
  if (auto* rows = std::get_if<std::vector<LeaseRow>>(&leases))
    for (const LeaseRow& l : *rows)
      for (ReplicaInfo& r : out)
        if (r.id == l.owner && l.expires_in.count() > 0)
          r.leases.push_back(ReplicaInfo::Lease{l.rollout, l.epoch, l.expires_in});
  return out;
}

}  // namespace rollguard
