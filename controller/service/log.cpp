#include "controller/service/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>

#include "controller/service/api_json.hpp"

namespace rollguard {
namespace {

std::atomic<int> g_json{-1};  // -1: follow isatty(2)

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto l = std::make_shared<spdlog::logger>("rollguard-service", sink);
    l->set_pattern("%v");  // the line is formatted here, JSON or text
    l->set_level(spdlog::level::debug);
    return l;
  }();
  return *instance;
}

bool json_mode() {
  const int forced = g_json.load();
  return forced >= 0 ? forced == 1 : !isatty(STDERR_FILENO);
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warn:
      return "warn";
    case LogLevel::Error:
      return "error";
  }
  return "info";
}

spdlog::level::level_enum spd_level(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return spdlog::level::debug;
    case LogLevel::Info:
      return spdlog::level::info;
    case LogLevel::Warn:
      return spdlog::level::warn;
    case LogLevel::Error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void set_log_json(bool json) {
  g_json = json ? 1 : 0;
}

void log_line(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  const auto now = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  std::string line;
  if (json_mode()) {
    nlohmann::json j{{"time", format_time(now)}, {"level", level_name(level)}, {"msg", message}};
    if (fields.is_object())
      for (const auto& [key, value] : fields.items()) j[key] = value;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = format_time(now) + " " + std::string(level_name(level)) + " " + std::string(message);
    if (fields.is_object())
      for (const auto& [key, value] : fields.items())
        line += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  logger().log(spd_level(level), "{}", line);
}

}  // namespace rollguard
