#pragma once
// Loopback TCP ports that were free a moment ago, for peers that cannot bind port 0 themselves
// (a Prometheus, a proxy, a router a manifest names) and for "nothing listens there" cases.
// Ports for the instances of a `portRange` come from port_block.hpp instead.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

namespace rollguard::testing {

// `n` distinct free ports: each socket is held until all are chosen, since one bound and
// closed after another may be handed the same port again.
inline std::vector<std::uint16_t> free_ports(int n) {
  std::vector<int> fds;
  std::vector<std::uint16_t> ports;
  for (int i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    fds.push_back(fd);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      port = ntohs(address.sin_port);
    ports.push_back(port);
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

inline std::uint16_t free_port() {
  return free_ports(1).front();
}

}  // namespace rollguard::testing
