#pragma once
// `rollguard serve --replica`: one of several servers sharing a PostgreSQL database
// (docs/ha.md). Each rollout is run by the replica holding its lease. This replica's renewer
// beats its heartbeat and renews its leases on a thread and a connection of their own, so
// that nothing else can delay a renewal; its loop lets go of a rollout whose lease was lost,
// takes over the rollouts the rendezvous hash gives it whose leases are free, and hands over
// the ones a newly joined replica wins (both wait on rollouts' strands). The API is served for
// every rollout: those run here by the LocalRolloutService inside; the others are read from the
// database, their changes sent to their owner through it (pg_actions.hpp) and their events streamed
// from its notifications.
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <variant>

#include "controller/service/local_rollout_service.hpp"
#include "controller/store/pg_actions.hpp"
#include "controller/store/pg_leases.hpp"

namespace rollguard {

struct ReplicaOptions {
  Duration lease_ttl = 5s;
  Duration renew_every = 1s;
  // A lease is trusted for TTL minus this after the renewal that confirmed it was sent: time
  // for clocks that run at slightly different rates and for a stop in the middle of an action.
  Duration safety_margin = 1s;
};

class ReplicaService final : public RolloutService {
 public:
  // `service.store` must be a postgresql:// URI. The replica's id is made here, new for each
  // process start.
  static std::variant<std::unique_ptr<ReplicaService>, std::string> open(ServiceOptions service,
                                                                         ReplicaOptions replica);
  ~ReplicaService() override;

  // Ready, and the loop running: rollouts come to this replica from now on. `api` is where
  // this replica's API listens ("host:port"), for the other replicas and GET /v1/replicas.
  std::optional<std::string> start(const std::string& api);
  // Stops the loop and every rollout run here (graceful: after router changes in flight),
  // then gives their leases up, so the others take over at once rather than after a TTL.
  void shutdown();
  LocalRolloutService& local() { return *local_; }
  const std::string& id() const { return id_; }

  ApplyResult apply(RolloutSpec spec, const std::string& actor) override;
  // get and list throw Unavailable (api_error.hpp) when a rollout run elsewhere cannot be read.
  std::optional<RolloutStatus> get(const std::string& name) const override;
  std::vector<RolloutStatus> list() const override;
  ActionResult act(const std::string& name, const OperatorCommand& command) override;
  ActionResult remove(const std::string& name, const std::string& actor) override;
  std::vector<StoredEvent> history(const std::string& name,
                                   std::int64_t after_seq = 0) const override;
  std::uint64_t subscribe(Listener listener) override;
  void unsubscribe(std::uint64_t id) override;
  bool ready() const override { return local_->ready(); }
  std::optional<std::vector<ReplicaInfo>> replicas() const override;

 private:
  struct Connections;
  ReplicaService(std::string id, ReplicaOptions options, Connections connections,
                 std::shared_ptr<LeaseBook> book, std::unique_ptr<LocalRolloutService> local);
  void renew_loop();
  void renew();
  void loop();
  void tick();
  void give_up(const std::string& name, bool lost);
  // The inbox: requests for rollouts run here, and events of the others for the streams.
  void inbox();
  std::string carry_out(const std::string& rollout, const std::string& request);
  void stream_events_of(const std::string& rollout);
  // A change for `name`, run here or sent to the replica that runs it: its answer as JSON
  // ({"error", "reason", "outcome"}).
  nlohmann::json change(const std::string& name, const nlohmann::json& request);
  // Takes `name` for this replica when its lease is free; the replica that runs it (this
  // one's id when it does now), empty when that could not be learnt.
  std::string claim(const std::string& name, std::string& why);
  std::string refusal_to_run(const RolloutSpec& spec) const;
  std::optional<RolloutStatus> stored_status(const RolloutRecord& record,
                                             const std::string& owner) const;

  const std::string id_;
  const ReplicaOptions options_;
  std::string api_;  // set by start()
  std::unique_ptr<PgLeases> leases_;
  std::unique_ptr<PgLeases> renewals_;  // the renewer's alone
  std::unique_ptr<PgActions> outbox_, inbox_;
  std::shared_ptr<LeaseBook> book_;
  std::unique_ptr<LocalRolloutService> local_;

  std::mutex loop_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::string> lost_;  // by the renewer, for the loop to let go of
  bool store_failing_ = false;     // on the renewer: said once per outage
  std::thread renewer_, loop_, inbox_thread_;

  std::mutex streams_mutex_;
  std::map<std::uint64_t, std::shared_ptr<Listener>> listeners_;  // also given to local_
  std::map<std::string, std::int64_t> streamed_;  // the last seq streamed of each rollout
};

}  // namespace rollguard
