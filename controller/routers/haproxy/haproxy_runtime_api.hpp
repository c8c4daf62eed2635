#pragma once
// HAProxy's runtime API (the "stats socket" CLI), one command per connection: connect to
// "unix:/path" or "host:port", send the command line, read the answer until HAProxy closes
// the connection. HAProxy answers a failed command with text, not a status, so the reply is
// returned as text for the caller to judge; only transport failures are errors here.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <string>

#include "manifests/time.hpp"

namespace rollguard {

struct RuntimeApiReply {
  std::string error;  // transport: "connection refused", "timed out after 2s", ...
  std::string text;   // HAProxy's answer without its trailing blank line
  bool ok() const { return error.empty(); }
};

// `done` runs exactly once on `executor`, never inside this call. The whole exchange
// (connect, send, read) is bounded by `timeout`. Answers past 1 MiB are an error.
void runtime_api_command(boost::asio::any_io_executor executor, const std::string& address,
                         const std::string& command, Duration timeout,
                         std::function<void(RuntimeApiReply)> done);

}  // namespace rollguard
