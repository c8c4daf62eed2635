#include "controller/routers/builtin/admin/router_admin.hpp"

#include <charconv>

namespace rollguard {
namespace {

constexpr std::size_t kStatsLimit = 10000;  // outcomes per answer; the reader asks again

// `after=N` and `limit=N` of a stats query; nullopt for anything else.
std::optional<std::uint64_t> query_number(const std::string& query, const std::string& name) {
  std::size_t at = 0;
  while (at < query.size()) {
    const std::size_t end = std::min(query.find('&', at), query.size());
    const std::string pair = query.substr(at, end - at);
    if (pair.rfind(name + "=", 0) == 0) {
      const std::string text = pair.substr(name.size() + 1);
      std::uint64_t value = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty())
        throw std::invalid_argument(name + "=" + text + " is not a whole number");
      return value;
    }
    at = end + 1;
  }
  return std::nullopt;
}

AdminReply error_reply(int status, const std::string& code, const std::string& message) {
  return {status, admin_error_body(code, message), {}};
}

}  // namespace

std::string admin_error_body(const std::string& code, const std::string& message) {
  return nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

RouterAdmin::RouterAdmin(BuiltinRouterServer& router, const OutcomeLog& outcomes,
                         const Clock& clock)
    : router_(router), outcomes_(outcomes), clock_(clock) {}

std::uint64_t RouterAdmin::revision() const {
  const std::lock_guard lock(mutex_);
  return revision_;
}

AdminReply RouterAdmin::handle(const AdminRequest& request) {
  const std::size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query =
      question == std::string::npos ? std::string{} : request.target.substr(question + 1);
  const auto only = [&](const char* method, const char* allow) -> std::optional<AdminReply> {
    if (request.method == method) return std::nullopt;
    AdminReply r = error_reply(405, "MethodNotAllowed", path + " takes " + allow);
    r.allow = allow;
    return r;
  };
  if (path == "/healthz") {
    if (auto refused = only("GET", "GET")) return *refused;
    return {200, nlohmann::json{{"ok", true}, {"revision", revision()}}.dump(), {}};
  }
  if (path == "/v1/routes") {
    if (request.method == "PUT") return put_routes(request);
    if (auto refused = only("GET", "GET, PUT")) return *refused;
    return get_routes();
  }
  if (path == "/v1/stats") {
    if (auto refused = only("GET", "GET")) return *refused;
    return get_stats(query);
  }
  return error_reply(404, "NotFound",
                     "no such path " + path +
                         " (the admin API has /v1/routes, /v1/stats, "
                         "/healthz)");
}

AdminReply RouterAdmin::put_routes(const AdminRequest& request) {
  auto parsed = parse_route_document(request.content_type, request.body);
  if (auto* refusal = std::get_if<RouteRefusal>(&parsed))
    return error_reply(refusal->status, refusal->code, refusal->message);
  RouteDocument doc = std::get<RouteDocument>(std::move(parsed));
  const std::lock_guard lock(mutex_);
  // Every endpoint was resolved by the parser; one that stops resolving between the two is
  // refused here, and the pools set before it are put back.
  for (Role role : kRoles) {
    if (auto bad = router_.set_pools(role, doc.table.endpoints(role))) {
      for (Role r : kRoles) (void)router_.set_pools(r, current_.table.endpoints(r));
      return error_reply(422, "InvalidRoutes",
                         "backends." + std::string(to_string(role)) + ": " + *bad);
    }
  }
  router_.set_split(doc.table.split, doc.table.preview);
  current_ = std::move(doc);
  ++revision_;
  return {200, route_document_json(current_, revision_).dump(), {}};
}

AdminReply RouterAdmin::get_routes() const {
  const std::lock_guard lock(mutex_);
  // What the data plane holds, not what was asked: the controller verifies against this.
  const ProxyRouteTable applied = router_.routes();
  RouteDocument doc;
  doc.rollout = current_.rollout;
  doc.table.split = applied.split;
  doc.table.preview = applied.preview;
  doc.table.stable = applied.pool(Role::Stable);
  doc.table.canary = applied.pool(Role::Canary);
  doc.table.baseline = applied.pool(Role::Baseline);
  return {200, route_document_json(doc, revision_).dump(), {}};
}

AdminReply RouterAdmin::get_stats(const std::string& query) const {
  std::uint64_t after = 0, limit = kStatsLimit;
  try {
    after = query_number(query, "after").value_or(0);
    limit =
        std::min<std::uint64_t>(query_number(query, "limit").value_or(kStatsLimit), kStatsLimit);
  } catch (const std::invalid_argument& e) {
    return error_reply(400, "BadRequest", e.what());
  }
  // The clock first: every outcome recorded before this reading is in the slice below
  // (an outcome stamped just before it may still be on its way; the reader allows for it).
  const TimePoint now = clock_.now();
  OutcomeSlice slice = outcomes_.after(after, limit);
  slice.now = now;
  return {200, outcome_slice_json(slice).dump(), {}};
}

}  // namespace rollguard
