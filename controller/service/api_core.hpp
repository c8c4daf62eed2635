#pragma once
// What every connection of an ApiServer shares: options, routes, tokens, metrics, the event
// hub and the set of live sessions (so that stop() can reach each one). Internal to the server.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "controller/service/api_auth.hpp"
#include "controller/service/api_event_hub.hpp"
#include "controller/service/api_options.hpp"
#include "controller/service/api_routes.hpp"
#include "controller/service/metrics.hpp"

namespace rollguard {

// A connection as the server sees it from outside its strand.
class ApiSessionBase {
 public:
  virtual ~ApiSessionBase() = default;
  virtual void stop() = 0;  // thread-safe: posts to the session's strand
};

// One request as the session read it, before routing.
struct IncomingRequest {
  std::string method;
  std::string target;
  std::string authorization;
  std::string content_type;
  std::string last_event_id;
  std::string body;
};

struct HandledRequest {
  ApiReply reply;
  std::string route = "unmatched";  // the route's pattern, for logs and metrics
  std::string actor;
};

class ApiCore {
 public:
  // `measured`: whose rollouts /metrics counts (ApiServer's constructor).
  ApiCore(RolloutService& service, RolloutService& measured, ApiOptions options,
          std::optional<TokenTable> tokens);

  // Authenticates, routes, checks the role and readiness, runs the handler: never throws (an
  // error is a reply with the JSON error body).
  HandledRequest handle(IncomingRequest request);
  // Logs the request and counts it in the metrics.
  void record(const std::string& method, const HandledRequest& handled, int status,
              std::chrono::steady_clock::duration elapsed);

  const ApiOptions& options() const { return options_; }
  RolloutService& service() { return service_; }
  ApiEventHub& hub() { return hub_; }
  ServiceMetrics& metrics() { return metrics_; }
  const ApiRouter& router() const { return router_; }
  bool stopping() const { return stopping_.load(); }

  std::uint64_t add_session(std::weak_ptr<ApiSessionBase> session);
  void remove_session(std::uint64_t id);
  // Marks the server stopping, asks every session to stop, waits up to `grace` for them to
  // close; true when all closed in time.
  bool stop_sessions(Duration grace);

 private:
  RolloutService& service_;
  const ApiOptions options_;
  const std::optional<TokenTable> tokens_;
  ServiceMetrics metrics_;
  ApiEventHub hub_;
  const ApiRouter router_;
  std::atomic<bool> stopping_{false};
  std::mutex sessions_mutex_;
  std::condition_variable sessions_closed_;
  std::uint64_t next_session_ = 1;
  std::map<std::uint64_t, std::weak_ptr<ApiSessionBase>> sessions_;
};

}  // namespace rollguard
