#pragma once
// Connecting a Beast stream to "host:port" within a deadline. An IP literal (the usual case
// for the services under rollout) connects directly; a name goes through the resolver, which
// has no deadline of its own, so a timer cancels it.
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <functional>

#include "health/net/endpoint.hpp"

namespace rollguard {

// `stream` must outlive the operation; `done` runs on the stream's executor.
void async_connect_to(boost::beast::tcp_stream& stream, const HostPort& endpoint,
                      std::chrono::steady_clock::time_point deadline,
                      std::function<void(boost::beast::error_code)> done);

}  // namespace rollguard
