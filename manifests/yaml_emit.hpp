#pragma once
// Writes a JSON tree as block YAML (yaml-cpp's emitter), keeping key order, putting short
// lists of scalars on one line, and quoting any string that YAML would otherwise read as a
// number, a bool or null ("1.10", "true"), so that the YAML reads back as the same tree.
#include <nlohmann/json.hpp>
#include <string>

namespace rollguard {

std::string to_yaml(const nlohmann::ordered_json& value);

}  // namespace rollguard
