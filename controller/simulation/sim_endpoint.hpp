#pragma once
// Simulated instances have no sockets: their endpoint names the role, the instance and the
// version ("sim/canary/0/1.5.0"), so that a probe, a synthetic transaction or a route table
// entry says by itself which version would have answered.
#include <string>
#include <string_view>

#include "manifests/vocabulary.hpp"

namespace rollguard::sim {

inline constexpr const char* kRouterEndpoint = "sim/router";  // the preview route

inline std::string make_endpoint(Role role, int instance, const std::string& version) {
  return "sim/" + std::string(to_string(role)) + "/" + std::to_string(instance) + "/" + version;
}

// The version behind an endpoint made by make_endpoint (a view into it); empty for anything
// else.
inline std::string_view version_of_endpoint(std::string_view endpoint) {
  std::size_t slash = 0;
  for (int i = 0; i < 3; ++i) {
    slash = endpoint.find('/', slash == 0 && i == 0 ? 0 : slash + 1);
    if (slash == std::string_view::npos) return {};
  }
  return endpoint.substr(slash + 1);
}

}  // namespace rollguard::sim
