#pragma once
// One keep-alive HTTP/1.1 connection: read a request, wait out the added latency on a timer
// (never blocking an I/O thread), answer, repeat. All of its work runs on its own strand.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "tools/demo_app/app.hpp"

namespace rollguard::demo {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  // `stopping` outlives every session (the server owns it); once set, connections close after
  // their response instead of reading another request.
  Session(boost::asio::ip::tcp::socket socket, DemoApp& app, SteadyTime started,
          const std::atomic<bool>& stopping);

  void start();

  // Graceful shutdown: an idle connection closes now, a busy one after its response.
  void stop();

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  void respond();
  void on_write(boost::beast::error_code ec, bool keep_alive);
  void close();
  void reset();  // drop the connection with a TCP reset, no answer

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Request request_;
  Response response_;
  boost::asio::steady_timer delay_;
  DemoApp& app_;
  const SteadyTime started_;
  const std::atomic<bool>& stopping_;
  SteadyTime arrived_;
  bool busy_ = false;  // between a request read and its response written
};

}  // namespace rollguard::demo
