#include "health/probes/prober.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>

#include "health/net/connect.hpp"
#include "health/net/endpoint.hpp"
#include "health/net/net_error.hpp"
#include "health/process/argv_template.hpp"
#include "health/process/subprocess.hpp"
#include "health/text.hpp"
#include "manifests/duration.hpp"

namespace rollguard {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

std::string expected_statuses(const std::vector<int>& statuses) {
  std::string out;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (i > 0) out += i + 1 == statuses.size() ? " or " : ", ";
    out += std::to_string(statuses[i]);
  }
  return out;
}

Duration to_duration(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<Duration>(d);
}

}  // namespace

ProbeResult judge_http(const HttpCheck& check, const HttpResponse& response) {
  ProbeResult r;
  r.latency = std::chrono::duration_cast<Duration>(response.latency);
  if (!response.ok()) {
    r.reason = response.error;
    return r;
  }
  const auto& expect = check.expectStatus;
  bool status_ok = expect.empty()
                       ? response.status >= 200 && response.status < 400
                       : std::find(expect.begin(), expect.end(), response.status) != expect.end();
  if (!status_ok) {
    r.reason = "expected status " +
               (expect.empty() ? std::string("2xx or 3xx") : expected_statuses(expect)) + ", got " +
               std::to_string(response.status);
    return r;
  }
  if (!check.bodyContains.empty() && response.body.find(check.bodyContains) == std::string::npos) {
    r.reason = "body does not contain \"" + check.bodyContains + "\": " + excerpt(response.body);
    return r;
  }
  r.ok = true;
  return r;
}

NetworkProber::NetworkProber(net::any_io_executor executor, NetworkProberOptions options)
    : executor_(executor), options_(std::move(options)), http_(executor, options_.http) {}

void NetworkProber::probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) {
  std::visit(
      [&](const auto& check) {
        using T = std::decay_t<decltype(check)>;
        if constexpr (std::is_same_v<T, HttpCheck>)
          probe_http(check, request, std::move(done));
        else if constexpr (std::is_same_v<T, TcpCheck>)
          probe_tcp(request, std::move(done));
        else
          probe_exec(check, request, std::move(done));
      },
      request.check);
}

void NetworkProber::probe_http(const HttpCheck& check, const ProbeRequest& request,
                               std::function<void(ProbeResult)> done) {
  HttpRequest req;
  req.endpoint = request.endpoint;
  req.method = check.method;
  req.target = check.path;
  req.headers = check.headers;
  req.timeout = request.timeout;
  http_.request(std::move(req), [check, done = std::move(done)](HttpResponse response) {
    done(judge_http(check, response));
  });
}

void NetworkProber::probe_tcp(const ProbeRequest& request, std::function<void(ProbeResult)> done) {
  auto endpoint = parse_endpoint(request.endpoint);
  if (!endpoint) {
    ProbeResult r{false, "invalid endpoint \"" + request.endpoint + "\" (expected host:port)", {}};
    net::post(executor_, [done = std::move(done), r] { done(r); });
    return;
  }
  auto stream = std::make_shared<beast::tcp_stream>(net::make_strand(executor_));
  auto now = options_.http.now;
  auto start = now();
  async_connect_to(*stream, *endpoint, std::chrono::steady_clock::now() + request.timeout,
                   [stream, now, start, timeout = request.timeout,
                    done = std::move(done)](beast::error_code ec) {
                     ProbeResult r;
                     r.latency = to_duration(now() - start);
                     r.ok = !ec;
                     if (ec) r.reason = describe_net_error(ec, timeout);
                     beast::error_code ignored;
                     stream->socket().close(ignored);
                     done(std::move(r));
                   });
}

void NetworkProber::probe_exec(const ExecCheck& check, const ProbeRequest& request,
                               std::function<void(ProbeResult)> done) {
  StringMap vars = request.vars;
  if (!vars.count("port"))
    if (auto hp = parse_endpoint(request.endpoint)) vars["port"] = std::to_string(hp->port);
  ProcessSpec spec;
  spec.argv = render_argv(check.command, vars);
  spec.output_limit = options_.output_limit;
  auto now = options_.http.now;
  auto start = now();
  run_process(executor_, std::move(spec), request.timeout,
              [now, start, timeout = request.timeout, quote = options_.reason_output,
               done = std::move(done)](ProcessResult p) {
                ProbeResult r;
                r.latency = to_duration(now() - start);
                r.ok = p.succeeded();
                std::string out = tail_excerpt(p.output, quote);
                auto with_output = [&](std::string head) {
                  return out.empty() ? head : head + ": " + out;
                };
                if (!p.started)
                  r.reason = p.error;
                else if (p.timed_out)
                  r.reason = with_output("timed out after " + format_duration(timeout) +
                                         " (process group killed)");
                else if (p.signal != 0)
                  r.reason = with_output("killed by signal " + std::to_string(p.signal));
                else if (p.exit_code != 0)
                  r.reason = with_output("exit code " + std::to_string(p.exit_code));
                done(std::move(r));
              });
}

}  // namespace rollguard
