#include "manifests/yaml_scalar.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <regex>
#include <string>

namespace rollguard {
namespace {

bool is_one_of(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words)
    if (text == w) return true;
  return false;
}

std::optional<nlohmann::json> type_integer(std::string_view text) {
  static const std::regex decimal("[-+]?[0-9]+"), octal("0o[0-7]+"), hex("0x[0-9a-fA-F]+");
  const std::string s(text);
  int base = 10;
  std::string_view digits = text;
  if (std::regex_match(s, octal)) {
    base = 8;
    digits.remove_prefix(2);
  } else if (std::regex_match(s, hex)) {
    base = 16;
    digits.remove_prefix(2);
  } else if (!std::regex_match(s, decimal)) {
    return std::nullopt;
  }
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec == std::errc{} && end == digits.data() + digits.size()) {
    if (!negative) {
      if (magnitude <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return nlohmann::json(static_cast<std::int64_t>(magnitude));
      return nlohmann::json(magnitude);
    }
    if (magnitude <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1)
      return nlohmann::json(static_cast<std::int64_t>(0 - magnitude));
  }
  return nlohmann::json(std::strtod(s.c_str(), nullptr));  // too big for 64 bits
}

std::optional<nlohmann::json> type_float(std::string_view text) {
  static const std::regex number("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  const std::string s(text);
  if (std::regex_match(s, number)) return nlohmann::json(std::strtod(s.c_str(), nullptr));
  const double inf = std::numeric_limits<double>::infinity();
  if (is_one_of(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}))
    return nlohmann::json(inf);
  if (is_one_of(text, {"-.inf", "-.Inf", "-.INF"})) return nlohmann::json(-inf);
  if (is_one_of(text, {".nan", ".NaN", ".NAN"}))
    return nlohmann::json(std::numeric_limits<double>::quiet_NaN());
  return std::nullopt;
}

}  // namespace

nlohmann::json type_plain_scalar(std::string_view text) {
  if (is_one_of(text, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (is_one_of(text, {"true", "True", "TRUE"})) return true;
  if (is_one_of(text, {"false", "False", "FALSE"})) return false;
  if (auto i = type_integer(text)) return *i;
  if (auto f = type_float(text)) return *f;
  return std::string(text);
}

bool needs_quotes_in_yaml(std::string_view text) {
  return !type_plain_scalar(text).is_string();
}

}  // namespace rollguard
