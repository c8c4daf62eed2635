#include "health/probes/probe_tracker.hpp"

#include <algorithm>

namespace rollguard {

ProbeTracker::ProbeTracker(std::string probe, Role role, std::string endpoint,
                           int failure_threshold)
    : probe_(std::move(probe)),
      role_(role),
      endpoint_(std::move(endpoint)),
      threshold_(std::max(1, failure_threshold)) {}

bool ProbeTracker::record(const ProbeResult& result) {
  if (result.ok) {
    failures_ = 0;
    last_failure_.clear();
    reason_.clear();
    return false;
  }
  ++failures_;
  last_failure_ = result.reason;
  if (failed()) {
    std::string times = failures_ == 1 ? "once" : std::to_string(failures_) + " times in a row";
    reason_ = "probe " + probe_ + " failed " + times + " on " + std::string(to_string(role_)) +
              " " + endpoint_ + ": " + result.reason;
  }
  return failed();
}

}  // namespace rollguard
