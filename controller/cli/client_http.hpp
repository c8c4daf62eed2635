#pragma once
// The CLI's connection to `rollguard serve`: Boost.Beast over TCP or TLS, one connection per
// call, every step bounded by a deadline. Transport failures (refused, DNS, TLS, timeout)
// throw ClientUnreachable: the commands turn that into exit code 4.
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace rollguard::cli {

struct ClientUnreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ServerUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string prefix;  // a path before /v1, without the trailing slash
};
// "http://host:port[/prefix]" or "https://..."; nullopt with `error` set when it is not one.
std::optional<ServerUrl> parse_server_url(const std::string& url, std::string& error);

struct ClientOptions {
  std::string server;   // URL
  std::string token;    // sent as "Authorization: Bearer TOKEN" when not empty
  std::string ca_file;  // extra CA certificates for https (PEM); the system's are trusted too
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // per plain request
};

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

struct SseMessage {
  std::string id;
  std::string event;
  std::string data;
};

class ApiClient {
 public:
  explicit ApiClient(ClientOptions options);  // throws std::invalid_argument for a bad URL

  ClientResponse request(const std::string& method, const std::string& target,
                         const std::string& body = {}, const std::string& content_type = {});

  enum class StreamEnd { Closed, Stopped, TimedOut };
  // GETs a Server-Sent Events stream; `on_message` returns false to stop. A non-200 answer is
  // returned through `refused` (status and body) with StreamEnd::Closed.
  StreamEnd stream(const std::string& target,
                   const std::function<bool(const SseMessage&)>& on_message,
                   std::optional<std::chrono::steady_clock::time_point> deadline,
                   ClientResponse* refused);

 private:
  ClientOptions options_;
  ServerUrl url_;
};

}  // namespace rollguard::cli
