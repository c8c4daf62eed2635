#pragma once
// Waits for a provider's answer. The wait is generous and only a guard: providers have
// their own timeouts, and a provider that never calls `done` fails the test here.
#include <chrono>
#include <future>
#include <memory>

#include "health/measurement.hpp"

namespace rollguard::provider_test {

struct SyncReading {
  bool answered = false;
  MetricReading reading;
};

inline SyncReading read_sync(MetricProvider& provider, const MetricQuery& query) {
  auto promise = std::make_shared<std::promise<MetricReading>>();
  auto future = promise->get_future();
  provider.read(query, [promise](MetricReading r) { promise->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) return {};
  return {true, future.get()};
}

}  // namespace rollguard::provider_test
