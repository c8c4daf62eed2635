#pragma once
// A rollout's router and target drivers behind a check made before every action: a replica
// asks whether it still holds the rollout's lease (lease_book.hpp) and does nothing when it
// does not, so a replica that was paused past its lease cannot move traffic or instances that
// another replica now owns. A refused router change fails like an unreachable router.
#include <functional>
#include <memory>
#include <string>

#include "controller/ports/router_driver.hpp"
#include "controller/ports/target_driver.hpp"

namespace rollguard {

// Empty when the action may go ahead, else why not.
using ActionGuard = std::function<std::string()>;

class GuardedRouter final : public RouterDriver {
 public:
  GuardedRouter(std::unique_ptr<RouterDriver> inner, ActionGuard guard)
      : inner_(std::move(inner)), guard_(std::move(guard)) {}
  void apply(const RouteTable& table, std::function<void(std::string error)> done) override {
    if (std::string why = guard_(); !why.empty()) return done(why);
    inner_->apply(table, std::move(done));
  }

 private:
  std::unique_ptr<RouterDriver> inner_;
  ActionGuard guard_;
};

class GuardedTargets final : public TargetDriver {
 public:
  GuardedTargets(std::unique_ptr<TargetDriver> inner, ActionGuard guard)
      : inner_(std::move(inner)), guard_(std::move(guard)) {}
  // Skipped without a report: the rollout is about to be let go by this replica.
  void scale(Role role, const std::string& version, int count) override {
    if (guard_().empty()) inner_->scale(role, version, count);
  }
  void on_report(std::function<void(const TargetReport&)> observer) override {
    inner_->on_report(std::move(observer));
  }
  void shutdown(std::function<void()> done) override { inner_->shutdown(std::move(done)); }

 private:
  std::unique_ptr<TargetDriver> inner_;
  ActionGuard guard_;
};

}  // namespace rollguard
