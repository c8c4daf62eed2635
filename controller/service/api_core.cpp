#include "controller/service/api_core.hpp"

#include "controller/service/api_error.hpp"
#include "controller/service/api_handlers.hpp"
#include "controller/service/log.hpp"

namespace rollguard {

namespace {

// "an operator", "a viewer".
std::string with_article(std::string_view role) {
  const bool vowel =
      !role.empty() && std::string_view("aeiou").find(role.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(role);
}

std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

ApiCore::ApiCore(RolloutService& service, RolloutService& measured, ApiOptions options,
                 std::optional<TokenTable> tokens)
    : service_(service),
      options_(std::move(options)),
      tokens_(std::move(tokens)),
      metrics_(measured, options_.wake_lag),
      hub_(service),
      router_(api_routes(service, [this] { return metrics_.exposition(); })) {}

HandledRequest ApiCore::handle(IncomingRequest in) {
  HandledRequest out;
  try {
    const Caller caller = authenticate(tokens_ ? &*tokens_ : nullptr, in.authorization);
    out.actor = caller.name;
    ParsedTarget target = parse_target(in.target);
    ApiRouter::Match match = router_.match(in.method, target.path);
    out.route = match.route->pattern;
    if (caller.role < match.route->min_role) {
      if (caller.role == ApiRole::Anonymous)
        throw Unauthenticated("Unauthenticated",
                              "this route needs \"Authorization: Bearer TOKEN\" of " +
                                  with_article(to_string(match.route->min_role)));
      throw Forbidden("Forbidden", "\"" + caller.name + "\" is " +
                                       with_article(to_string(caller.role)) + "; " + in.method +
                                       " " + match.route->pattern + " needs an operator");
    }
    if (target.path.starts_with("/v1/") && !service_.ready())
      throw Unavailable("NotReady", "the controller is starting: rollouts are being re-adopted");
    if (stopping_ && in.method != "GET")
      throw Unavailable("ShuttingDown", "the controller is shutting down");
    ApiRequest request{in.method,
                       std::move(target.path),
                       std::move(target.query),
                       std::move(match.params),
                       media_type(in.content_type),
                       std::move(in.body),
                       std::move(in.last_event_id),
                       caller};
    out.reply = match.route->handler(request);
  } catch (...) {
    ErrorReply error = error_reply(std::current_exception());
    out.reply = ApiReply{error.status, std::move(error.body), "application/json", {}, 0};
  }
  return out;
}

void ApiCore::record(const std::string& method, const HandledRequest& handled, int status,
                     std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  metrics_.observe_request(method, handled.route, status, seconds);
  if (!options_.log_requests) return;
  log_line(status >= 500 ? LogLevel::Error : LogLevel::Info, "request",
           {{"method", method},
            {"route", handled.route},
            {"status", status},
            {"ms", std::round(seconds * 1e6) / 1e3},
            {"actor", handled.actor}});
}

std::uint64_t ApiCore::add_session(std::weak_ptr<ApiSessionBase> session) {
  std::lock_guard lock(sessions_mutex_);
  const std::uint64_t id = next_session_++;
  sessions_.emplace(id, std::move(session));
  return id;
}

void ApiCore::remove_session(std::uint64_t id) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(id);
  if (sessions_.empty()) sessions_closed_.notify_all();
}

bool ApiCore::stop_sessions(Duration grace) {
  stopping_ = true;
  std::vector<std::shared_ptr<ApiSessionBase>> live;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [id, weak] : sessions_)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->stop();
  live.clear();
  std::unique_lock lock(sessions_mutex_);
  return sessions_closed_.wait_for(lock, grace, [this] { return sessions_.empty(); });
}

}  // namespace rollguard
