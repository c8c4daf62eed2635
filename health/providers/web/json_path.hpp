#pragma once
// The JSONPath subset of docs/jsonpath.md: `$`, `.key`, `['key']` / `["key"]`, `[N]` (negative
// counts from the end), `[*]` and `.*`. It is what the `web` metric provider and synthetic
// transactions' `expect.jsonPath` / `capture` need; anything else (filters, `..`, slices,
// unions) is rejected when the manifest is validated, with a column. Depends on nlohmann only.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rollguard {

struct JsonPathError {
  int column = 0;  // 1-based, inside the path text
  std::string message;
};

class JsonPath {
 public:
  static std::variant<JsonPath, JsonPathError> parse(std::string_view text);

  // Every node the path matches, in document order (object members in key order); empty when
  // nothing matches. The pointers point into `doc`.
  std::vector<const nlohmann::json*> select(const nlohmann::json& doc) const;

  const std::string& text() const { return text_; }
  // True when the path has no wildcard, so it matches at most one node: a `web` metric reads
  // such a path as a number, and a wildcard path as a list of numbers.
  bool is_definite() const { return definite_; }

  struct Step {
    enum class Kind { Key, Index, Wildcard };
    Kind kind = Kind::Key;
    std::string key;      // Kind::Key
    long long index = 0;  // Kind::Index; negative counts from the end
    bool operator==(const Step&) const = default;
  };
  const std::vector<Step>& steps() const { return steps_; }

 private:
  std::string text_;
  std::vector<Step> steps_;
  bool definite_ = true;
};

}  // namespace rollguard
