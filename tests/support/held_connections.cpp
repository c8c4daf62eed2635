#include "support/held_connections.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rollguard::testing {

namespace {

// What the child writes to its pipe, one struct per write (atomic: far below PIPE_BUF).
enum class ReportKind : std::int32_t { Connected, Closed, ConnectFailed };
struct Report {
  ReportKind kind;
  std::int32_t value;  // a count, or errno for ConnectFailed
  std::int32_t index;  // ConnectFailed: which connection
};

void report(int fd, ReportKind kind, std::int32_t value, std::int32_t index = 0) {
  const Report r{kind, value, index};
  [[maybe_unused]] const auto n = ::write(fd, &r, sizeof r);
}

std::int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return std::int64_t{now.tv_sec} * 1000 + now.tv_nsec / 1'000'000;
}

}  // namespace

HeldConnections::HeldConnections(std::uint16_t port, HeldConnectionsOptions options)
    : options_(std::move(options)), fds_(static_cast<std::size_t>(options_.count)) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    error_ = std::string("pipe2: ") + std::strerror(errno);
    return;
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(pipe_fds[0]);
    reports_ = pipe_fds[1];
    child_main(port);
  }
  ::close(pipe_fds[1]);
  if (pid_ < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    ::close(pipe_fds[0]);
    return;
  }
  reports_ = pipe_fds[0];
}

HeldConnections::~HeldConnections() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (reports_ >= 0) ::close(reports_);
}

void HeldConnections::child_main(std::uint16_t port) noexcept {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
  rlimit files{};  // the test may have lowered its own (fd_exhaustion.hpp), not the child's
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const int count = options_.count;
  for (int i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = fd < 0 ? -1 : 0;
    while (rc == 0 &&
           ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
      if (errno != EINTR) rc = -1;
    for (std::size_t sent = 0; rc == 0 && sent < options_.prefix.size();) {
      const ssize_t n =
          ::send(fd, options_.prefix.data() + sent, options_.prefix.size() - sent, MSG_NOSIGNAL);
      if (n > 0)
        sent += static_cast<std::size_t>(n);
      else if (errno != EINTR)
        rc = -1;
    }
    if (rc != 0) {
      report(reports_, ReportKind::ConnectFailed, errno, i);
      ::_exit(1);
    }
    fds_[static_cast<std::size_t>(i)] = pollfd{fd, POLLIN | POLLRDHUP, 0};
  }
  report(reports_, ReportKind::Connected, count);

  int closed = 0;
  auto close_one = [&](pollfd& p) {
    ::close(p.fd);
    p.fd = -1;  // poll skips negative descriptors
    ++closed;
  };
  const std::int64_t period = options_.trickle ? options_.trickle->count() : -1;
  std::int64_t next_trickle = monotonic_ms() + period;
  while (closed < count) {
    int timeout = -1;
    if (period >= 0)
      timeout = static_cast<int>(std::max<std::int64_t>(0, next_trickle - monotonic_ms()));
    const int before = closed;
    if (::poll(fds_.data(), fds_.size(), timeout) > 0) {
      for (pollfd& p : fds_) {
        if (p.fd < 0 || p.revents == 0) continue;
        // Whatever the server answers (a 408, say) is read and dropped; the end counts.
        char scratch[4096];
        const ssize_t n = ::recv(p.fd, scratch, sizeof scratch, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) close_one(p);
      }
    }
    if (period >= 0 && monotonic_ms() >= next_trickle) {
      next_trickle += period;
      for (pollfd& p : fds_)
        if (p.fd >= 0 && ::send(p.fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN &&
            errno != EINTR)
          close_one(p);
    }
    if (closed != before) report(reports_, ReportKind::Closed, closed);
  }
  ::_exit(0);
}

bool HeldConnections::wait_for(std::chrono::seconds within, bool (*done)(const HeldConnections&)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!done(*this)) {
    if (reports_ < 0 || !error_.empty()) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{reports_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    Report r{};
    const ssize_t n = ::read(reports_, &r, sizeof r);
    if (n != static_cast<ssize_t>(sizeof r)) {
      error_ = "the connection-holding child ended without reporting";
      return false;
    }
    if (r.kind == ReportKind::Connected) connected_ = r.value;
    if (r.kind == ReportKind::Closed) closed_ = r.value;
    if (r.kind == ReportKind::ConnectFailed)
      error_ = "connection " + std::to_string(r.index + 1) + " of " +
               std::to_string(options_.count) + " failed: " + std::strerror(r.value);
  }
  return true;
}

bool HeldConnections::wait_connected(std::chrono::seconds within) {
  return wait_for(within,
                  [](const HeldConnections& h) { return h.connected_ == h.options_.count; });
}

bool HeldConnections::wait_all_closed(std::chrono::seconds within) {
  return wait_for(within, [](const HeldConnections& h) { return h.closed_ == h.options_.count; });
}

}  // namespace rollguard::testing
