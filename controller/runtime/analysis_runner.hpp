#pragma once
// The I/O shell around the analysis engine: for each run the planner wants, takes each
// template's measurements when due (builtin metrics and the sequential judge from the router's
// outcome window, Prometheus and web reads, synthetic transactions), feeds the pure
// TemplateRun, and reports progress and verdicts. It never reads a clock: the owner calls
// poll(now) at next_due() (a real timer live, the virtual clock in the simulator), and async
// completions come back through `post`, onto the owner's strand.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "controller/runtime/lifeline.hpp"
#include "health/analysis_run.hpp"
#include "health/outcome_source.hpp"
#include "health/synthetic/synthetic_runner.hpp"
#include "strategies/planner.hpp"

namespace rollguard {

struct AnalysisEnvironment {
  const RolloutSpec* spec = nullptr;
  std::string stable_version;
  std::string canary_version;
  const OutcomeSource* outcomes = nullptr;  // builtin metrics and the sequential judge
  // Makes the provider of a prometheus or web metric (builtin is read from `outcomes`).
  std::function<std::unique_ptr<MetricProvider>(const ExternalMetric&)> make_provider;
  SyntheticRunner* synthetic = nullptr;  // synthetic transactions
  // An endpoint ("host:port") of a role, for synthetic transactions; empty when none.
  std::function<std::string(Role)> endpoint_of;
  std::string router_endpoint;  // the preview route
  std::string preview_header = "X-Rollguard-Preview";
  // Runs `work` on the owner's strand (completions of async reads arrive on other threads).
  std::function<void(std::function<void()> work)> post;
  // Each measurement as it is recorded, by run id and template name (`serve` stores them);
  // may be empty.
  std::function<void(const std::string& id, const std::string& metric, const Measurement&)>
      on_measurement;
};

// One template of a running analysis, as a live view or the API shows it.
struct TemplateProgress {
  std::string analysis;  // the run's id
  std::string name;      // the template's
  int measured = 0;
  std::optional<Measurement> last;
  std::optional<Verdict> verdict;  // set once the template has concluded
};

class AnalysisRunner {
 public:
  using Completed = std::function<void(const std::string& id, Verdict, const std::string& why)>;
  // A measurement of run `id` was recorded; `successful`: it was Successful.
  using Progress = std::function<void(const std::string& id, bool successful)>;

  AnalysisRunner(AnalysisEnvironment env, Progress on_progress, Completed on_completed);
  ~AnalysisRunner();

  void start(const AnalysisRequest& request, TimePoint now);
  void stop(const std::string& id);
  bool running(const std::string& id) const { return runs_.contains(id); }
  std::vector<std::string> running_ids() const;
  std::vector<TemplateProgress> progress() const;

  // Takes every measurement due at `now`; ends runs whose time is up.
  void poll(TimePoint now);
  std::optional<TimePoint> next_due() const;

 private:
  struct Active;
  void measure(Active& active, std::size_t index, TimePoint now);
  void measure_metric(Active& active, std::size_t index, TimePoint now);
  void measure_synthetic(Active& active, std::size_t index, TimePoint now);
  void feed_sequential(Active& active, TimePoint now);
  void record(const std::string& id, std::size_t index, Measurement m);
  void settle(const std::string& id);

  AnalysisEnvironment env_;
  Progress on_progress_;
  Completed on_completed_;
  std::map<std::string, std::unique_ptr<Active>> runs_;
  std::vector<OutcomeBatch> canary_batches_, compared_batches_;  // feed_sequential's, reused
  // Shared with async completions so that a completion after destruction is dropped.
  std::shared_ptr<Lifeline> lifeline_;
};

}  // namespace rollguard
