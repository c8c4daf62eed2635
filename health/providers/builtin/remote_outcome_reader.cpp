#include "health/providers/builtin/remote_outcome_reader.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "health/net/http_client.hpp"
#include "health/providers/builtin/outcome_wire.hpp"

namespace rollguard {

struct RemoteOutcomeReader::State : std::enable_shared_from_this<State> {
  State(std::string a, boost::asio::any_io_executor s, RemoteOutcomeOptions o)
      : admin(std::move(a)),
        strand(s),
        options(o),
        window(o.window),
        client(s,
               [] {
                 HttpClientOptions c;
                 c.body_limit = 16 << 20;  // 10,000 outcomes are about 0.5 MB
                 return c;
               }()),
        timer(s) {}

  void poll() {
    HttpRequest r;
    r.endpoint = admin;
    r.target = "/v1/stats?after=" + std::to_string(last);
    r.timeout = options.timeout;
    client.request(std::move(r), [self = shared_from_this()](HttpResponse response) {
      if (self->stopped) return;
      const bool more = self->take(response);
      if (more) return self->poll();
      self->timer.expires_after(self->options.poll_every);
      self->timer.async_wait([self](const boost::system::error_code& ec) {
        if (!ec && !self->stopped) self->poll();
      });
    });
  }

  // Replays one answer; true when the router holds more than it gave.
  bool take(const HttpResponse& r) {
    const std::string peer = "builtin router admin " + admin + ": GET /v1/stats: ";
    if (!r.ok()) return (error = peer + r.error), false;
    if (r.status != 200) return (error = peer + "HTTP " + std::to_string(r.status)), false;
    auto parsed = outcome_slice_from_json(nlohmann::json::parse(r.body, nullptr, false));
    if (auto* bad = std::get_if<std::string>(&parsed)) return (error = peer + *bad), false;
    const OutcomeSlice& slice = std::get<OutcomeSlice>(parsed);
    if (slice.last < last) {  // a new router process behind the same address: start over
      last = 0;
      return true;
    }
    for (const RequestOutcome& o : slice.outcomes) window.record(o);
    fetched += slice.outcomes.size();
    skipped += slice.skipped;
    last = slice.last;
    error.clear();
    const bool more = slice.last < slice.recorded;
    if (!more) complete = std::max(complete, slice.now - options.margin);
    return more;
  }

  std::string admin;
  boost::asio::any_io_executor strand;
  RemoteOutcomeOptions options;
  OutcomeWindow window;
  HttpClient client;
  boost::asio::steady_timer timer;
  bool stopped = false;
  std::uint64_t last = 0;  // the number of the newest outcome replayed
  std::uint64_t fetched = 0, skipped = 0;
  TimePoint complete{};  // before the first answer: the epoch, before anything to judge
  std::string error;
};

RemoteOutcomeReader::RemoteOutcomeReader(std::string admin, boost::asio::any_io_executor strand,
                                         RemoteOutcomeOptions options)
    : state_(std::make_shared<State>(std::move(admin), std::move(strand), options)) {}

RemoteOutcomeReader::~RemoteOutcomeReader() {
  boost::asio::post(state_->strand, [state = state_] {
    state->stopped = true;
    state->timer.cancel();
  });
}

void RemoteOutcomeReader::start() {
  boost::asio::post(state_->strand, [state = state_] { state->poll(); });
}

Duration RemoteOutcomeReader::batch() const {
  return state_->window.batch();
}

MetricReading RemoteOutcomeReader::reading(Role role, BuiltinQuery query, TimePoint end,
                                           Duration window) const {
  if (!state_->error.empty()) return MetricReading::failure(state_->error);
  if (state_->complete == TimePoint{})
    return MetricReading::failure("builtin router admin " + state_->admin + ": no stats read yet");
  return state_->window.reading(role, query, std::min(end, complete_until()), window);
}

std::vector<double> RemoteOutcomeReader::samples(Role role, BuiltinQuery query, TimePoint end,
                                                 Duration window) const {
  return state_->window.samples(role, query, std::min(end, complete_until()), window);
}

void RemoteOutcomeReader::batches(Role role, TimePoint end, Duration window,
                                  std::vector<OutcomeBatch>& out) const {
  state_->window.batches(role, end, window, out);
}

TimePoint RemoteOutcomeReader::next_evidence(Role, Role, TimePoint fed_until) const {
  // The batch after `fed_until` is in once a poll after its end has come back.
  return fed_until + batch() + state_->options.margin + state_->options.poll_every;
}

TimePoint RemoteOutcomeReader::complete_until() const {
  return state_->complete;
}

std::uint64_t RemoteOutcomeReader::fetched() const {
  return state_->fetched;
}

std::string RemoteOutcomeReader::last_error() const {
  return state_->error;
}

}  // namespace rollguard
