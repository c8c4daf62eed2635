#include "tools/demo_app/app.hpp"

#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>

namespace rollguard::demo {
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxSkuLength = 128;

// Boost 1.74's Beast speaks boost::string_view; these two cross over.
std::string_view to_std(boost::beast::string_view text) {
  return {text.data(), text.size()};
}
boost::beast::string_view to_beast(std::string_view text) {
  return {text.data(), text.size()};
}

std::string_view path_of(const Request& request) {
  const std::string_view target = to_std(request.target());
  return target.substr(0, target.find('?'));
}

Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::content_type, to_beast(content_type));
  response.body() = std::move(body);
  return response;
}

Response json_response(const Request& request, http::status status, const json& body) {
  // Replacing invalid UTF-8 rather than throwing: a client's bytes must not crash a handler.
  return make_response(request, status, body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json");
}

Response error_response(const Request& request, http::status status, std::string_view message) {
  return json_response(request, status, json{{"error", message}});
}

Response method_not_allowed(const Request& request, std::string_view allow) {
  Response response =
      error_response(request, http::status::method_not_allowed, "method not allowed");
  response.set(http::field::allow, to_beast(allow));
  return response;
}

std::uint64_t fresh_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device();
}

}  // namespace

DemoApp::DemoApp(DemoOptions options)
    : options_(std::move(options)),
      metrics_(options_.version),
      random_(options_.seed.value_or(fresh_seed())) {}

bool DemoApp::is_application_request(const Request& request) {
  std::string_view path = path_of(request);
  return path != "/healthz" && path != "/metrics";
}

Duration DemoApp::admit(const Request& request) {
  if (!is_application_request(request)) return 0ms;
  metrics_.arrived();
  return draw_latency();
}

Duration DemoApp::draw_latency() {
  if (options_.latency_jitter <= 0ms) return options_.latency;
  std::lock_guard lock(random_mutex_);
  std::uniform_int_distribution<Duration::rep> jitter(0, options_.latency_jitter.count());
  return options_.latency + Duration{jitter(random_)};
}

Response DemoApp::handle(const Request& request, Duration uptime, Duration elapsed) {
  Response response = route(request, uptime);
  response.set("X-Version", options_.version);
  if (is_application_request(request)) {
    grow_memory();
    metrics_.record(response.result_int(), std::chrono::duration<double>(elapsed).count());
  }
  return response;
}

Response DemoApp::route(const Request& request, Duration uptime) {
  const std::string_view path = path_of(request);
  const bool starting = uptime < options_.slow_start;

  if (path == "/metrics") {
    if (request.method() != http::verb::get) return method_not_allowed(request, "GET");
    return make_response(request, http::status::ok, metrics_.render(retained_bytes()),
                         "text/plain; version=0.0.4");
  }
  if (path == "/healthz") {
    if (request.method() != http::verb::get) return method_not_allowed(request, "GET");
    if (options_.fail_readiness)
      return make_response(request, http::status::service_unavailable, "not ready\n", "text/plain");
    if (starting)
      return make_response(request, http::status::service_unavailable, "starting\n", "text/plain");
    return make_response(request, http::status::ok, "ok\n", "text/plain");
  }

  if (starting) return error_response(request, http::status::service_unavailable, "starting");
  if (inject_error(uptime))
    return error_response(request, http::status::internal_server_error, "injected failure");

  if (path == "/") {
    if (request.method() != http::verb::get) return method_not_allowed(request, "GET");
    return json_response(request, http::status::ok,
                         {{"service", "rollguard-demo-app"},
                          {"version", options_.version},
                          {"uptimeMs", uptime.count()},
                          {"retainedBytes", retained_bytes()},
                          {"carts", carts_.size()}});
  }
  if (path == "/cart") {
    if (request.method() != http::verb::post) return method_not_allowed(request, "POST");
    const json body = json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
      return error_response(request, http::status::bad_request, "body must be a JSON object");
    auto sku = body.find("sku");
    auto qty = body.find("qty");
    if (sku == body.end() || !sku->is_string() || sku->get<std::string>().empty() ||
        sku->get<std::string>().size() > kMaxSkuLength)
      return error_response(request, http::status::bad_request,
                            "sku must be a non-empty string of at most 128 characters");
    if (qty == body.end() || !qty->is_number_integer() || qty->get<std::int64_t>() < 1)
      return error_response(request, http::status::bad_request,
                            "qty must be an integer of at least 1");
    Cart cart = carts_.add(sku->get<std::string>(), qty->get<std::int64_t>());
    Response response = json_response(request, http::status::created,
                                      {{"id", cart.id}, {"sku", cart.sku}, {"qty", cart.qty}});
    response.set(http::field::location, "/cart/" + cart.id);
    return response;
  }
  constexpr std::string_view kCartPrefix = "/cart/";
  if (path.starts_with(kCartPrefix) && path.size() > kCartPrefix.size() &&
      path.find('/', kCartPrefix.size()) == std::string_view::npos) {
    if (request.method() != http::verb::get) return method_not_allowed(request, "GET");
    auto cart = carts_.find(std::string(path.substr(kCartPrefix.size())));
    if (!cart) return error_response(request, http::status::not_found, "no such cart");
    return json_response(request, http::status::ok,
                         {{"id", cart->id}, {"sku", cart->sku}, {"qty", cart->qty}});
  }
  return error_response(request, http::status::not_found, "not found");
}

bool DemoApp::inject_error(Duration uptime) {
  return draw(options_.error_rate, uptime);
}

bool DemoApp::reset_connection(const Request& request, Duration uptime) {
  return is_application_request(request) && draw(options_.reset_rate, uptime);
}

bool DemoApp::draw(double rate, Duration uptime) {
  if (rate <= 0.0 || uptime < options_.error_after) return false;
  std::lock_guard lock(random_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_) < rate;
}

void DemoApp::grow_memory() {
  if (options_.memory_growth == 0) return;
  std::lock_guard lock(leak_mutex_);
  const std::size_t room = options_.memory_cap - std::min(options_.memory_cap, retained_);
  const std::size_t size = std::min(options_.memory_growth, room);
  if (size == 0) return;
  auto block = std::make_unique<char[]>(size);
  std::memset(block.get(), 0xA5, size);  // touched, so the pages count in the RSS
  leaked_.push_back(std::move(block));
  retained_ += size;
}

std::size_t DemoApp::retained_bytes() const {
  std::lock_guard lock(leak_mutex_);
  return retained_;
}

}  // namespace rollguard::demo
