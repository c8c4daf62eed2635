#pragma once
// How `run` (and later `apply --wait`, `status --watch`) show a rollout: plain timestamped
// lines for pipes and CI, one JSON object per event (NDJSON) with `-o json`.
#include <iosfwd>
#include <mutex>
#include <string>

#include "controller/machine/event.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard::cli {

class EventPrinter {
 public:
  enum class Mode { Plain, Json };
  EventPrinter(std::ostream& out, Mode mode) : out_(out), mode_(mode) {}

  void event(const std::string& rollout, const Event& e, const RolloutState& s);
  void summary(const std::string& rollout, const RolloutState& s, int exit_code);

 private:
  std::ostream& out_;
  Mode mode_;
  std::mutex mutex_;
};

}  // namespace rollguard::cli
