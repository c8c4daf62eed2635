#pragma once
// How the built-in router listens and what it tolerates. Member initializers are the defaults.
#include <cstddef>
#include <string>

#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

struct RouterOptions {
  std::string listen = "127.0.0.1:0";  // "host:port"; port 0 picks a free one
  std::string previewHeader = "X-Rollguard-Preview";
  Duration upstreamTimeout = 30s;   // connect + send + whole response, per request
  Duration headerTimeout = 10s;     // from the first byte of a request to the end of its headers
  Duration idleTimeout = 60s;       // between requests on a kept-alive client connection; also
                                    // bounds the request body upload and the response write
  std::size_t bodyLimit = 8 << 20;  // request body; larger -> 413 and close
  std::size_t responseBodyLimit = 64 << 20;  // upstream body; larger -> 502
  std::size_t maxIdlePerUpstream = 64;       // kept-alive upstream connections per thread
  int threads = 2;                           // I/O threads, each with its own event loop
};

// The router as the manifest describes it (traffic.builtin + traffic.previewHeader).
inline RouterOptions router_options(const BuiltinRouter& router, const TrafficSpec& traffic) {
  RouterOptions o;
  o.listen = router.listen;
  o.previewHeader = traffic.previewHeader;
  return o;
}

}  // namespace rollguard
