#pragma once
// The HTTP API of `rollguard serve` (docs/api.md): Boost.Beast over plain
// TCP or TLS, a thin shell over RolloutService.
//
// Threads: the server owns its io_context and runs it on `options.threads` threads of its
// own; each connection lives on its own strand. Handlers call the service on those threads
// (the service is thread-safe and answers after its store write, so a slow disk slows only
// the requests that write).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/service/api_options.hpp"
#include "controller/service/api_routes.hpp"
#include "controller/service/rollout_service.hpp"

namespace rollguard {

class ApiServer {
 public:
  // Nothing happens until start(); `service` must outlive the server. `measured`: the
  // rollouts /metrics is about when not all of `service`'s (a replica's: those it runs).
  ApiServer(RolloutService& service, ApiOptions options, RolloutService* measured = nullptr);
  ~ApiServer();  // stop()
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Loads the tokens file and the TLS certificate, checks that a server without tokens
  // listens on loopback only, binds and serves. nullopt on success, else why it could not.
  [[nodiscard]] std::optional<std::string> start();
  unsigned short port() const { return port_; }  // the bound port (after start)
  bool tls() const;

  // Graceful: stops accepting, closes idle connections and event streams (with the stream's
  // last chunk), lets requests in flight finish for up to options.shutdown_grace, then stops
  // the threads. Returns true when nothing was cut off. Idempotent.
  bool stop();
  bool stopping() const;  // stop() has begun

  // The table the server routes by (the same one a test walks for the auth rules).
  const std::vector<ApiRoute>& routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace rollguard
