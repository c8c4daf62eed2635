#pragma once
// What flows out of health/: per-request outcomes (from the built-in router or the
// simulator) and metric readings (from a provider). Providers never throw across this
// boundary: a failed read is a reading with an error and its reason.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "manifests/rollout_spec.hpp"

namespace rollguard {

// One request that went through the router to one role.
struct RequestOutcome {
  Role role = Role::Stable;
  TimePoint at{};      // when the response (or the failure) was seen
  int status = 0;      // 0 when no HTTP response came back
  Duration latency{};  // microsecond-exact latency is not needed for any judge
  bool connection_error = false;
  bool failed() const { return connection_error || status >= 500 || status == 0; }
};

// The router (live) or the simulator feeds outcomes here as they happen.
class OutcomeSink {
 public:
  virtual ~OutcomeSink() = default;
  virtual void record(const RequestOutcome& outcome) = 0;
};

struct MetricReading {
  std::vector<double> value;  // one element for a scalar result
  bool is_list = false;       // a vector query result
  std::int64_t samples = -1;  // requests behind the value where known; -1 unknown
  std::string error;          // non-empty: could not be read (timeout, HTTP error, bad JSON, empty)
  bool ok() const { return error.empty(); }
  static MetricReading failure(std::string reason) {
    MetricReading r;
    r.error = std::move(reason);
    return r;
  }
};

// Template values for a query: {{name}}, {{version}}, {{role}}.
struct MetricQuery {
  std::string rollout;  // metadata.name
  std::string version;
  Role role = Role::Canary;
  Duration window = 1min;  // the interval the value should cover (builtin: exact)
};

class MetricProvider {
 public:
  virtual ~MetricProvider() = default;
  // `done` is called exactly once, possibly on another thread.
  virtual void read(const MetricQuery& query, std::function<void(MetricReading)> done) = 0;
};

}  // namespace rollguard
