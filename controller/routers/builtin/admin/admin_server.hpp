#pragma once
// The HTTP shell of the standalone router's admin API (Boost.Beast): one thread of its own,
// keep-alive, a body limit and a deadline per request; every request goes to RouterAdmin.
#include <memory>
#include <optional>
#include <string>

#include "controller/routers/builtin/admin/router_admin.hpp"

namespace rollguard {

struct AdminServerOptions {
  std::string listen = "127.0.0.1:0";  // "host:port"; port 0 picks a free one
  std::size_t body_limit = 1 << 20;    // larger PUT bodies: 413
  Duration request_timeout = 10s;      // reading one request (or idling between two)
};

class AdminServer {
 public:
  AdminServer(RouterAdmin& admin, AdminServerOptions options);
  ~AdminServer();  // stop()
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and serves; nullopt on success, else why it could not listen.
  [[nodiscard]] std::optional<std::string> start();
  unsigned short port() const { return port_; }
  // Closes the listener and every connection, and joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace rollguard
