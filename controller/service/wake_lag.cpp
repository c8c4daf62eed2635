#include "controller/service/wake_lag.hpp"

namespace rollguard {

void WakeLag::observe(Duration late) {
  std::lock_guard lock(mutex_);
  histogram_.observe(std::chrono::duration<double>(late).count());
}

HistogramData WakeLag::snapshot() const {
  std::lock_guard lock(mutex_);
  return histogram_;
}

}  // namespace rollguard
