#pragma once
// A real HTTP/1.1 server on 127.0.0.1:0 for the tests and benchmarks, whose behaviour is
// scripted per path: it answers, hangs, holds the answer until the test releases it, resets,
// answers slowly, trickles its body, sends garbage, or closes after each response. Prometheus
// scrapes it and the providers fetch from it. It runs on its own threads; the code under test only
// sees a socket.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard::testing {

struct ServerRequest {
  std::string method;
  std::string target;
  StringMap headers;  // names lower-cased
  std::string body;
};

struct ServerReply {
  int status = 200;
  std::string body;
  StringMap headers;  // e.g. Content-Type
};

enum class Behaviour {
  Answer,              // the reply (or the handler's), keep-alive
  Hang,                // read the request, never answer, keep the connection open
  Hold,                // answer once release_all() is called
  Reset,               // read the request, then close with RST
  Slow,                // answer after `delay`
  Trickle,             // the headers at once, then the body `trickle_bytes` per `delay`
  Garbage,             // write bytes that are not HTTP, then close
  CloseAfterResponse,  // answer as keep-alive, then close the connection anyway
};

struct Route {
  Behaviour behaviour = Behaviour::Answer;
  ServerReply reply;
  std::function<ServerReply(const ServerRequest&)> handler;  // overrides reply when set
  Duration delay{};                                          // for Slow and Trickle
  std::size_t trickle_bytes = 1;                             // for Trickle
};

// Shorthands for the routes the tests use most.
Route answering(int status, std::string body, std::string content_type = {});
Route hanging();
Route trickling(ServerReply reply, Duration every, std::size_t bytes = 1);

class TestHttpServer {
 public:
  // Unrouted paths answer 404.
  explicit TestHttpServer(int threads = 1);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // An exact path, or a prefix ending in "*" (the longest that matches wins); the query is
  // ignored.
  void route(const std::string& path, Route route);
  void answer(const std::string& path, int status, std::string body = {});

  std::uint16_t port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return "http://" + endpoint(); }
  int connections_accepted() const;
  int requests_received() const;
  int requests_held() const;                    // Hold requests so far, released or not
  void release_all();                           // answers every Hold request waiting
  std::vector<ServerRequest> requests() const;  // every request received, in order

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
};

}  // namespace rollguard::testing
