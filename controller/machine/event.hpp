#pragma once
// What happened to a rollout, with a reason a person reads in one line. Events are what the
// store appends, the CLI prints, the API streams and the webhooks send.
#include <cstddef>
#include <string>
#include <vector>

#include "manifests/time.hpp"
#include "manifests/vocabulary.hpp"

namespace rollguard {

enum class EventKind {
  PhaseChanged,  // entered `phase` (Progressing, Paused, Succeeded, RollingBack, ...)
  StepStarted,
  AnalysisCompleted,
  ActionApplied,  // an operator action was accepted
  Note,           // something worth a line that changes no phase (a router error being retried)
};
std::string_view to_string(EventKind k);

struct Event {
  TimePoint at{};
  EventKind kind = EventKind::Note;
  Phase phase = Phase::Pending;  // the phase after the event
  std::size_t step = 0;          // 1-based step number; 0 before the first step
  std::string reason;
  std::string actor;  // who, for operator actions
  bool operator==(const Event&) const = default;
};

using Events = std::vector<Event>;

}  // namespace rollguard
