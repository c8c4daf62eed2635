#pragma once
// The pure planner: (spec, state, now) -> what the world should look like, which analyses must
// be running, whether the current step is done, and when to look again. No I/O, no clock.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifests/rollout_spec.hpp"
#include "strategies/program.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

struct AnalysisRequest {
  std::string id;  // unique per run: a new attempt gets a new id
  AnalysisKind kind = AnalysisKind::Step;
  std::vector<std::string> templates;
  bool viaPreview = false;
  std::optional<TimePoint> endsAt;  // templates without `count` measure until then
  bool operator==(const AnalysisRequest&) const = default;
};

struct Plan {
  TrafficSplit traffic;
  bool preview = false;  // the preview header reaches the new version
  RoleCounts instances;
  std::vector<AnalysisRequest> analyses;
  std::optional<TimePoint> wakeAt;  // look again then, even if nothing else happens
  std::string label;                // "step 3/6: analysis errors"
};

enum class StepGate { Waiting, Done, AwaitingPromotion };

// An analysis run as people name it: the templates it runs and where ("step 2", "background";
// a run again after a retry adds its attempt: "step 2, attempt 2").
struct AnalysisLabel {
  std::vector<std::string> templates;
  std::string where;
};

class Planner {
 public:
  explicit Planner(const RolloutSpec& spec);

  Plan plan(const RolloutState& s, TimePoint now) const;
  StepGate gate(const RolloutState& s, TimePoint now) const;

  // Whether the rollout has any analysis (a step's or a background one): then it is promoted
  // only on a successful measurement.
  bool analysed() const;
  // The analysis the current step waits for, if any, and the background analysis, if running.
  std::optional<AnalysisRequest> step_analysis(const RolloutState& s) const;
  std::optional<AnalysisRequest> background_analysis(const RolloutState& s) const;
  // Whether `id` names the step's or the background analysis the state runs now (without
  // building either request: the machine asks at every measurement).
  bool is_current_analysis(const RolloutState& s, std::string_view id) const;
  // What the analysis `id` (one this planner made: "step2.0", "background.1") runs; nullopt
  // for an id of another program.
  std::optional<AnalysisLabel> label_of(std::string_view id) const;

  // The step is waiting on a timer, not on the world: progressDeadline does not apply.
  bool timed(const RolloutState& s) const;
  bool last_step(const RolloutState& s) const;
  std::string step_label(const RolloutState& s) const;

  const Program& program() const { return program_; }
  const RollbackPolicy& policy() const { return policy_; }

 private:
  std::optional<std::string> step_analysis_id(const RolloutState& s) const;
  std::optional<std::string> background_analysis_id(const RolloutState& s) const;

  Program program_;
  RollbackPolicy policy_;
};

}  // namespace rollguard
