#pragma once
// "host:port" as manifests and drivers spell an endpoint; "[::1]:8080" for IPv6 literals.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rollguard {

struct HostPort {
  std::string host;  // without IPv6 brackets
  std::uint16_t port = 0;
  bool operator==(const HostPort&) const = default;
};

// nullopt when the port is missing, not a number, or out of 1..65535, or the host is empty.
std::optional<HostPort> parse_endpoint(std::string_view endpoint);

}  // namespace rollguard
