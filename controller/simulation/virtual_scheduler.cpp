#include "controller/simulation/virtual_scheduler.hpp"

namespace rollguard::sim {

void VirtualScheduler::at(TimePoint when, std::function<void()> work) {
  if (when <= now()) return post(std::move(work));
  std::size_t slot = works_.size();
  if (free_works_.empty()) {
    works_.push_back(std::move(work));
  } else {
    slot = free_works_.back();
    free_works_.pop_back();
    works_[slot] = std::move(work);
  }
  queue_.push(Entry{when, ++order_, 0, slot});
}

// The reconciler re-arms its wake-up after every change, mostly for the same instant: that
// only swaps the work, and the queue keeps one live entry for it.
void VirtualScheduler::wake_at(TimePoint when, std::function<void()> work) {
  when = std::max(when, now());
  wake_work_ = std::move(work);
  if (wake_pending_ && when == wake_when_) return;
  wake_pending_ = true;
  wake_when_ = when;
  queue_.push(Entry{when, ++order_, ++wake_generation_, 0});
}

void VirtualScheduler::cancel() {
  wake_work_ = nullptr;
  wake_pending_ = false;
  ++wake_generation_;  // the queued entry is stale now
}

std::int64_t VirtualScheduler::run(TimePoint until, const std::function<bool()>& done) {
  std::int64_t ran = 0;
  while (!queue_.empty() || !posted_.empty()) {
    // Posted work is due now, and the heap holds nothing earlier than now: it goes first
    // unless the heap has work for now that was scheduled before it.
    const bool heap_first =
        !queue_.empty() && (posted_.empty() || (queue_.top().when == now() &&
                                                queue_.top().order < posted_.front().order));
    if (!heap_first) {
      std::function<void()> work = std::move(posted_.front().work);
      posted_.pop_front();
      work();
      ++ran;
      if (done()) return ran;
      continue;
    }
    if (queue_.top().when > until) {
      clock_.set(until);
      return ran;
    }
    const Entry e = queue_.top();
    queue_.pop();
    if (e.wake_generation != 0 && e.wake_generation != wake_generation_) continue;
    clock_.set(e.when);
    std::function<void()> work;
    if (e.wake_generation != 0) {
      wake_pending_ = false;
      work = std::move(wake_work_);
      wake_work_ = nullptr;
    } else {
      work = std::move(works_[e.work]);
      works_[e.work] = nullptr;
      free_works_.push_back(e.work);
    }
    work();
    ++ran;
    if (done()) return ran;
  }
  clock_.set(std::max(now(), until));  // nothing left to happen: time runs out
  return ran;
}

}  // namespace rollguard::sim
