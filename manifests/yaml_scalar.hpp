#pragma once
// YAML 1.2 core-schema typing of plain (unquoted) scalars, shared by the loader (which turns
// `5` into a number and `"5"` into a string) and by the emitter (which must quote a string
// such as "1.10" or "true" so that it reads back as a string).
#include <nlohmann/json.hpp>
#include <string_view>

namespace rollguard {

// null, bool, integer, float, else string. Integers that do not fit 64 bits become floats.
nlohmann::json type_plain_scalar(std::string_view text);

// True when `text`, written unquoted, would read back as something other than this string.
bool needs_quotes_in_yaml(std::string_view text);

}  // namespace rollguard
