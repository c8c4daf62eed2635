#pragma once
// The wire form of a standalone router's outcomes (`GET /v1/stats`, docs/routers.md): what
// the router's OutcomeLog hands out and what a controller's RemoteOutcomeReader replays.
//
//   {"now": 1765000000123,            router clock, ms since the epoch
//    "last": 5120, "skipped": 0, "recorded": 5120,
//    "totals": {"stable": {"requests": 4864, "failures": 2, "connectionErrors": 0}, ...},
//    "outcomes": [["canary", 1765000000101, 200, 12, false], ...]}
//                 role, at (ms since the epoch), status (0: no response), latency ms,
//                 connection error
#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "health/measurement.hpp"

namespace rollguard {

struct RoleTotals {
  std::int64_t requests = 0;
  std::int64_t failures = 0;  // RequestOutcome::failed()
  std::int64_t connection_errors = 0;
  bool operator==(const RoleTotals&) const = default;
};

struct OutcomeSlice {
  TimePoint now{};             // the router's clock when the slice was taken
  std::uint64_t last = 0;      // the number of the newest outcome given (or the one asked after)
  std::uint64_t skipped = 0;   // outcomes after the one asked for that were no longer held
  std::uint64_t recorded = 0;  // outcomes recorded since the router started
  std::vector<RequestOutcome> outcomes;  // oldest first, numbered up to `last`
  std::array<RoleTotals, 3> totals{};    // since the start, indexed by Role
};

nlohmann::json outcome_slice_json(const OutcomeSlice& slice);
// A string saying what is wrong when `answer` is not a slice.
std::variant<OutcomeSlice, std::string> outcome_slice_from_json(const nlohmann::json& answer);

}  // namespace rollguard
