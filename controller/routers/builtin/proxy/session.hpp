#pragma once
// One client connection, from accept to close, on one worker thread:
//   wait for a request -> read headers -> (100 Continue) -> read body -> route
//   -> upstream (idle kept-alive connection or a new one) -> send -> read the response's header,
//   then its body
//   -> record the outcome -> write the response -> wait for the next request or close.
// A request sent on a reused upstream connection that fails before any response byte is sent
// once more on a fresh connection: the backend may have closed the idle connection meanwhile.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "controller/routers/builtin/proxy/proxy_headers.hpp"
#include "controller/routers/builtin/proxy/request_reading.hpp"
#include "controller/routers/builtin/proxy/worker.hpp"

namespace rollguard {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Worker& worker, Socket socket);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  // Drain: a connection between requests closes now; a busy one closes after its response.
  void on_drain();
  // Called by the worker's sweeper: closes the side whose deadline has passed.
  void check_deadlines(SteadyTime now);

 private:
  void wait_request();
  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_request(boost::beast::error_code ec);
  void route();
  void connect_upstream();
  void send_upstream();
  void on_upstream_sent(boost::beast::error_code ec);
  void on_upstream_header(boost::beast::error_code ec);
  void on_upstream_response(boost::beast::error_code ec);
  void retry_or_fail();  // a failed upstream step: one fresh retry, else 502 or 504
  void reply(ProxyResponse response);
  void on_written(boost::beast::error_code ec, bool keep_alive);
  void reject(boost::beast::http::status status, std::string_view reason);
  void linger();
  void discard();
  void close();
  void client_deadline(Duration d) { client_deadline_ = std::chrono::steady_clock::now() + d; }
  void set_busy(bool busy);
  Duration elapsed() const;

  Worker& worker_;
  RouterCore& core_;
  const RouterOptions& options_;
  Socket client_;
  SteadyTime client_deadline_ = SteadyTime::max();
  SteadyTime upstream_deadline_ = SteadyTime::max();
  bool upstream_timed_out_ = false;
  boost::beast::flat_buffer buffer_;
  std::string client_ip_;
  bool idle_ = true;  // between requests: a drain may close it at once
  bool busy_ = false;
  bool first_request_ = true;
  bool linger_ = false;  // the request was refused unread: linger() after the answer

  std::optional<RequestParser> parser_;
  ProxyRequest request_;
  unsigned client_version_ = 11;
  bool client_keep_alive_ = true;
  bool head_ = false;

  RouteChoice choice_;
  SteadyTime started_;
  std::optional<Socket> upstream_;
  bool reused_ = false;
  bool retried_ = false;
  boost::beast::flat_buffer upstream_buffer_;
  std::optional<ResponseParser> upstream_parser_;
  ProxyResponse response_;
};

}  // namespace rollguard
