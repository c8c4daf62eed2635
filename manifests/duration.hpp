#pragma once
// Durations as the manifests write them: "250ms", "30s", "5m", "1h", "1h30m" (units h, m, s,
// ms, in that order, each at most once). A bare number is not a duration.
#include <optional>
#include <string>
#include <string_view>

#include "manifests/time.hpp"

namespace rollguard {

std::optional<Duration> parse_duration(std::string_view text);

// The shortest canonical spelling: 90000ms -> "1m30s", 0 -> "0s".
std::string format_duration(Duration d);

// RFC 3339 in UTC with milliseconds: 2026-11-22T13:05:01.250Z (events, logs, the API).
std::string format_time(TimePoint t);

}  // namespace rollguard
