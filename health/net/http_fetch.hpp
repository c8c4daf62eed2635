#pragma once
// Outbound HTTP to third parties (Prometheus, web metric endpoints, webhooks). The one place
// that uses cpprestsdk: its headers stay inside http_fetch.cpp.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifests/time.hpp"

namespace rollguard {

struct FetchRequest {
  std::string url;  // absolute http:// or https:// URL, query string already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string method = "GET";
  std::string body;  // sent when not empty, with the Content-Type of `headers` (else JSON)
  Duration timeout = 5s;
  std::size_t max_body = 8 * 1024 * 1024;  // a longer body is an error, not a huge string
};

struct FetchResult {
  int status = 0;     // the HTTP status when a response came back
  std::string body;   // the response body (also for non-2xx statuses)
  std::string error;  // non-empty: no usable response (refused, timeout, bad URL, too long)
  bool ok() const { return error.empty(); }
};

// Sends the request; `done` is called exactly once, on a cpprestsdk pool thread, or on the
// calling thread when the request cannot even be started (a malformed URL). Error texts name
// the URL's host but never the header values.
void http_fetch(const FetchRequest& request, std::function<void(FetchResult)> done);

// Percent-encodes a query-string component (everything but unreserved characters).
std::string url_encode_component(std::string_view text);

}  // namespace rollguard
