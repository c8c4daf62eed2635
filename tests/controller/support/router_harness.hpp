#pragma once
// Driving a RouterDriver from a test: apply a route table and wait for its answer on a
// private io_context; then count which version (the demo app's X-Version header) answered
// each of N requests sent through the proxy, each on a fresh connection so that every
// request is balanced on its own.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <string>

#include "controller/ports/router_driver.hpp"
#include "health/net/http_client.hpp"
#include "tests/health/run_until.hpp"

namespace rollguard::router_test {

inline std::string apply_and_wait(boost::asio::io_context& io, RouterDriver& router,
                                  const RouteTable& table) {
  return testing::run_until_done<std::string>(
      io, [&](std::function<void(std::string)> done) { router.apply(table, std::move(done)); });
}

using VersionCounts = std::map<std::string, int>;

// Versions by how many of `requests` they answered; a failed request counts under its error.
inline VersionCounts count_versions(std::uint16_t port, int requests, StringMap headers = {}) {
  boost::asio::io_context io;
  HttpClientOptions options;
  options.max_idle_per_endpoint = 0;  // a new connection, so a new balancing decision, each time
  HttpClient client(io.get_executor(), options);
  VersionCounts counts;
  for (int i = 0; i < requests; ++i) {
    HttpRequest request;
    request.endpoint = "127.0.0.1:" + std::to_string(port);
    request.headers = headers;
    request.timeout = 10s;
    auto response = testing::run_until_done<HttpResponse>(
        io, [&](std::function<void(HttpResponse)> done) { client.request(request, done); });
    if (!response.ok()) {
      ++counts["error: " + response.error];
      continue;
    }
    auto version = response.headers.find("x-version");
    ++counts[version == response.headers.end() ? "status " + std::to_string(response.status)
                                               : version->second];
  }
  return counts;
}

inline int count_of(const VersionCounts& counts, const std::string& version) {
  auto it = counts.find(version);
  return it == counts.end() ? 0 : it->second;
}

inline std::string describe(const VersionCounts& counts) {
  std::string out;
  for (const auto& [version, n] : counts) out += version + "=" + std::to_string(n) + " ";
  return out;
}

}  // namespace rollguard::router_test
