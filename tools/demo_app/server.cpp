#include "tools/demo_app/server.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <csignal>
#include <cstdio>
#include <thread>

#include "tools/demo_app/session.hpp"

namespace rollguard::demo {
namespace asio = boost::asio;
using asio::ip::tcp;

Server::Server(DemoApp& app)
    : app_(app),
      started_(std::chrono::steady_clock::now()),
      strand_(asio::make_strand(io_)),
      acceptor_(strand_),
      signals_(strand_, SIGTERM, SIGINT),
      crash_timer_(strand_) {
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) shut_down();
  });
}

Server::~Server() = default;

tcp::endpoint Server::listen(const std::string& address, std::uint16_t port) {
  const tcp::endpoint endpoint{asio::ip::make_address(address), port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  return acceptor_.local_endpoint();
}

void Server::run(std::size_t threads) {
  const Duration crash_after = app_.options().crash_after;
  if (crash_after > 0ms) {
    crash_timer_.expires_at(started_ + crash_after);
    crash_timer_.async_wait([](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled by a graceful stop
      // Like a crash: no unwinding, no flushing, no graceful anything.
      static constexpr char kMessage[] = "rollguard-demo-app: crashing (--crash-after)\n";
      [[maybe_unused]] auto written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
      ::_exit(1);
    });
  }
  asio::post(strand_, [this] { accept(); });

  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& thread : pool) thread.join();
}

void Server::stop() {
  asio::post(strand_, [this] { shut_down(); });
}

void Server::accept() {
  acceptor_.async_accept(
      asio::make_strand(io_), [this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec) {
          auto session = std::make_shared<Session>(std::move(socket), app_, started_, stopping_);
          {
            std::lock_guard lock(sessions_mutex_);
            std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
            sessions_.push_back(session);
          }
          session->start();
        }
        accept();
      });
}

void Server::shut_down() {
  if (stopping_.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel(ignored);
  crash_timer_.cancel();
  std::lock_guard lock(sessions_mutex_);
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) session->stop();
  }
}

}  // namespace rollguard::demo
