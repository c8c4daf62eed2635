#pragma once
// The body of the standalone router's `PUT /v1/routes` and `GET /v1/routes` (docs/routers.md,
// "A standalone router"): which rollout set it, the percent per role, the preview flag and
// each role's backends. The controller's RemoteRouterDriver writes one and reads it back.
#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>
#include "controller/ports/router_driver.hpp"

namespace rollguard {

struct RouteDocument {
  std::string rollout;  // who set it (metadata.name); informational
  RouteTable table;
  bool operator==(const RouteDocument&) const = default;
};

// Why a body was refused: 400 (not JSON), 415 (not application/json) or 422 (JSON that is
// not a route document), with the JSON path of the problem.
struct RouteRefusal {
  int status = 422;
  std::string code;  // "BadRequest", "UnsupportedMediaType", "InvalidRoutes"
  std::string message;
};

// Reads a PUT body. `content_type` is the request's Content-Type header (parameters such as
// `; charset=utf-8` are allowed).
std::variant<RouteDocument, RouteRefusal> parse_route_document(const std::string& content_type,
                                                               const std::string& body);

// {"rollout", "split": {stable, canary, baseline}, "preview", "backends": {stable: [...], ...},
//  "revision", "configured"}: what GET and PUT answer.
nlohmann::json route_document_json(const RouteDocument& doc, std::uint64_t revision);

// The RouteTable in a GET answer (the driver's read-back); a string when the answer is not one.
std::variant<RouteDocument, std::string> route_document_from_answer(const nlohmann::json& answer);

}  // namespace rollguard
