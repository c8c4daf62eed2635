// cpprestsdk's U() macro collides with GoogleTest and fmt: keep its platform strings off.
#define _TURN_OFF_PLATFORM_STRING
#include "health/net/http_fetch.hpp"

#include <cpprest/http_client.h>
#include <cpprest/uri.h>
#include <pplx/threadpool.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <system_error>

namespace rollguard {

namespace {

std::string millis_text(Duration d) {
  return std::to_string(d.count()) + "ms";
}

// cpprestsdk's texts ("Failed to connect to any resolved endpoint") hide what the socket
// said; its error code keeps it. The words are those of net_error.hpp, so a reason reads the
// same for a probe and a metric.
std::string socket_words(const std::error_code& ec, const char* fallback) {
  if (ec == std::errc::connection_refused) return "connection refused";
  if (ec == std::errc::connection_reset) return "connection reset by peer";
  // cpprestsdk reports a refused connect as host_unreachable (http_client_asio.cpp,
  // report_error), so the two cannot be told apart here.
  if (ec == std::errc::host_unreachable) return "connection refused or host unreachable";
  if (ec == std::errc::network_unreachable) return "network unreachable";
  return fallback;
}

std::string describe_failure(const std::exception_ptr& failure, const FetchRequest& request,
                             const std::string& host, bool deadline_passed) {
  if (deadline_passed)
    return "timeout after " + millis_text(request.timeout) + " waiting for " + host;
  try {
    std::rethrow_exception(failure);
  } catch (const web::http::http_exception& e) {
    if (e.error_code() == std::errc::timed_out)
      return "timeout after " + millis_text(request.timeout) + " waiting for " + host;
    return "request to " + host + " failed: " + socket_words(e.error_code(), e.what());
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

  web::http::http_request get{web::http::method(request.method)};
  std::string content_type = "application/json";
  for (const auto& [name, value] : request.headers) {
    if (utility::details::str_iequal(name, "Content-Type"))
      content_type = value;
    else
      get.headers().add(name, value);
  }
  if (!request.body.empty()) get.set_body(request.body, content_type);

  // cpprestsdk's own timeout bounds each send and receive (a read of up to one 64 KiB chunk),
  // so a large body that trickles in would never time out: a timer on cpprestsdk's pool
  // cancels the whole exchange at the deadline.
  auto cancel = std::make_shared<pplx::cancellation_token_source>();
  auto deadline_passed = std::make_shared<std::atomic<bool>>(false);
  auto timer = std::make_shared<boost::asio::steady_timer>(
      crossplat::threadpool::shared_instance().service());
  timer->expires_after(request.timeout);
  timer->async_wait([cancel, deadline_passed](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the exchange ended first
    deadline_passed->store(true);
    cancel->cancel();
  });

  // The client must live until the response is read; the continuations keep it.
  auto status = std::make_shared<int>(0);
  client->request(get, cancel->get_token())
      .then([client, status, limit = request.max_body](web::http::http_response response) {
        *status = response.status_code();
        const auto length = response.headers().content_length();
        if (length > limit)
          throw std::length_error("response body of " + std::to_string(length) +
                                  " bytes is over the limit");
        return response.extract_utf8string(true);
      })
      .then([client, status, request, host, timer, deadline_passed,
             done = std::move(done)](pplx::task<std::string> body) {
        timer->cancel();
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
          r.status = 0;
          r.error =
              describe_failure(std::current_exception(), request, host, deadline_passed->load());
        }
        done(std::move(r));
      });
}

}  // namespace rollguard
