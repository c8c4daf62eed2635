#pragma once
// Reads Prometheus exposition text into a map from series ("name{labels}" exactly as written)
// to value, so that tests can assert single series.
#include <map>
#include <sstream>
#include <string>

namespace rollguard::testing {

inline std::map<std::string, double> parse_prometheus_text(const std::string& text) {
  std::map<std::string, double> series;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    series[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return series;
}

}  // namespace rollguard::testing
