#pragma once
// Sends each rollout's notifications (manifest `notifications: - webhook: ...`) for the phase
// changes it lists, for `serve` (subscribed to the service) and `run` (fed its events). Never
// in a rollout's way: notify() only queues; delivery runs on the sender's own thread, one
// destination URL at a time in event order, retried with exponential backoff on network
// errors, 5xx, 408 and 429. What became of each delivery is logged when it failed and handed
// to `on_outcome` as a Note event for the rollout's own log.
#include <cstdint>
#include <functional>
#include <memory>

#include "controller/service/rollout_service.hpp"
#include "health/providers/query_template.hpp"

namespace rollguard {

struct WebhookOptions {
  int max_attempts = 6;         // the first send and up to five retries
  Duration first_backoff = 1s;  // doubles after each failed attempt
  Duration max_backoff = 60s;
  Duration timeout = 5s;                         // per attempt
  Duration exit_grace = 15s;                     // drain(): what run and serve wait at exit
  std::size_t queue_limit = 10000;               // deliveries waiting; past it new ones are dropped
  SecretSource secrets = environment_secrets();  // {{secret:ENV}} in header values
};

struct WebhookStats {
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;  // gave up after max_attempts or a 4xx, or a bad header
  std::uint64_t retries = 0;
  std::uint64_t dropped = 0;  // the queue was full
  std::uint64_t pending = 0;  // queued or in flight
};

// One delivery's outcome: a Note ("webhook URL: RolledBack delivered (1 attempt)") for
// revision `revision` of `rollout`. Runs on the sender's thread, never under its lock.
using WebhookOutcome =
    std::function<void(const std::string& rollout, int revision, const Event& note)>;

class WebhookSender {
 public:
  explicit WebhookSender(WebhookOptions options = {}, WebhookOutcome on_outcome = {});
  // Subscribed to `service` at once, until destroyed.
  WebhookSender(RolloutService& service, WebhookOptions options = {},
                WebhookOutcome on_outcome = {});
  // Unsubscribes, then drops what is still queued (logged) and joins its thread.
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // From any thread, in event order per rollout: queues what `status.spec` asks for on `event`.
  void notify(const StoredEvent& event, const RolloutStatus& status);

  // Waits up to options.exit_grace until nothing is queued or in flight and every outcome
  // was handed over; whether that happened (a process about to exit calls this).
  bool drain();

  WebhookStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rollguard
