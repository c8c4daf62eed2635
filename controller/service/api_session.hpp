#pragma once
// One client connection of the API server, plain TCP or TLS, on its own strand:
//   (TLS handshake) -> wait for a request (the first: header timeout from the accept; later
//   ones: idle timeout) -> read the headers (header timeout; 431 over the header limits)
//   -> check the body size (413 before reading it) -> read the body (400 for broken framing)
//   -> handle -> write -> next request (pipelined ones wait in the buffer) or close.
// Limits: controller/service/api_options.hpp; docs/service.md, "Limits of the HTTP edge".
// A `?watch=true` request turns the connection into a Server-Sent Events stream: the history
// first, then each new event, a comment line as heartbeat, until the client or server goes.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "controller/service/api_core.hpp"

namespace rollguard {

// Starts a session over an accepted socket; `tls` null: plain HTTP.
void start_api_session(ApiCore& core, boost::asio::ip::tcp::socket socket,
                       boost::asio::ssl::context* tls);

}  // namespace rollguard
