#pragma once
// What the standalone router's admin API does, apart from HTTP: sets and reads the route
// table of the BuiltinRouterServer it fronts, hands out recent outcomes, and counts the
// revisions it has applied. AdminServer is the Beast shell around it.
//
// Threads: handle() may be called from any thread; PUTs apply one at a time.
#include <cstdint>
#include <mutex>
#include <string>

#include "controller/routers/builtin/admin/outcome_log.hpp"
#include "controller/routers/builtin/admin/route_document.hpp"
#include "controller/routers/builtin/proxy/builtin_router_server.hpp"

namespace rollguard {

struct AdminRequest {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // path and query
  std::string content_type;
  std::string body;
};

struct AdminReply {
  int status = 200;
  std::string body;   // JSON
  std::string allow;  // for 405: the methods the path takes
};

class RouterAdmin {
 public:
  // `router`, `outcomes` and `clock` must outlive this.
  RouterAdmin(BuiltinRouterServer& router, const OutcomeLog& outcomes, const Clock& clock);

  AdminReply handle(const AdminRequest& request);

  std::uint64_t revision() const;

 private:
  AdminReply put_routes(const AdminRequest& request);
  AdminReply get_routes() const;
  AdminReply get_stats(const std::string& query) const;

  BuiltinRouterServer& router_;
  const OutcomeLog& outcomes_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  RouteDocument current_;
  std::uint64_t revision_ = 0;  // PUTs applied; 0: never configured (every request gets 503)
};

// {"error": {"code": ..., "message": ...}}, the shape of the controller API's errors.
std::string admin_error_body(const std::string& code, const std::string& message);

}  // namespace rollguard
