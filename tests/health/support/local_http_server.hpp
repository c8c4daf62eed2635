#pragma once
// A real HTTP/1.1 server on 127.0.0.1, port 0, for provider tests: Prometheus scrapes it,
// the providers fetch from it. Responses come from a handler; a handler can make the server
// hold the connection without answering, to test client timeouts.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rollguard::provider_test {

struct SeenRequest {
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
};

struct CannedResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  bool hang = false;  // never answer; the connection stays open until the server stops
  // Non-zero: send the headers at once, then the body `trickle_bytes` at a time, one piece
  // per `trickle_ms` milliseconds.
  int trickle_ms = 0;
  std::size_t trickle_bytes = 1;
};

class LocalHttpServer {
 public:
  using Handler = std::function<CannedResponse(const SeenRequest&)>;
  explicit LocalHttpServer(Handler handler);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
unsigned short free_port();

}  // namespace rollguard::provider_test
