#pragma once
// The standalone router's record of recent request outcomes, for `GET /v1/stats`: a ring of
// the last `capacity` outcomes, numbered from 1 in arrival order, and per-role totals since
// the start. A controller reads the outcomes after the last number it has seen and replays
// them into its own OutcomeWindow, so the builtin metrics (and the sequential judge's
// batches) are computed exactly as they are over the router inside the controller.
//
// Threads: the router's I/O threads call record() (the router serializes those calls); the
// admin thread reads. One mutex, held for a copy of a few dozen bytes per record.
#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "health/providers/builtin/outcome_wire.hpp"

namespace rollguard {

class OutcomeLog final : public OutcomeSink {
 public:
  explicit OutcomeLog(std::size_t capacity = 1 << 16);
  void record(const RequestOutcome& outcome) override;

  // The outcomes numbered after `after`, at most `limit` of them, oldest first (`now` is
  // left for the caller).
  OutcomeSlice after(std::uint64_t after, std::size_t limit) const;

 private:
  mutable std::mutex mutex_;
  std::vector<RequestOutcome> ring_;
  std::uint64_t recorded_ = 0;
  std::array<RoleTotals, 3> totals_{};
};

}  // namespace rollguard
