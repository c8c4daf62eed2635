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

}  // namespace rollguard
