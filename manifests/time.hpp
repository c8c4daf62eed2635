#pragma once
// Time vocabulary shared by every layer. Nothing below controller/'s wiring reads a real
// clock: planners take `now` as an argument and I/O code takes a Clock& from outside.
#include <chrono>

namespace rollguard {

using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Duration>;

using namespace std::chrono_literals;

// A duration as fractional seconds, for rates and for reports.
inline double seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// Time moves only when the owner moves it: tests and the simulator.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(TimePoint start = TimePoint{}) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

}  // namespace rollguard
