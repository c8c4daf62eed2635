#pragma once
// A backend for router tests, on the tests' scripted HTTP server: answers with its name,
// echoes what the router sent, counts the connections it accepted, and can hold a request
// until the test releases it.
//   /hold          -> answers only after release_all()
//   /status/<n>    -> answers with status n
//   /drop-idle     -> answers (claiming keep-alive), then closes the connection anyway
#include <string>

#include "support/test_http_server.hpp"

namespace rollguard::testing {

class TestBackend {
 public:
  explicit TestBackend(std::string name) {
    Route echo;
    echo.handler = [name](const ServerRequest& request) { return reply(name, 200, request); };
    server_.route("/*", echo);
    Route hold = echo;
    hold.behaviour = Behaviour::Hold;
    server_.route("/hold", hold);
    Route drop = echo;
    drop.behaviour = Behaviour::CloseAfterResponse;
    server_.route("/drop-idle", drop);
    Route status;
    status.handler = [name](const ServerRequest& request) {
      return reply(name, std::stoi(request.target.substr(8)), request);
    };
    server_.route("/status/*", status);
  }

  unsigned short port() const { return server_.port(); }
  std::string address() const { return server_.endpoint(); }
  int connections() const { return server_.connections_accepted(); }
  int requests() const { return server_.requests_received(); }
  int held() const { return server_.requests_held(); }
  void release_all() { server_.release_all(); }

 private:
  static ServerReply reply(const std::string& name, int status, const ServerRequest& request) {
    ServerReply out{status, name, {}};
    auto echo = [&](const std::string& header, const std::string& from) {
      const auto it = request.headers.find(from);
      if (it != request.headers.end()) out.headers[header] = it->second;
    };
    echo("X-Echo-Host", "host");
    echo("X-Echo-XFF", "x-forwarded-for");
    echo("X-Echo-Client-Hop", "x-client-hop");
    echo("X-Echo-Keep-Alive", "keep-alive");
    out.headers["X-Echo-Body-Size"] = std::to_string(request.body.size());
    // Hop-by-hop headers the router must not pass on.
    out.headers["Connection"] = "X-Backend-Hop";
    out.headers["X-Backend-Hop"] = "yes";
    out.headers["Keep-Alive"] = "timeout=30";
    return out;
  }

  TestHttpServer server_;
};

}  // namespace rollguard::testing
