#pragma once
// Sends each rollout's notifications (manifest `notifications: - webhook: ...`) for the phase
// changes it lists. Never in a rollout's way: the service's listener only queues; delivery
// runs on the sender's own thread, one destination URL at a time in event order, retried with
// exponential backoff on network errors, 5xx, 408 and 429.
#include <cstdint>
#include <memory>

#include "controller/service/rollout_service.hpp"
#include "health/providers/query_template.hpp"

namespace rollguard {

struct WebhookOptions {
  int max_attempts = 6;         // the first send and up to five retries
  Duration first_backoff = 1s;  // doubles after each failed attempt
  Duration max_backoff = 60s;
  Duration timeout = 5s;                         // per attempt
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

class WebhookSender {
 public:
  // Subscribes to the service at once.
  WebhookSender(RolloutService& service, WebhookOptions options = {});
  // Unsubscribes, then drops what is still queued (logged) and joins its thread.
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  WebhookStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rollguard
