#pragma once
// Fans the service's events out to the event streams (SSE) watching each rollout: one
// subscription to the service for the whole server, a lookup by rollout name per event.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "controller/service/rollout_service.hpp"

namespace rollguard {

class ApiEventHub {
 public:
  // Called on the rollout's strand: must not block (a stream posts to its own executor).
  using Sink = std::function<void(const StoredEvent&, const RolloutStatus&)>;

  explicit ApiEventHub(RolloutService& service);
  ~ApiEventHub();  // close() if not closed yet
  ApiEventHub(const ApiEventHub&) = delete;
  ApiEventHub& operator=(const ApiEventHub&) = delete;

  std::uint64_t watch(const std::string& rollout, Sink sink);
  void unwatch(std::uint64_t id);
  // Unsubscribes from the service; no sink is called once this returns.
  void close();

 private:
  RolloutService& service_;
  std::uint64_t subscription_ = 0;
  std::mutex mutex_;
  bool closed_ = false;
  std::uint64_t next_id_ = 1;
  std::multimap<std::string, std::pair<std::uint64_t, Sink>> sinks_;
};

}  // namespace rollguard
