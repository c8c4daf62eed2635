#pragma once
// A small asynchronous HTTP/1.1 client for probes, synthetic transactions and anything else
// that talks to the services under rollout. Connections are kept alive and reused per
// endpoint; a request never blocks its caller and a hung peer costs one timeout, not a thread.
// Failures come back as data (HttpResponse::error); nothing is thrown across this boundary.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

// Where latency is read from. Injectable so that tests asserting on latency are exact.
using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

struct HttpRequest {
  std::string endpoint;  // "host:port"
  std::string method = "GET";
  std::string target = "/";  // path and query
  StringMap headers;         // Host and User-Agent are filled in unless given
  std::string body;
  Duration timeout = 1s;  // the whole exchange: connect, send, receive
};

struct HttpResponse {
  int status = 0;
  StringMap headers;  // names lower-cased; a repeated header keeps its last value
  std::string body;   // the first HttpClientOptions::body_limit bytes
  bool body_truncated = false;
  std::chrono::microseconds latency{};  // start of the request to the end of the body or failure
  std::string error;  // non-empty: no complete response ("connection refused", ...)
  bool ok() const { return error.empty(); }
};

struct HttpClientOptions {
  std::size_t body_limit = 64 * 1024;
  // Past body_limit, up to this many more bytes are read and dropped so that the connection
  // can be reused; a longer body closes the connection instead (the response still counts).
  std::size_t discard_limit = 1024 * 1024;
  std::size_t max_idle_per_endpoint = 64;
  std::string user_agent = "rollguard";
  SteadyNow now = [] { return std::chrono::steady_clock::now(); };
};

class HttpClient {
 public:
  explicit HttpClient(boost::asio::any_io_executor executor, HttpClientOptions options = {});
  // Closes idle connections; requests in flight still complete and call their callback.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `done` is called exactly once, on one of the executor's threads, never inside this call.
  void request(HttpRequest request, std::function<void(HttpResponse)> done);

  std::size_t idle_connections() const;
  boost::asio::any_io_executor executor() const;

  struct Impl;  // shared with requests in flight, which may outlive the client

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rollguard
