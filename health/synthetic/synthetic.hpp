#pragma once
// Synthetic user transactions: a multi-step HTTP script run against one endpoint (an
// instance of the chosen role, or the router with the preview header for blue/green),
// with expectations per step and captures from one step's response used as {{var}} in the
// next. A failed run's reason names the step, the expectation and what came back:
//   step 2 GET /cart/1f3a: expected status 200, got 404
#include <functional>
#include <string>
#include <vector>

#include "health/net/http_client.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

// Where and with what one run is sent.
struct SyntheticCall {
  std::string endpoint;  // "host:port"
  StringMap headers;     // added to every request, e.g. {"X-Rollguard-Preview": "1"}
  StringMap vars;        // initial {{vars}} (captures add to and override them)
};

struct SyntheticResult {
  bool ok = false;
  std::string reason;               // empty when ok
  std::vector<Duration> latencies;  // one per step that got a response, in order
  StringMap vars;                   // the variables after the last step run
};

// `client` must outlive the run; `done` is called exactly once, never inside this call.
void run_synthetic(HttpClient& client, const SyntheticSpec& spec, SyntheticCall call,
                   std::function<void(SyntheticResult)> done);

// Absent `target`: the preview route for blue/green, the canary otherwise.
SyntheticTarget effective_target(const SyntheticSpec& spec, bool blue_green);

// The verdict on one step's response, apart from the I/O so that it is tested on its own:
// empty when every expectation holds, else the failed expectation and what came back
// ("expected status 200, got 404"). Captures go into `vars`.
std::string check_step(const SyntheticStepSpec& step, const HttpResponse& response,
                       StringMap& vars);

}  // namespace rollguard
