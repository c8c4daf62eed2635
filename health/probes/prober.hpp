#pragma once
// One-shot health probes: HTTP, TCP connect, exec. The controller schedules them (a timer
// per probe and target) and feeds each result to a ProbeTracker; a probe never blocks and a
// hung peer costs its timeout, not a thread.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <string>

#include "health/net/http_client.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

struct ProbeResult {
  bool ok = false;
  std::string reason;  // why it failed: "connection refused", "expected status 200, got 503"
  Duration latency{};
  bool operator==(const ProbeResult&) const = default;
};

struct ProbeRequest {
  ProbeCheck check = HttpCheck{};
  std::string endpoint;  // "host:port" of the instance
  Duration timeout = 1s;
  // Exec templates: {{port}} (filled from the endpoint when absent), {{role}}, {{version}},
  // {{instance}}, {{name}}.
  StringMap vars;
};

class Prober {
 public:
  virtual ~Prober() = default;
  // `done` is called exactly once, possibly on another thread, never inside this call.
  virtual void probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) = 0;
};

struct NetworkProberOptions {
  HttpClientOptions http;           // keep-alive pool shared by every HTTP probe
  std::size_t output_limit = 4096;  // exec: tail of stdout+stderr kept
  std::size_t reason_output = 200;  // exec: bytes of that tail quoted in a reason
};

// The real thing: sockets and processes on the given executor. One instance serves any
// number of targets; HTTP connections are reused per endpoint.
class NetworkProber final : public Prober {
 public:
  explicit NetworkProber(boost::asio::any_io_executor executor, NetworkProberOptions options = {});
  void probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) override;

  const HttpClient& http_client() const { return http_; }

 private:
  void probe_http(const HttpCheck& check, const ProbeRequest& request,
                  std::function<void(ProbeResult)> done);
  void probe_tcp(const ProbeRequest& request, std::function<void(ProbeResult)> done);
  void probe_exec(const ExecCheck& check, const ProbeRequest& request,
                  std::function<void(ProbeResult)> done);

  boost::asio::any_io_executor executor_;
  NetworkProberOptions options_;
  HttpClient http_;
};

// The verdict on one HTTP answer, apart from the I/O so that it is tested on its own.
ProbeResult judge_http(const HttpCheck& check, const HttpResponse& response);

}  // namespace rollguard
