#include "controller/cli/event_printer.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "controller/service/api_json.hpp"
#include "manifests/duration.hpp"
#include "strategies/program_builder.hpp"

namespace rollguard::cli {

namespace {

std::string traffic(const TrafficSplit& s) {
  std::string out =
      "stable " + format_weight(s.stable) + "% canary " + format_weight(s.canary) + "%";
  if (s.baseline > 0) out += " baseline " + format_weight(s.baseline) + "%";
  return out;
}

}  // namespace

void EventPrinter::event(const std::string& rollout, const Event& e, const RolloutState& s) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::Json) {
    out_ << nlohmann::json{{"time", format_time(e.at)},
                           {"rollout", rollout},
                           {"kind", to_string(e.kind)},
                           {"phase", to_string(e.phase)},
                           {"step", e.step},
                           {"reason", e.reason},
                           {"actor", e.actor},
                           {"traffic", traffic_json(s.applied)}}
                .dump()
         << std::endl;
    return;
  }
  out_ << format_time(e.at) << " " << rollout << " " << to_string(e.phase) << ": " << e.reason
       << std::endl;
}

void EventPrinter::summary(const std::string& rollout, const RolloutState& s, int exit_code) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::Json) {
    out_ << nlohmann::json{{"summary", true},
                           {"rollout", rollout},
                           {"phase", to_string(s.phase)},
                           {"knownGood", s.knownGood},
                           {"canary", s.canaryVersion},
                           {"reason", s.message},
                           {"traffic", traffic_json(s.applied)},
                           {"exitCode", exit_code}}
                .dump()
         << std::endl;
    return;
  }
  out_ << "== " << rollout << ": " << to_string(s.phase) << " — " << s.message << "\n"
       << "   known-good " << s.knownGood << ", traffic " << traffic(s.applied) << ", exit "
       << exit_code << std::endl;
}

}  // namespace rollguard::cli
