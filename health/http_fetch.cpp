// cpprestsdk's U() macro collides with GoogleTest and fmt: keep its platform strings off.
#define _TURN_OFF_PLATFORM_STRING
#include "health/http_fetch.hpp"

#include <cpprest/http_client.h>
#include <cpprest/uri.h>

#include <memory>
#include <system_error>

namespace rollguard {

namespace {

std::string millis_text(Duration d) {
  return std::to_string(d.count()) + "ms";
}

std::string describe_failure(const std::exception_ptr& failure, const FetchRequest& request,
                             const std::string& host) {
  try {
    std::rethrow_exception(failure);
  } catch (const web::http::http_exception& e) {
    if (e.error_code() == std::errc::timed_out)
      return "timeout after " + millis_text(request.timeout) + " waiting for " + host;
    return "request to " + host + " failed: " + e.what();
  } catch (const std::exception& e) {
    return "request to " + host + " failed: " + e.what();
  } catch (...) {
    return "request to " + host + " failed";
  }
}

}  // namespace

std::string url_encode_component(std::string_view text) {
  return web::uri::encode_data_string(std::string(text));
}

void http_fetch(const FetchRequest& request, std::function<void(FetchResult)> done) {
  std::shared_ptr<web::http::client::http_client> client;
  std::string host;
  try {
    web::uri uri(request.url);
    host = uri.host() + (uri.port() > 0 ? ":" + std::to_string(uri.port()) : "");
    web::http::client::http_client_config config;
    config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout));
    client = std::make_shared<web::http::client::http_client>(uri, config);
  } catch (const std::exception& e) {
    FetchResult r;
    r.error = std::string("bad URL: ") + e.what();
    done(std::move(r));
    return;
  }

  web::http::http_request get(web::http::methods::GET);
  for (const auto& [name, value] : request.headers) get.headers().add(name, value);

  // The client must live until the response is read; the continuations keep it.
  auto status = std::make_shared<int>(0);
  client->request(get)
      .then([client, status, limit = request.max_body](web::http::http_response response) {
        *status = response.status_code();
        const auto length = response.headers().content_length();
        if (length > limit)
          throw std::length_error("response body of " + std::to_string(length) +
                                  " bytes is over the limit");
        return response.extract_utf8string(true);
      })
      .then([client, status, request, host, done = std::move(done)](pplx::task<std::string> body) {
        FetchResult r;
        try {
          r.body = body.get();
          r.status = *status;
          if (r.body.size() > request.max_body) {
            r.body.clear();
            r.error = "response body from " + host + " is over the limit of " +
                      std::to_string(request.max_body) + " bytes";
          }
        } catch (...) {
          r.error = describe_failure(std::current_exception(), request, host);
        }
        done(std::move(r));
      });
}

}  // namespace rollguard
