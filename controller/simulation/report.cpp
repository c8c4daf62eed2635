#include "controller/simulation/report.hpp"

#include <cmath>
#include <cstdio>

#include "manifests/duration.hpp"

namespace rollguard::sim {
namespace {

using nlohmann::json;

json seconds_or_null(const std::optional<Duration>& d) {
  return d ? json(seconds(*d)) : json(nullptr);
}

json number_or_null(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

// Expected counts are fractional: three decimals say all there is to say, in the same bytes
// everywhere.
double rounded(double v) {
  return std::round(v * 1000) / 1000;
}

json figure_json(const Figure& f) {
  return json{{"p50", number_or_null(f.p50)},
              {"p95", number_or_null(f.p95)},
              {"mean", number_or_null(f.mean)},
              {"runs", f.defined}};
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string offset(Duration d) {
  return "+" + format_duration(d);
}

std::string or_none(const std::optional<Duration>& d) {
  return d ? fixed(seconds(*d), 1) + "s" : "-";
}

std::string figure_text(const Figure& f, const std::string& unit, int decimals) {
  if (!f.p50) return "-";
  return "p50 " + fixed(*f.p50, decimals) + unit + ", p95 " + fixed(*f.p95, decimals) + unit +
         ", mean " + fixed(*f.mean, decimals) + unit + " (" + std::to_string(f.defined) + " runs)";
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string percent(double rate) {
  return fixed(100 * rate, 1) + "%";
}

// Text labels of the outcomes, in kRunOutcomes' order, with what each means.
std::string outcome_line(RunOutcome o) {
  switch (o) {
    case RunOutcome::Detected:
      return "detected          ";
    case RunOutcome::FalseRollback:
      return "false rollbacks   ";
    case RunOutcome::Inconclusive:
      return "inconclusive      ";
    case RunOutcome::Missed:
      return "missed            ";
    case RunOutcome::Passed:
      return "passed            ";
  }
  return "?";
}

std::string outcome_note(RunOutcome o) {
  switch (o) {
    case RunOutcome::Detected:
      return "rolled back or failed while worse than stable";
    case RunOutcome::FalseRollback:
      return "rolled back or failed while no worse than stable";
    case RunOutcome::Inconclusive:
      return "paused: too few samples, no data or an error; neither detected nor a false alarm";
    case RunOutcome::Missed:
      return "worse than stable, and nothing stopped it";
    case RunOutcome::Passed:
      return "no worse than stable, and nothing stopped it";
  }
  return "";
}

}  // namespace

json event_json(const Event& e) {
  return json{{"atSeconds", seconds(e.at.time_since_epoch())},
              {"event", std::string(to_string(e.kind))},
              {"phase", std::string(to_string(e.phase))},
              {"step", e.step},
              {"reason", e.reason}};
}

json summary_json(const std::string& scenario, const RunReport& r) {
  return json{{"scenario", scenario},
              {"seed", r.seed},
              {"phase", std::string(to_string(r.phase))},
              {"message", r.message},
              {"elapsedSeconds", seconds(r.elapsed)},
              {"outcome", std::string(to_string(r.outcome))},
              {"faultOnsetSeconds", seconds_or_null(r.fault_onset)},
              {"faultReason", r.fault_onset ? json(r.fault_reason) : json(nullptr)},
              {"stoppedAtSeconds", seconds_or_null(r.stopped_at)},
              {"inconclusivePauses", r.inconclusive_pauses},
              {"timeToDetectSeconds", seconds_or_null(r.time_to_detect)},
              {"timeToRestoreSeconds", seconds_or_null(r.time_to_restore)},
              {"faultyRequests", r.faulty_requests},
              {"failedRequests", r.failed_requests},
              {"excessFailedRequests", rounded(r.excess_failed_requests)},
              {"canaryRequests", r.canary_requests}};
}

json summary_json(const std::string& scenario, const MonteCarloReport& r) {
  json phases = json::object();
  for (const auto& [phase, count] : r.phases) phases[std::string(to_string(phase))] = count;
  json outcomes = json::object();
  for (RunOutcome o : kRunOutcomes) outcomes[std::string(to_string(o))] = r.outcomes.count(o);
  json excess = figure_json(r.excess_failed_requests);
  for (const char* key : {"p50", "p95", "mean"})
    if (excess[key].is_number()) excess[key] = rounded(excess[key].get<double>());
  return json{{"scenario", scenario},
              {"runs", r.runs},
              {"firstSeed", r.first_seed},
              {"phases", phases},
              {"rolledBackRate", r.rolled_back_rate},
              {"outcomes", outcomes},
              {"worseRuns", r.worse_runs},
              {"detectionRate", r.outcomes.rate(RunOutcome::Detected)},
              {"falseRollbackRate", r.outcomes.rate(RunOutcome::FalseRollback)},
              {"inconclusiveRate", r.outcomes.rate(RunOutcome::Inconclusive)},
              {"missedRate", r.outcomes.rate(RunOutcome::Missed)},
              {"timeToDetectSeconds", figure_json(r.time_to_detect)},
              {"timeToRestoreSeconds", figure_json(r.time_to_restore)},
              {"faultyRequests", figure_json(r.faulty_requests)},
              {"failedRequests", figure_json(r.failed_requests)},
              {"excessFailedRequests", excess}};
}

std::string text_report(const std::string& scenario, const RunReport& r) {
  std::string out;
  out += "timeline (virtual time since the start):\n";
  for (const Event& e : r.timeline) {
    out +=
        "  " + pad(offset(e.at.time_since_epoch()), 10) + pad(std::string(to_string(e.phase)), 13);
    if (e.step > 0) out += "step " + std::to_string(e.step) + ": ";
    out += e.reason + "\n";
  }
  out += "\n" + scenario + " (seed " + std::to_string(r.seed) +
         "): " + std::string(to_string(r.phase)) + " after " + format_duration(r.elapsed) + "\n";
  out += "  outcome           " + std::string(to_string(r.outcome)) + ": " +
         outcome_note(r.outcome) + "\n";
  out += "  faulty from       " +
         (r.fault_onset ? offset(*r.fault_onset) + " (" + r.fault_reason + ")"
                        : std::string("- (never worse than stable)")) +
         "\n";
  out += "  stopped at        " + (r.stopped_at ? offset(*r.stopped_at) : std::string("-")) +
         " (first rollback or failure verdict)\n";
  out += "  inconclusive      " + std::to_string(r.inconclusive_pauses) + " pauses\n";
  out += "  time to detect    " + or_none(r.time_to_detect) + "\n";
  out += "  time to restore   " + or_none(r.time_to_restore) + "\n";
  out += "  faulty requests   " + std::to_string(r.faulty_requests) + " (" +
         std::to_string(r.failed_requests) + " failed, " + fixed(r.excess_failed_requests, 1) +
         " more than stable would have)\n";
  out += "  new version served " + std::to_string(r.canary_requests) + " requests\n";
  if (!r.message.empty()) out += "  " + r.message + "\n";
  return out;
}

std::string text_report(const std::string& scenario, const MonteCarloReport& r) {
  std::string out = scenario + ": " + std::to_string(r.runs) + " runs, seeds " +
                    std::to_string(r.first_seed) + ".." +
                    std::to_string(r.first_seed + static_cast<std::uint64_t>(r.runs) - 1) + "\n";
  out += "  final phase       ";
  bool first = true;
  for (const auto& [phase, count] : r.phases) {
    out += (first ? "" : ", ") + std::string(to_string(phase)) + " " + std::to_string(count);
    first = false;
  }
  out += "\n  rolled back       " + percent(r.rolled_back_rate) + "\n";
  for (RunOutcome o : kRunOutcomes)
    out +=
        "  " + outcome_line(o) + pad(percent(r.outcomes.rate(o)), 7) + " " + outcome_note(o) + "\n";
  out += "  worse than stable in " + std::to_string(r.worse_runs) + " of " +
         std::to_string(r.runs) + " runs\n";
  out += "  time to detect    " + figure_text(r.time_to_detect, "s", 1) + "\n";
  out += "  time to restore   " + figure_text(r.time_to_restore, "s", 1) + "\n";
  out += "  faulty requests   " + figure_text(r.faulty_requests, "", 0) + "\n";
  out += "  failed requests   " + figure_text(r.failed_requests, "", 0) + "\n";
  out += "  excess failures   " + figure_text(r.excess_failed_requests, "", 1) +
         " (failed less what stable would have failed)\n";
  return out;
}

}  // namespace rollguard::sim
