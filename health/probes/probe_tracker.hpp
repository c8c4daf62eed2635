#pragma once
// Consecutive-failure bookkeeping for one probe on one instance: `failureThreshold`
// failures in a row fail it, one success resets it. Pure: results in, state out.
#include <string>

#include "health/probes/prober.hpp"
#include "manifests/vocabulary.hpp"

namespace rollguard {

class ProbeTracker {
 public:
  ProbeTracker(std::string probe, Role role, std::string endpoint, int failure_threshold);

  // Returns failed() after taking `result` into account.
  bool record(const ProbeResult& result);

  bool failed() const { return failures_ >= threshold_; }
  int consecutive_failures() const { return failures_; }
  // "probe alive failed 3 times in a row on canary 127.0.0.1:20001: connection refused";
  // empty while not failed.
  const std::string& reason() const { return reason_; }
  // The latest failure's own reason, also below the threshold (for status displays).
  const std::string& last_failure() const { return last_failure_; }

 private:
  std::string probe_;
  Role role_;
  std::string endpoint_;
  int threshold_;
  int failures_ = 0;
  std::string last_failure_;
  std::string reason_;
};

}  // namespace rollguard
