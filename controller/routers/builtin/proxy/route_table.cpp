#include "controller/routers/builtin/proxy/route_table.hpp"

#include <charconv>

#include <boost/asio/io_context.hpp>

namespace rollguard {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::variant<tcp::endpoint, std::string> resolve_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return "'" + std::string(text) + "': expected host:port";
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, err] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (err != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
    return "'" + std::string(text) + "': bad port";
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);

  boost::system::error_code ec;
  const auto address = net::ip::make_address(std::string(host), ec);
  if (!ec) return tcp::endpoint(address, static_cast<unsigned short>(port));

  net::io_context io;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(std::string(host), std::string(port_text), ec);
  if (ec || results.empty())
    return "'" + std::string(text) + "': cannot resolve: " + (ec ? ec.message() : "no address");
  for (const auto& r : results)
    if (r.endpoint().address().is_v4()) return r.endpoint();
  return results.begin()->endpoint();
}

}  // namespace rollguard
