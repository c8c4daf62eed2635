#pragma once
// The service's log: spdlog to stderr, JSON lines when stderr is not a terminal (one object
// per line: time, level, msg and the fields), "time level msg key=value ..." on a terminal.
#include <nlohmann/json.hpp>
#include <string_view>

namespace rollguard {

enum class LogLevel { Debug, Info, Warn, Error };

void log_line(LogLevel level, std::string_view message, const nlohmann::json& fields = {});

// Forces the format (tests, and `serve --log-format`); by default it follows isatty(2).
void set_log_json(bool json);

}  // namespace rollguard
