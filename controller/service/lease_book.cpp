#include "controller/service/lease_book.hpp"

#include <algorithm>

namespace rollguard {

std::optional<std::int64_t> LeaseBook::epoch_of(const std::string& rollout) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(rollout);
  if (it == held_.end() || std::chrono::steady_clock::now() >= it->second.until)
    return std::nullopt;
  return it->second.epoch;
}

std::string LeaseBook::why_not(const std::string& rollout) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(rollout);
  if (it == held_.end()) return "this replica holds no lease of " + rollout;
  if (std::chrono::steady_clock::now() >= it->second.until)
    return "the lease of " + rollout + " (epoch " + std::to_string(it->second.epoch) +
           ") was not renewed in time: nothing is done until it is confirmed";
  return {};
}

void LeaseBook::hold(const std::string& rollout, std::int64_t epoch, Deadline until) {
  std::lock_guard lock(mutex_);
  held_[rollout] = Held{epoch, until, std::chrono::steady_clock::now()};
}

std::vector<std::string> LeaseBook::renewed(const std::map<std::string, std::int64_t>& held,
                                            Deadline sent, Deadline until) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> lost;
  for (auto it = held_.begin(); it != held_.end();) {
    auto confirmed = held.find(it->first);
    if (it->second.since >= sent && confirmed == held.end()) {
      ++it;
    } else if (confirmed == held.end() || confirmed->second != it->second.epoch) {
      lost.push_back(it->first);
      it = held_.erase(it);
    } else {
      it->second.until = std::max(it->second.until, until);
      ++it;
    }
  }
  return lost;
}

void LeaseBook::forget(const std::string& rollout) {
  std::lock_guard lock(mutex_);
  held_.erase(rollout);
}

bool LeaseBook::holds(const std::string& rollout) const {
  std::lock_guard lock(mutex_);
  return held_.contains(rollout);
}

std::vector<std::string> LeaseBook::rollouts() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, h] : held_) names.push_back(name);
  return names;
}

}  // namespace rollguard
