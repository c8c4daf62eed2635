#include "controller/service/api_event_hub.hpp"

namespace rollguard {

ApiEventHub::ApiEventHub(RolloutService& service) : service_(service) {
  subscription_ = service_.subscribe([this](const StoredEvent& e, const RolloutStatus& status) {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    const auto [first, last] = sinks_.equal_range(e.rollout);
    for (auto it = first; it != last; ++it) it->second.second(e, status);
  });
}

ApiEventHub::~ApiEventHub() {
  close();
}

std::uint64_t ApiEventHub::watch(const std::string& rollout, Sink sink) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  sinks_.emplace(rollout, std::make_pair(id, std::move(sink)));
  return id;
}

void ApiEventHub::unwatch(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  for (auto it = sinks_.begin(); it != sinks_.end(); ++it)
    if (it->second.first == id) {
      sinks_.erase(it);
      return;
    }
}

void ApiEventHub::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    sinks_.clear();
  }
  service_.unsubscribe(subscription_);
}

}  // namespace rollguard
