// The JSONPath subset (JsonPath::parse and select, health/providers/web/json_path.hpp;
// docs/jsonpath.md). The input is a path, a newline, and a JSON document read as the web
// provider reads a response body (no exceptions: a bad body is a discarded value). A path
// that does not parse is a JsonPathError with a column; one without a wildcard selects at most
// one node.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "health/providers/web/json_path.hpp"

using namespace rollguard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view body;
  if (const auto newline = text.find('\n'); newline != std::string_view::npos) {
    body = text.substr(newline + 1);
    text = text.substr(0, newline);
  }
  auto parsed = JsonPath::parse(text);
  if (const auto* error = std::get_if<JsonPathError>(&parsed)) {
    fuzz::check(!error->message.empty(), "a parse error without a message");
    fuzz::check(error->column >= 1 && static_cast<std::size_t>(error->column) <= text.size() + 1,
                "a parse error's column outside the path");
    return 0;
  }
  const JsonPath& path = std::get<JsonPath>(parsed);
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  const auto matches = path.select(doc);
  if (path.is_definite()) fuzz::check(matches.size() <= 1, "a definite path matched many nodes");
  for (const nlohmann::json* node : matches) (void)node->type_name();
  return 0;
}
