#pragma once
// The analyses one request of the planner asks for (a step's, a background, a pre- or
// post-promotion analysis) run together; the run's verdict is the worst template's, and it is
// in as soon as one template fails or gives up, or when all are Successful.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "health/template_run.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

class AnalysisRun {
 public:
  // The templates by name from the spec; an unknown name or a bad condition is an error
  // (validation catches both first).
  static std::variant<AnalysisRun, std::string> start(const RolloutSpec& spec, std::string id,
                                                      const std::vector<std::string>& templates,
                                                      TimePoint now,
                                                      std::optional<TimePoint> ends_at);

  const std::string& id() const { return id_; }
  std::vector<TemplateRun>& templates() { return templates_; }
  const std::vector<TemplateRun>& templates() const { return templates_; }

  std::optional<TimePoint> next_due() const;  // the earliest of the templates'
  void end();                                 // time is up for every template
  std::optional<Verdict> verdict() const;
  std::string explanation() const;  // the worst template's, or the tally of a success

 private:
  AnalysisRun(std::string id, std::vector<TemplateRun> templates)
      : id_(std::move(id)), templates_(std::move(templates)) {}
  const TemplateRun* worst() const;

  std::string id_;
  std::vector<TemplateRun> templates_;
};

}  // namespace rollguard
