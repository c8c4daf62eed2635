#pragma once
// What the demo app answers, fault injection included, apart from any socket: the server
// reads a request, waits out draw_latency() on a timer, and sends what handle() returns.
// Thread-safe; the server calls it from several I/O threads.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "manifests/time.hpp"
#include "tools/demo_app/cart_store.hpp"
#include "tools/demo_app/metrics.hpp"
#include "tools/demo_app/options.hpp"

namespace rollguard::demo {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

class DemoApp {
 public:
  explicit DemoApp(DemoOptions options);

  const DemoOptions& options() const { return options_; }

  // /healthz and /metrics are the operator's view of the app: they are never delayed, never
  // failed by --error-rate, and not counted in the request metrics. Everything else is an
  // application request (unknown paths too: they are traffic the app served with a 404).
  static bool is_application_request(const Request& request);

  // A request has arrived: returns the delay to wait before handle(), latency + U[0, jitter]
  // for an application request (then in flight until handled), zero for the others.
  Duration admit(const Request& request);

  // Whether to drop an admitted application request's connection with a TCP reset instead of
  // answering (--reset-rate): a crashing worker or a proxy timing out, as a client sees it.
  bool reset_connection(const Request& request, Duration uptime);

  // The answer to an admitted `request`, `uptime` after the app started and `elapsed` after
  // the request arrived (the added delay included: it is what the latency histogram
  // observes). Every answer carries X-Version.
  Response handle(const Request& request, Duration uptime, Duration elapsed);

  std::size_t retained_bytes() const;

 private:
  Duration draw_latency();
  Response route(const Request& request, Duration uptime);
  bool inject_error(Duration uptime);
  bool draw(double rate, Duration uptime);
  void grow_memory();

  const DemoOptions options_;
  DemoMetrics metrics_;
  CartStore carts_;

  std::mutex random_mutex_;
  std::mt19937_64 random_;

  mutable std::mutex leak_mutex_;
  std::vector<std::unique_ptr<char[]>> leaked_;
  std::size_t retained_ = 0;
};

}  // namespace rollguard::demo
