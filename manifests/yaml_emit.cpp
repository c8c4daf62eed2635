#include "manifests/yaml_emit.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

#include "manifests/yaml_scalar.hpp"

namespace rollguard {
namespace {

// Shortest text that reads back as the same double.
std::string format_double(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string out(buffer, end);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

bool all_scalars(const nlohmann::ordered_json& list) {
  for (const auto& item : list)
    if (item.is_structured()) return false;
  return true;
}

void emit(YAML::Emitter& out, const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object:
      if (value.empty()) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key;
        if (needs_quotes_in_yaml(key)) out << YAML::DoubleQuoted;
        out << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      return;
    case nlohmann::ordered_json::value_t::array:
      if (value.empty() || all_scalars(value)) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      return;
    case nlohmann::ordered_json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (needs_quotes_in_yaml(s)) out << YAML::DoubleQuoted;
      out << s;
      return;
    }
    case nlohmann::ordered_json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      return;
    case nlohmann::ordered_json::value_t::number_integer:
      out << value.get<std::int64_t>();
      return;
    case nlohmann::ordered_json::value_t::number_unsigned:
      out << value.get<std::uint64_t>();
      return;
    case nlohmann::ordered_json::value_t::number_float:
      out << format_double(value.get<double>());
      return;
    default:
      out << YAML::Null;
      return;
  }
}

}  // namespace

std::string to_yaml(const nlohmann::ordered_json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace rollguard
