#include "health/providers/query_template.hpp"

#include <cstdlib>

#include "health/text.hpp"

namespace rollguard {

namespace {

constexpr std::string_view kSecretPrefix = "secret:";

}  // namespace

SecretSource environment_secrets() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Expanded expand_template(std::string_view text, const MetricQuery& query,
                         const SecretSource* secrets) {
  Expanded out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;  // a lone "{{" is text
    out.text.append(text.substr(pos, open - pos));
    const std::string_view name = trim(text.substr(open + 2, close - open - 2));
    if (name == "name") {
      out.text += query.rollout;
    } else if (name == "version") {
      out.text += query.version;
    } else if (name == "role") {
      out.text += to_string(query.role);
    } else if (name.starts_with(kSecretPrefix)) {
      const std::string variable(trim(name.substr(kSecretPrefix.size())));
      if (secrets == nullptr) {
        out.error = "{{secret:" + variable + "}} is only allowed in headers";
        return out;
      }
      std::optional<std::string> value = (*secrets)(variable);
      if (!value) {
        out.error =
            "environment variable " + variable + " (for {{secret:" + variable + "}}) is not set";
        return out;
      }
      out.text += *value;
      if (!value->empty()) out.secrets.push_back(std::move(*value));
    } else {
      out.error = "unknown placeholder {{" + std::string(name) +
                  "}} (known: {{name}}, {{version}}, {{role}}" +
                  (secrets ? ", {{secret:ENV}})" : ")");
      return out;
    }
    pos = close + 2;
  }
  out.text.append(text.substr(pos));
  return out;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  }
  return text;
}

}  // namespace rollguard
