#pragma once
// A router on port 0 in front of one real backend per role, with a sink that keeps every
// outcome it is given.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "controller/routers/builtin/proxy/builtin_router_server.hpp"
#include "controller/routers/builtin/proxy/test_backend.hpp"
#include "support/test_http_client.hpp"
#include "tests/health/run_until.hpp"

namespace rollguard::testing {

class CollectingSink final : public OutcomeSink {
 public:
  void record(const RequestOutcome& o) override {
    std::lock_guard lock(mutex_);
    outcomes_.push_back(o);
  }
  std::vector<RequestOutcome> outcomes() const {
    std::lock_guard lock(mutex_);
    return outcomes_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return outcomes_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<RequestOutcome> outcomes_;
};

struct RouterHarness {
  explicit RouterHarness(RouterOptions options = {})
      : clock(TimePoint{std::chrono::hours(1000)}), router(std::move(options), clock, sink) {
    EXPECT_EQ(router.start(), std::nullopt);
    EXPECT_EQ(router.set_pools(Role::Stable, {stable.address()}), std::nullopt);
    EXPECT_EQ(router.set_pools(Role::Canary, {canary.address()}), std::nullopt);
    EXPECT_EQ(router.set_pools(Role::Baseline, {baseline.address()}), std::nullopt);
  }
  TestBackend& backend(Role r) {
    return r == Role::Stable ? stable : r == Role::Canary ? canary : baseline;
  }

  TestBackend stable{"stable"};
  TestBackend canary{"canary"};
  TestBackend baseline{"baseline"};
  VirtualClock clock;
  CollectingSink sink;
  BuiltinRouterServer router;
};

}  // namespace rollguard::testing
