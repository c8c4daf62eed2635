#pragma once
// The routes of docs/api.md as plain functions over RolloutService: each reads the
// request, calls the service, and answers JSON or throws a typed ApiError.
#include <functional>
#include <string>
#include <vector>

#include "controller/service/api_routes.hpp"
#include "controller/service/rollout_service.hpp"

namespace rollguard {

// `metrics_text` renders /metrics at each scrape.
std::vector<ApiRoute> api_routes(RolloutService& service,
                                 std::function<std::string()> metrics_text);

// A manifest body as a spec: 415 for a media type that is neither JSON nor YAML, 400 for a
// document that does not parse (with its line and column), 422 for one that does not validate
// (with every problem's path, line and column).
RolloutSpec manifest_from_body(const std::string& content_type, const std::string& body);

}  // namespace rollguard
