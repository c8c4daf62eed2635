#pragma once
// The demo app's listener and lifecycle: accepts connections into Sessions, exits abruptly at
// --crash-after, and on SIGTERM/SIGINT (or stop()) stops accepting, lets in-flight requests
// finish and returns from run().
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tools/demo_app/app.hpp"

namespace rollguard::demo {

class Session;

class Server {
 public:
  // Installs the signal handlers at once, so that a SIGTERM sent as soon as listen() returned
  // is a graceful stop rather than the default kill.
  explicit Server(DemoApp& app);
  ~Server();

  // Binds and listens; port 0 picks a free one. Throws boost::system::system_error (a bad
  // address, a port in use): this is the program's edge.
  boost::asio::ip::tcp::endpoint listen(const std::string& address, std::uint16_t port);

  // Serves on `threads` threads (this one among them) until a graceful stop completes.
  void run(std::size_t threads);

  // Thread-safe; what SIGTERM and SIGINT do.
  void stop();

 private:
  void accept();
  void shut_down();

  DemoApp& app_;
  const std::chrono::steady_clock::time_point started_;
  std::atomic<bool> stopping_{false};
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<Session>> sessions_;

  boost::asio::io_context io_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;  // acceptor, signals, timer
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer crash_timer_;
};

}  // namespace rollguard::demo
