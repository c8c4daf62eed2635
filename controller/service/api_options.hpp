#pragma once
// How `rollguard serve` listens: the settings of ApiServer, with their defaults.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "controller/service/wake_lag.hpp"
#include "manifests/time.hpp"

namespace rollguard {

inline constexpr unsigned short kDefaultApiPort = 8470;

// Every limit of the API's HTTP edge is here or in ApiOptions below (docs/service.md,
// "Limits of the HTTP edge"). Request headers, the request line included, over either of
// these get 431 and the connection closes; the field count bounds the parser's memory per
// connection, which the byte limit alone does not (health/net/request_parsing.hpp).
inline constexpr std::size_t kApiHeaderLimit = 16 * 1024;
inline constexpr std::size_t kApiHeaderFieldLimit = 100;

struct ApiOptions {
  std::string address = "127.0.0.1";      // without a tokens file it must be a loopback address
  unsigned short port = kDefaultApiPort;  // 0: any free port (ApiServer::port() tells which)
  std::string tokens_file;                // empty: no auth, loopback only, a warning in the log
  std::string tls_cert, tls_key;          // both set: HTTPS only
  std::size_t body_limit = 1024 * 1024;   // larger request bodies get 413
  Duration header_timeout = 10s;   // the end of a request's headers is due this long after its
                                   // first byte, or, for a connection's first request, after the
                                   // accept; else the connection is closed without an answer
  Duration idle_timeout = 60s;     // a kept-alive connection with no next request is closed
  Duration request_timeout = 30s;  // reading a body, writing a response
  Duration sse_heartbeat = 15s;    // a comment line on idle event streams keeps proxies open
  Duration shutdown_grace = 10s;   // stop() waits this long for requests in flight
  int threads = 2;                 // I/O threads of the server's own io_context
  bool log_requests = true;        // one log line per request
  // The controller's wake-up lag, on /metrics; none: not exposed (a service without timers).
  std::shared_ptr<const WakeLag> wake_lag;

  // "ADDR:PORT", ":PORT", "ADDR" or "[v6]:PORT"; an error text when it cannot be read.
  std::optional<std::string> set_listen(std::string_view listen);
};

}  // namespace rollguard
