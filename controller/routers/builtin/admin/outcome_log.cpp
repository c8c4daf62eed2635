#include "controller/routers/builtin/admin/outcome_log.hpp"

#include <algorithm>

namespace rollguard {

OutcomeLog::OutcomeLog(std::size_t capacity) : ring_(std::max<std::size_t>(capacity, 1)) {}

void OutcomeLog::record(const RequestOutcome& outcome) {
  const std::lock_guard lock(mutex_);
  ring_[recorded_ % ring_.size()] = outcome;
  ++recorded_;
  RoleTotals& t = totals_[static_cast<std::size_t>(outcome.role)];
  ++t.requests;
  t.failures += outcome.failed();
  t.connection_errors += outcome.connection_error;
}

OutcomeSlice OutcomeLog::after(std::uint64_t after, std::size_t limit) const {
  const std::lock_guard lock(mutex_);
  OutcomeSlice out;
  out.recorded = recorded_;
  out.totals = totals_;
  after = std::min(after, recorded_);
  const std::uint64_t oldest = recorded_ > ring_.size() ? recorded_ - ring_.size() : 0;
  const std::uint64_t first = std::max(after, oldest);  // index of the first outcome to return
  out.skipped = first - after;
  const std::uint64_t end = std::min<std::uint64_t>(recorded_, first + limit);
  out.outcomes.reserve(end - first);
  for (std::uint64_t i = first; i < end; ++i) out.outcomes.push_back(ring_[i % ring_.size()]);
  out.last = end;
  return out;
}

}  // namespace rollguard
