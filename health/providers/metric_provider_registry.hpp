#pragma once
// The provider for each external metric source (prometheus | web). One overload per kind: a
// kind not handled here does not compile. Builtin metrics need none: the analysis runner reads
// them from the router's outcomes.
#include <memory>

#include "health/measurement.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

std::unique_ptr<MetricProvider> make_metric_provider(const ExternalMetric& source);

}  // namespace rollguard
