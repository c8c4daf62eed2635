#pragma once
// One client connection of the API server, plain TCP or TLS, on its own strand:
//   (TLS handshake) -> wait for a request (idle timeout) -> read the headers (header timeout)
//   -> check the body size (413 before reading it) -> read the body -> handle -> write
//   -> next request or close.
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
