#pragma once
// How `rollguard simulate` shows what it measured: text for people, JSON for machines (the
// summary keys of docs/simulation.md, "The report"). Same report, same bytes.
#include <nlohmann/json.hpp>
#include <string>

#include "controller/simulation/monte_carlo.hpp"

namespace rollguard::sim {

// One line per event, then the summary: `phase`, `outcome`, `faultOnsetSeconds`,
// `faultReason`, `stoppedAtSeconds`, `inconclusivePauses`, `timeToDetectSeconds`,
// `timeToRestoreSeconds` (null unless detected), `faultyRequests`, `failedRequests`,
// `excessFailedRequests`, `canaryRequests`.
nlohmann::json event_json(const Event& e);
nlohmann::json summary_json(const std::string& scenario, const RunReport& r);
// `runs`, `phases`, `rolledBackRate`, `outcomes`, `worseRuns`, `detectionRate`,
// `falseRollbackRate`, `inconclusiveRate`, `missedRate`, and p50/p95/mean of the five figures.
nlohmann::json summary_json(const std::string& scenario, const MonteCarloReport& r);

std::string text_report(const std::string& scenario, const RunReport& r);
std::string text_report(const std::string& scenario, const MonteCarloReport& r);

}  // namespace rollguard::sim
