#include "controller/routers/builtin/proxy/proxy_headers.hpp"

#include <array>
#include <string>

#include <boost/beast/http/rfc7230.hpp>

namespace rollguard {

namespace http = boost::beast::http;

namespace {

constexpr std::array kHopByHop{http::field::connection,       http::field::keep_alive,
                               http::field::proxy_connection, http::field::te,
                               http::field::trailer,          http::field::transfer_encoding,
                               http::field::upgrade};

boost::beast::string_view bsv(std::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

void strip_hop_by_hop(http::fields& fields) {
  const auto connection = fields.find(http::field::connection);
  if (connection != fields.end()) {
    // Tokens are views into the field; copy them before erasing anything.
    std::vector<std::string> named;
    for (const auto token : http::token_list{connection->value()})
      named.emplace_back(token.data(), token.size());
    for (const auto& name : named) {
      // "close" and "keep-alive" are options, not header names, but erasing is harmless.
      fields.erase(name);
    }
  }
  for (const auto f : kHopByHop) fields.erase(f);
}

void prepare_upstream_request(ProxyRequest& req, std::string_view client_ip) {
  strip_hop_by_hop(req.base());
  req.erase(http::field::expect);  // answered (100 Continue) by the router already
  req.version(11);
  req.keep_alive(true);
  if (!client_ip.empty()) {
    const auto xff = req.find("X-Forwarded-For");
    if (xff == req.end()) {
      req.set("X-Forwarded-For", bsv(client_ip));
    } else {
      std::string value(xff->value());
      value.append(", ").append(client_ip);
      req.set("X-Forwarded-For", value);
    }
  }
  req.prepare_payload();
}

void ensure_host(ProxyRequest& req, const boost::asio::ip::tcp::endpoint& backend) {
  if (req.find(http::field::host) != req.end()) return;
  const auto address = backend.address();
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  host.append(":").append(std::to_string(backend.port()));
  req.set(http::field::host, host);
}

void prepare_client_response(ProxyResponse& res, Role role, unsigned client_version,
                             bool keep_alive, bool head) {
  strip_hop_by_hop(res.base());
  set_role_header(res, role);
  res.version(client_version);
  const auto code = res.result_int();
  // These carry no body, and their Content-Length (if any) describes another response.
  const bool bodiless = head || code == 204 || code == 304 || (code >= 100 && code < 200);
  if (!bodiless) res.prepare_payload();
  res.keep_alive(keep_alive);
}

void set_role_header(ProxyResponse& res, Role role) {
  res.set("X-Rollguard-Role", bsv(to_string(role)));
}

ProxyResponse router_response(http::status status, unsigned version, bool keep_alive,
                              std::string_view reason) {
  ProxyResponse res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body().assign(reason.data(), reason.size());
  res.body().push_back('\n');
  res.prepare_payload();
  res.keep_alive(keep_alive);
  return res;
}

}  // namespace rollguard
