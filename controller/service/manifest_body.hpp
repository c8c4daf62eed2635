#pragma once
// A request body as a manifest: the one function between the bytes of `PUT /v1/rollouts/{name}`
// and a RolloutSpec (fuzz/api_body.cpp drives it with arbitrary bodies).
#include <string>

#include "manifests/rollout_spec.hpp"

namespace rollguard {

// A manifest body as a spec: 415 for a media type that is neither JSON nor YAML, 400 for a
// document that does not parse (with its line and column), 422 for one that does not validate
// (with every problem's path, line and column). It throws only these ApiError subclasses
// (controller/service/api_error.hpp).
RolloutSpec manifest_from_body(const std::string& content_type, const std::string& body);

}  // namespace rollguard
