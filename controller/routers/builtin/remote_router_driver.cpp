#include "controller/routers/builtin/remote_router_driver.hpp"

#include <boost/asio/strand.hpp>

#include "controller/routers/builtin/admin/route_document.hpp"
#include "health/net/http_client.hpp"

namespace rollguard {

struct RemoteRouterDriver::Core {
  Core(BuiltinRouter s, SerialJobs::Strand strand, RemoteRouterOptions o)
      : spec(std::move(s)), options(std::move(o)), client(strand) {}
  BuiltinRouter spec;
  RemoteRouterOptions options;
  HttpClient client;

  std::string peer() const { return "builtin router admin " + spec.admin; }
  HttpRequest request(std::string method, std::string body = {}) const {
    HttpRequest r;
    r.endpoint = spec.admin;
    r.method = std::move(method);
    r.target = "/v1/routes";
    r.timeout = options.timeout;
    if (!body.empty()) {
      r.headers["Content-Type"] = "application/json";
      r.body = std::move(body);
    }
    return r;
  }
  // The router's own words for a refusal, else its status.
  static std::string refusal(const HttpResponse& r) {
    const auto json = nlohmann::json::parse(r.body, nullptr, false);
    if (json.is_object() && json.contains("error") && json["error"].is_object() &&
        json["error"].contains("message") && json["error"]["message"].is_string())
      return "HTTP " + std::to_string(r.status) + ": " +
             json["error"]["message"].get<std::string>();
    return "HTTP " + std::to_string(r.status);
  }
};

namespace {

// The revision a PUT or GET answer carries; nullopt when it carries none.
std::optional<std::uint64_t> answered_revision(const nlohmann::json& answer) {
  if (!answer.is_object() || !answer.contains("revision") ||
      !answer["revision"].is_number_unsigned())
    return std::nullopt;
  return answer["revision"].get<std::uint64_t>();
}

void verify(std::shared_ptr<RemoteRouterDriver::Core> core, RouteTable table,
            std::uint64_t revision, std::function<void(std::string)> done) {
  HttpRequest get = core->request("GET");
  core->client.request(std::move(get), [core, table = std::move(table), revision,
                                        done = std::move(done)](HttpResponse r) {
    const std::string peer = core->peer() + ": GET /v1/routes: ";
    if (!r.ok()) return done(peer + r.error);
    if (r.status != 200) return done(peer + RemoteRouterDriver::Core::refusal(r));
    const auto answer = nlohmann::json::parse(r.body, nullptr, false);
    const auto read = route_document_from_answer(answer);
    if (const auto* bad = std::get_if<std::string>(&read))
      return done(peer + "not a route table: " + *bad);
    const auto now = answered_revision(answer);
    if (now != revision)
      return done(peer + "revision " + (now ? std::to_string(*now) : "none") + " after PUT set " +
                  std::to_string(revision) + ": another controller changed the routes");
    if (std::get<RouteDocument>(read).table != table)
      return done(peer + "the table read back differs from the one set (revision " +
                  std::to_string(revision) + ")");
    done({});
  });
}

}  // namespace

RemoteRouterDriver::RemoteRouterDriver(BuiltinRouter spec, boost::asio::any_io_executor executor,
                                       RemoteRouterOptions options)
    : strand_(boost::asio::make_strand(std::move(executor))),
      core_(std::make_shared<Core>(std::move(spec), strand_, std::move(options))),
      jobs_(strand_) {}

RemoteRouterDriver::~RemoteRouterDriver() = default;

void RemoteRouterDriver::apply(const RouteTable& table,
                               std::function<void(std::string error)> done) {
  jobs_.submit([core = core_, table, done = std::move(done)](std::function<void()> finished) {
    auto complete = [done, finished](std::string error) {
      done(std::move(error));
      finished();
    };
    RouteDocument doc{core->options.rollout, table};
    nlohmann::json body = route_document_json(doc, 0);
    body.erase("revision");  // the router's to give
    body.erase("configured");
    HttpRequest put = core->request("PUT", body.dump());
    core->client.request(std::move(put), [core, table, complete](HttpResponse r) {
      const std::string peer = core->peer() + ": PUT /v1/routes: ";
      if (!r.ok()) return complete(peer + r.error);
      if (r.status != 200) return complete(peer + Core::refusal(r));
      const auto revision = answered_revision(nlohmann::json::parse(r.body, nullptr, false));
      if (!revision) return complete(peer + "the answer carries no revision");
      verify(core, table, *revision, complete);
    });
  });
}

}  // namespace rollguard
