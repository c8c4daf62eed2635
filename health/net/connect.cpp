#include "health/net/connect.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace rollguard {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

void async_connect_to(beast::tcp_stream& stream, const HostPort& endpoint,
                      std::chrono::steady_clock::time_point deadline,
                      std::function<void(beast::error_code)> done) {
  stream.expires_at(deadline);
  beast::error_code ec;
  auto address = net::ip::make_address(endpoint.host, ec);
  if (!ec) {
    stream.async_connect(tcp::endpoint(address, endpoint.port), std::move(done));
    return;
  }
  struct Lookup {
    explicit Lookup(const net::any_io_executor& ex) : resolver(ex), timer(ex) {}
    tcp::resolver resolver;
    net::steady_timer timer;
  };
  auto lookup = std::make_shared<Lookup>(stream.get_executor());
  lookup->timer.expires_at(deadline);
  lookup->timer.async_wait([lookup](beast::error_code e) {
    if (!e) lookup->resolver.cancel();
  });
  lookup->resolver.async_resolve(
      endpoint.host, std::to_string(endpoint.port),
      [lookup, &stream, done = std::move(done)](beast::error_code e,
                                                tcp::resolver::results_type results) mutable {
        lookup->timer.cancel();
        if (e == net::error::operation_aborted) return done(beast::error::timeout);
        if (e) return done(e);
        stream.async_connect(results, [done = std::move(done)](beast::error_code e2,
                                                               const tcp::endpoint&) { done(e2); });
      });
}

}  // namespace rollguard
