#pragma once
// The route table the server is built from: method, path pattern, least role, handler. Tests
// walk the same table, so a new route cannot escape the auth checks.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/service/api_auth.hpp"

namespace rollguard {

struct ApiRequest {
  std::string method;                         // "GET", "PUT", ...
  std::string path;                           // without the query
  std::map<std::string, std::string> query;   // decoded
  std::map<std::string, std::string> params;  // from the pattern's {placeholders}
  std::string content_type;                   // media type only, lower-case, no parameters
  std::string body;
  std::string last_event_id;  // an SSE client reconnecting says where it was
  Caller caller;
};

struct ApiReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Set: after the headers, stream this rollout's events as Server-Sent Events (history
  // first) until the client or the server goes away.
  std::optional<std::string> watch;
  std::int64_t watch_after = 0;  // events with a larger seq only
};

using ApiHandler = std::function<ApiReply(const ApiRequest&)>;

struct ApiRoute {
  std::string method;
  std::string pattern;  // "/v1/rollouts/{name}/promote": a {segment} is a rollout name
  ApiRole min_role = ApiRole::Viewer;
  ApiHandler handler;
};

// A request target split and checked: a path of printable segments (no "..", no empty or
// encoded-slash segments, no control characters), and its query string decoded.
struct ParsedTarget {
  std::string path;
  std::map<std::string, std::string> query;
};
ParsedTarget parse_target(std::string_view target);  // throws BadRequest

// The DNS-label rule of metadata.name: [a-z0-9]([-a-z0-9]*[a-z0-9])?, 1..63 characters.
bool valid_rollout_name(std::string_view name);

class ApiRouter {
 public:
  explicit ApiRouter(std::vector<ApiRoute> routes) : routes_(std::move(routes)) {}

  struct Match {
    const ApiRoute* route = nullptr;
    std::map<std::string, std::string> params;
  };
  // Throws NotFound (no pattern matches the path), MethodNotAllowed (one does, for another
  // method) or BadRequest (a {name} that is not a valid rollout name).
  Match match(const std::string& method, const std::string& path) const;

  const std::vector<ApiRoute>& routes() const { return routes_; }

 private:
  std::vector<ApiRoute> routes_;
};

}  // namespace rollguard
