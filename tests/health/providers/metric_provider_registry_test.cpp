// The metric provider registry builds a provider for every external source kind, and every
// metric source kind has its manifest name.
#include "health/providers/metric_provider_registry.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>

#include "health/providers/prometheus/prometheus_provider.hpp"
#include "health/providers/web/web_provider.hpp"
#include "support/variant_alternatives.hpp"

namespace rollguard {
namespace {

template <class Provider>
bool is(const MetricProvider* p) {
  return dynamic_cast<const Provider*>(p) != nullptr;
}

// One entry per ExternalMetric alternative, in its order.
const std::array<std::function<bool(const MetricProvider*)>, std::variant_size_v<ExternalMetric>>
    kExpected = {is<PrometheusProvider>, is<WebProvider>};

TEST(MetricProviderRegistry, BuildsAProviderForEveryExternalKind) {
  testing::for_each_alternative<ExternalMetric>([&](auto index, auto kind) {
    auto provider = make_metric_provider(kind);
    ASSERT_NE(provider, nullptr) << "alternative " << index();
    EXPECT_TRUE(kExpected[index()](provider.get())) << "alternative " << index();
  });
}

TEST(MetricSource, EveryKindIsNamedAndOnlyBuiltinIsReadFromTheRouter) {
  const std::array<const char*, std::variant_size_v<MetricSource>> names = {"builtin", "prometheus",
                                                                            "web"};
  testing::for_each_alternative<MetricSource>([&](auto index, auto kind) {
    EXPECT_EQ(metric_kind_name(kind), names[index()]);
    EXPECT_EQ(external_metric(kind).has_value(), index() != 0) << names[index()];
  });
}

}  // namespace
}  // namespace rollguard
