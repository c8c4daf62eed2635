#pragma once
// Internal to the Rollout parser: the section readers, split over a few files, and what they
// note for the checks that span sections (template references, the baseline, ports).
#include <string>
#include <vector>

#include "manifests/reader.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

struct RolloutContext {
  bool baseline_runs = false;  // strategy.canary.baseline: true
  std::vector<std::pair<std::string, Cursor>> template_refs;
};

// Templates allowed in argv arrays (docs/manifest.md, "Value types").
const std::vector<std::string>& argv_templates();

// Reads a whole Rollout (apiVersion, kind, metadata, spec) at `root`.
void read_rollout(const Cursor& root, RolloutSpec& out);

void read_metadata(const Cursor& at, Metadata& out);
void read_api_version_and_kind(const MapReader& root, std::string& api_version,
                               const std::string& kind);

void read_strategy(const Cursor& at, StrategySpec& out, RolloutContext& context);
void read_analysis_ref(const Cursor& at, AnalysisRef& out, RolloutContext& context);
void read_target(const Cursor& at, TargetSpec& out, const RolloutContext& context);
void read_traffic(const Cursor& at, TrafficSpec& out, const RolloutContext& context);
void read_http_check(const Cursor& at, HttpCheck& out);
void read_templates(const Cursor& at, std::vector<AnalysisTemplate>& out,
                    const RolloutContext& context);
void read_synthetic(const Cursor& at, SyntheticSpec& out, const RolloutContext& context);

// "host:port" (IPv6 in brackets); port 0 only where `allow_port_zero`.
bool check_host_port(const Cursor& at, const std::string& text, bool allow_port_zero);
// An http:// or https:// URL.
bool check_url(const Cursor& at, const std::string& text);
// An HTTP method: an uppercase token such as GET or POST.
bool check_method(const Cursor& at, const std::string& text);
// Reports a use of the baseline (a compare, a condition, a synthetic target) when none runs.
void require_baseline(const Cursor& at, const RolloutContext& context, const std::string& what,
                      const std::string& hint);

}  // namespace rollguard
