#pragma once
// State shared by the router's I/O threads and the controller thread that configures it:
// the published routes (copy-on-write, one generation number to notice a change cheaply),
// the outcome sink, and the drain bookkeeping.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "controller/routers/builtin/proxy/route_table.hpp"
#include "controller/routers/builtin/proxy/router_options.hpp"
#include "health/measurement.hpp"
#include "manifests/time.hpp"

namespace rollguard {

class RouterCore {
 public:
  RouterCore(RouterOptions options, const Clock& clock, OutcomeSink& sink);

  const RouterOptions& options() const { return options_; }

  // ---- configuration (any thread) ----
  std::optional<std::string> set_pools(Role role, const std::vector<std::string>& endpoints);
  void set_split(const TrafficSplit& split, bool preview);
  ProxyRouteTable routes() const;

  // ---- request path ----
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  std::shared_ptr<const ActiveRoutes> active() const;
  // Outcomes reach the sink one at a time, whatever thread served the request.
  void record(Role role, int status, Duration latency, bool connection_error);

  // ---- drain: a request is "busy" from its complete headers to its written response ----
  void begin_request() { busy_.fetch_add(1); }
  void end_request();
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  void start_draining() { draining_.store(true); }
  // True when no request was busy before `deadline`.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);

 private:
  void publish(std::shared_ptr<ActiveRoutes> next);  // requires config_mutex_

  RouterOptions options_;
  const Clock& clock_;
  OutcomeSink& sink_;

  mutable std::mutex config_mutex_;
  std::shared_ptr<const ActiveRoutes> active_;
  std::map<std::string, std::uint32_t> ids_;
  std::atomic<std::uint64_t> generation_{0};

  std::mutex sink_mutex_;

  std::atomic<long> busy_{0};
  std::atomic<bool> draining_{false};
  std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
};

}  // namespace rollguard
