#include "manifests/duration.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace rollguard {
namespace {

struct Unit {
  std::string_view suffix;
  Duration size;
};
// Longest suffix first where one is a prefix of another ("ms" before "m").
constexpr std::array kUnits{Unit{"h", 1h}, Unit{"ms", 1ms}, Unit{"m", 1min}, Unit{"s", 1s}};
constexpr std::array kOrder{std::string_view{"h"}, std::string_view{"m"}, std::string_view{"s"},
                            std::string_view{"ms"}};

int order_of(std::string_view suffix) {
  for (std::size_t i = 0; i < kOrder.size(); ++i)
    if (kOrder[i] == suffix) return static_cast<int>(i);
  return -1;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  Duration total{0};
  int last_order = -1;
  while (!text.empty()) {
    long long amount = 0;
    auto [rest, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (ec != std::errc{} || rest == text.data() || amount < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(rest - text.data()));
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;  // a bare number, or an unknown unit
    int order = order_of(unit->suffix);
    if (order <= last_order) return std::nullopt;  // "5s1m" or "1m1m"
    last_order = order;
    text.remove_prefix(unit->suffix.size());
    constexpr long long kMaxMs = 1000LL * 3600 * 24 * 365 * 100;  // a century is plenty
    if (amount > kMaxMs / unit->size.count()) return std::nullopt;
    total += unit->size * amount;
    if (total.count() > kMaxMs) return std::nullopt;
  }
  return total;
}

std::string format_duration(Duration d) {
  if (d.count() == 0) return "0s";
  std::string out;
  if (d < Duration{0}) {
    out = "-";
    d = -d;
  }
  long long ms = d.count();
  const long long h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s) out += std::to_string(s) + "s";
  if (rest) out += std::to_string(rest) + "ms";
  return out;
}

std::string format_time(TimePoint t) {
  const auto ms = t.time_since_epoch().count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char date[40];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", date, static_cast<int>(ms % 1000));
  return out;
}

}  // namespace rollguard
