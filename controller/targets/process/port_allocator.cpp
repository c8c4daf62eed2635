#include "controller/targets/process/port_allocator.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace rollguard {

PortAllocator::PortAllocator(int first, int last)
    : first_(std::clamp(first, 1, 65535)), last_(std::clamp(last, first_, 65535)), next_(first_) {}

std::optional<int> PortAllocator::acquire() {
  const int size = last_ - first_ + 1;
  for (int tried = 0; tried < size; ++tried) {
    const int port = next_;
    next_ = next_ == last_ ? first_ : next_ + 1;
    if (held_.count(port) || !port_is_free(port)) continue;
    held_.insert(port);
    return port;
  }
  return std::nullopt;
}

void PortAllocator::release(int port) {
  held_.erase(port);
}

bool port_is_free(int port) {
  // No SO_REUSEADDR: a port still in TIME_WAIT counts as taken, since an application that
  // does not set the option could not bind it either.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

}  // namespace rollguard
