#include "health/net/endpoint.hpp"

#include <charconv>

namespace rollguard {

std::optional<HostPort> parse_endpoint(std::string_view endpoint) {
  std::string_view host;
  std::string_view port;
  if (endpoint.starts_with('[')) {
    auto close = endpoint.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = endpoint.substr(1, close - 1);
    port = endpoint.substr(close + 2);
  } else {
    auto colon = endpoint.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = endpoint.substr(0, colon);
    port = endpoint.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6 is ambiguous
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
      value > 65535)
    return std::nullopt;
  return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

}  // namespace rollguard
