#pragma once
// Virtual time for one simulated rollout: a clock that only moves when the next event is
// taken, and a queue of (time, order of scheduling, work). It is the reconciler's Waker and
// strand (`post`): the controller runs exactly as live, hours of rollout in milliseconds.
// Single-threaded; same schedule, same order, every time.
#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <vector>

#include "controller/runtime/reconciler.hpp"

namespace rollguard::sim {

class VirtualScheduler final : public Waker {
 public:
  explicit VirtualScheduler(TimePoint start) : clock_(start) {}

  const Clock& clock() const { return clock_; }
  TimePoint now() const { return clock_.now(); }

  void at(TimePoint when, std::function<void()> work);  // the past means now
  void post(std::function<void()> work) { posted_.push_back({++order_, std::move(work)}); }
  void wake_at(TimePoint when, std::function<void()> work) override;
  void cancel() override;

  // Runs events in order until `done()` holds after one (the clock stays at that event), or
  // until nothing is left before `until` (the clock then moves on to `until`). Returns the
  // number of events run.
  std::int64_t run(TimePoint until, const std::function<bool()>& done);

 private:
  // The queue holds small plain entries; the work waits in `works_` (moving std::functions
  // through every sift of the heap cost more than running most of them). Work for now (most
  // of it: completions posted onto the strand) skips the heap for a first-in first-out line,
  // which keeps the same order: it comes after everything already due now.
  struct Entry {
    TimePoint when;
    std::uint64_t order;
    std::uint64_t wake_generation;  // 0: plain work; else a wake-up, stale unless current
    std::size_t work;               // plain work: its slot in works_
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.when != b.when ? a.when > b.when : a.order > b.order;
    }
  };

  VirtualClock clock_;
  std::priority_queue<Entry, std::vector<Entry>, Later> queue_;
  struct Posted {
    std::uint64_t order;
    std::function<void()> work;
  };
  std::deque<Posted> posted_;  // all due now
  std::vector<std::function<void()>> works_;
  std::vector<std::size_t> free_works_;
  std::uint64_t order_ = 0;
  std::uint64_t wake_generation_ = 0;
  std::function<void()> wake_work_;
  TimePoint wake_when_{};
  bool wake_pending_ = false;
};

}  // namespace rollguard::sim
