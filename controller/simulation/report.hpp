#pragma once
// How `rollguard simulate` shows what it measured: text for people, JSON for machines (the
// summary keys of docs/simulation.md, "The report"). Same report, same bytes.
#include <nlohmann/json.hpp>
#include <string>

#include "controller/simulation/monte_carlo.hpp"

namespace rollguard::sim {

// One line per event, then the summary: `phase`, `timeToDetectSeconds`,
// `timeToRestoreSeconds` (null when nothing was detected), `faultyRequests`, `failedRequests`.
nlohmann::json event_json(const Event& e);
nlohmann::json summary_json(const std::string& scenario, const RunReport& r);
// `runs`, `phases`, `rolledBackRate` (and `falseRollbackRate` without faults), and p50/p95 of
// the four figures.
nlohmann::json summary_json(const std::string& scenario, const MonteCarloReport& r);

std::string text_report(const std::string& scenario, const RunReport& r);
std::string text_report(const std::string& scenario, const MonteCarloReport& r);

}  // namespace rollguard::sim
