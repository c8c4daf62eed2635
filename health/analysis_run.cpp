#include "health/analysis_run.hpp"

#include <algorithm>

namespace rollguard {

std::variant<AnalysisRun, std::string> AnalysisRun::start(const RolloutSpec& spec, std::string id,
                                                          const std::vector<std::string>& names,
                                                          TimePoint now,
                                                          std::optional<TimePoint> ends_at) {
  std::vector<TemplateRun> runs;
  for (const std::string& name : names) {
    const AnalysisTemplate* t = spec.find_template(name);
    if (!t) return "analysis template \"" + name + "\" is not defined";
    auto compiled = CompiledTemplate::compile(*t);
    if (auto* error = std::get_if<std::string>(&compiled)) return name + ": " + *error;
    runs.emplace_back(std::get<CompiledTemplate>(std::move(compiled)), now, ends_at);
  }
  if (runs.empty()) return "an analysis needs at least one template";
  return AnalysisRun(std::move(id), std::move(runs));
}

std::optional<TimePoint> AnalysisRun::next_due() const {
  if (verdict()) return std::nullopt;
  std::optional<TimePoint> due;
  for (const TemplateRun& t : templates_) {
    auto d = t.next_due();
    if (d && (!due || *d < *due)) due = d;
  }
  return due;
}

void AnalysisRun::end() {
  for (TemplateRun& t : templates_) t.end();
}

// Verdicts are ordered best to worst (vocabulary.hpp); a final bad one decides at once.
const TemplateRun* AnalysisRun::worst() const {
  const TemplateRun* worst = nullptr;
  for (const TemplateRun& t : templates_) {
    if (!t.verdict()) continue;
    if (!worst || *t.verdict() > *worst->verdict()) worst = &t;
  }
  return worst;
}

std::optional<Verdict> AnalysisRun::verdict() const {
  const TemplateRun* w = worst();
  if (w && *w->verdict() != Verdict::Successful) return w->verdict();
  const bool all_in = std::all_of(templates_.begin(), templates_.end(),
                                  [](const TemplateRun& t) { return t.verdict().has_value(); });
  return all_in ? std::optional{Verdict::Successful} : std::nullopt;
}

std::string AnalysisRun::explanation() const {
  const TemplateRun* w = worst();
  if (w && *w->verdict() != Verdict::Successful) return w->explanation();
  std::string out;
  for (const TemplateRun& t : templates_) out += (out.empty() ? "" : "; ") + t.explanation();
  return out;
}

}  // namespace rollguard
