#pragma once
// Appends steps while tracking what the world looks like after each one, so every compiled
// step carries its full desired state. Used by the per-strategy compilers only.
#include "strategies/program.hpp"

namespace rollguard {

class ProgramBuilder {
 public:
  ProgramBuilder(int fleet, bool baseline);

  // Canary gets `weight`, a baseline (when there is one) min(weight, 100 - weight), stable the
  // rest; e.g. weight 20 with a baseline: canary 20, baseline 20, stable 60.
  void set_weight(double weight, std::optional<int> canary_instances = std::nullopt);
  void pause(std::optional<Duration> duration);
  void analysis(const AnalysisRef& ref, AnalysisKind kind = AnalysisKind::Step);
  void bake(Duration duration, std::vector<std::string> templates);
  void set_preview(bool on) { preview_ = on; }

  // Appends the switch to 100% if the steps did not end there, and finds it.
  Program finish(std::optional<BackgroundAnalysis> background);

 private:
  Step& append(Step::Kind kind, std::string label);

  Program program_;
  bool baseline_;
  TrafficSplit traffic_;
  RoleCounts instances_;
  bool preview_ = false;
};

std::string format_weight(double weight);  // 12.5 -> "12.5", 25 -> "25"

}  // namespace rollguard
