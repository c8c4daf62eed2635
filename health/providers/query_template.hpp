#pragma once
// Placeholders in metric queries, URLs and headers: {{name}} (the rollout), {{version}},
// {{role}}, and, where a SecretSource is given (headers only), {{secret:ENV}} read from the
// environment. An unknown placeholder is an error rather than text sent to a third party.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "health/measurement.hpp"

namespace rollguard {

// Looks a variable up; std::nullopt when it is not set.
using SecretSource = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv), read at each call so a rotated secret is picked up.
SecretSource environment_secrets();

struct Expanded {
  std::string text;
  std::vector<std::string> secrets;  // the secret values put in, to keep them out of reasons
  std::string error;                 // names the placeholder or variable, never a value
  bool ok() const { return error.empty(); }
};

// `secrets` null: a {{secret:...}} placeholder is an error.
Expanded expand_template(std::string_view text, const MetricQuery& query,
                         const SecretSource* secrets = nullptr);

// `text` with every occurrence of each secret replaced by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace rollguard
