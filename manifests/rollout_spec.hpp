#pragma once
// The v1 Rollout manifest as plain structs (docs/manifest.md). Member initializers are the
// documented defaults: this file is the one place they live (docs/manifest.md
// mirrors it and `rollguard validate --explain` prints them). A struct parsed from YAML and
// one parsed from the same document in JSON compare equal.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "manifests/time.hpp"
#include "manifests/vocabulary.hpp"

namespace rollguard {

using Argv = std::vector<std::string>;  // never a shell string; {{templates}} per argument
using StringMap = std::map<std::string, std::string>;
using Endpoints = std::vector<std::string>;  // "host:port"

struct Metadata {
  std::string name;  // [a-z0-9-], 1..63
  StringMap labels;
  bool operator==(const Metadata&) const = default;
};

// An HTTP check: readiness, probes.
struct HttpCheck {
  std::string path = "/healthz";
  std::string method = "GET";
  std::vector<int> expectStatus{200};
  StringMap headers;
  std::string bodyContains;  // empty: not checked
  bool operator==(const HttpCheck&) const = default;
};

struct Readiness {
  std::optional<HttpCheck> http;  // absent: ready when the port accepts a TCP connection
  Duration timeout = 30s;
  bool operator==(const Readiness&) const = default;
};

// ---- target: where versions run (exactly one) ----
struct ProcessTarget {
  Argv command;
  int instances = 1;  // per role
  StringMap env;
  int portFirst = 20000;
  int portLast = 20999;
  Readiness readiness;
  bool operator==(const ProcessTarget&) const = default;
};

struct StaticTarget {
  Endpoints stable, canary, baseline;
  bool operator==(const StaticTarget&) const = default;
};

struct CommandTarget {
  Argv deploy, ready, teardown;  // ready and teardown may be empty
  Duration timeout = 5min;       // per command
  Endpoints stable, canary, baseline;
  bool operator==(const CommandTarget&) const = default;
};

using TargetSpec = std::variant<ProcessTarget, StaticTarget, CommandTarget>;

// ---- traffic: how requests are split (exactly one) ----
struct BuiltinRouter {
  std::string listen = "127.0.0.1:8080";
  // "host:port" of a standalone `rollguard router`'s admin API; empty: the router runs inside
  // the controller. With it, `listen` is where that router takes traffic (docs/routers.md).
  std::string admin;
  bool operator==(const BuiltinRouter&) const = default;
};

struct HaproxyRouter {
  std::string runtimeApi;  // "unix:/path" or "host:port"
  std::string backend;
  std::vector<std::string> stable, canary, baseline;  // server names per role
  bool operator==(const HaproxyRouter&) const = default;
};

struct NginxRouter {
  std::string upstreamFile;
  Argv reload{"nginx", "-s", "reload"};
  bool operator==(const NginxRouter&) const = default;
};

struct CommandRouter {
  Argv setWeight;  // {{weight}} is the canary's share
  bool operator==(const CommandRouter&) const = default;
};

struct NoRouter {  // replica-ratio canary only
  bool operator==(const NoRouter&) const = default;
};

using RouterSpec = std::variant<BuiltinRouter, HaproxyRouter, NginxRouter, CommandRouter, NoRouter>;

struct TrafficSpec {
  RouterSpec router = BuiltinRouter{};
  std::string previewHeader = "X-Rollguard-Preview";
  bool operator==(const TrafficSpec&) const = default;
};

// ---- strategy (exactly one) ----
struct AnalysisRef {
  std::vector<std::string> templates;
  bool operator==(const AnalysisRef&) const = default;
};

struct SetWeightStep {
  double weight = 0;  // 0..100
  bool operator==(const SetWeightStep&) const = default;
};
struct PauseStep {
  std::optional<Duration> duration;  // absent: wait for `promote`
  bool operator==(const PauseStep&) const = default;
};
struct AnalysisStep {
  AnalysisRef analysis;
  bool operator==(const AnalysisStep&) const = default;
};
using CanaryStep = std::variant<SetWeightStep, PauseStep, AnalysisStep>;

struct CanaryStrategy {
  bool baseline = false;  // a fresh baseline of stable, same size and share as the canary
  std::vector<CanaryStep> steps;
  bool operator==(const CanaryStrategy&) const = default;
};

struct BlueGreenStrategy {
  bool autoPromote = true;
  std::optional<AnalysisRef> prePromotionAnalysis;   // against the preview route
  std::optional<AnalysisRef> postPromotionAnalysis;  // after the switch, before Succeeded
  bool operator==(const BlueGreenStrategy&) const = default;
};

struct LinearStrategy {  // CodeDeploy's LinearXPercentEveryYMinutes
  double stepWeight = 10;
  Duration interval = 1min;
  bool operator==(const LinearStrategy&) const = default;
};

struct AllAtOnceStrategy {
  Duration bake = 10min;  // 100% on the new version, watched, before Succeeded
  bool operator==(const AllAtOnceStrategy&) const = default;
};

// One box: a single new instance takes its fair share beside the stable fleet, bakes under
// analysis, then the rest follows at once.
struct OneBoxStrategy {
  std::optional<double> weight;  // absent: 100 / (stable instances + 1)
  Duration bake = 10min;
  std::optional<AnalysisRef> analysis;  // runs during the bake
  bool operator==(const OneBoxStrategy&) const = default;
};

using StrategySpec = std::variant<CanaryStrategy, BlueGreenStrategy, LinearStrategy,
                                  AllAtOnceStrategy, OneBoxStrategy>;

// ---- analysis ----
struct BackgroundAnalysis {
  std::vector<std::string> templates;
  int startingStep = 0;  // index into the strategy's steps; runs from there to the end
  bool operator==(const BackgroundAnalysis&) const = default;
};

enum class BuiltinQuery { ErrorRate, LatencyP50, LatencyP90, LatencyP99, RequestRate };

struct BuiltinMetric {
  BuiltinQuery query = BuiltinQuery::ErrorRate;
  bool operator==(const BuiltinMetric&) const = default;
};

struct PrometheusMetric {
  std::string address = "http://127.0.0.1:9090";
  std::string query;  // {{version}}, {{role}}, {{name}} templates
  Duration timeout = 5s;
  bool operator==(const PrometheusMetric&) const = default;
};

struct WebMetric {
  std::string url;
  std::string jsonPath = "$";
  StringMap headers;  // values may hold {{secret:ENV}}
  Duration timeout = 5s;
  bool operator==(const WebMetric&) const = default;
};

using MetricSource = std::variant<BuiltinMetric, PrometheusMetric, WebMetric>;
// The sources read through a MetricProvider; builtin metrics are read from the router's
// outcomes instead.
using ExternalMetric = std::variant<PrometheusMetric, WebMetric>;
std::optional<ExternalMetric> external_metric(const MetricSource& source);
// "builtin", "prometheus" or "web": the manifest's key for the source.
std::string_view metric_kind_name(const MetricSource& source);

enum class CompareAgainst { Baseline, Stable };
enum class JudgeKind { MannWhitney, Ratio, Sequential };
enum class Direction { Increase, Decrease, Either };

struct CompareSpec {
  CompareAgainst against = CompareAgainst::Baseline;
  JudgeKind judge = JudgeKind::MannWhitney;
  Direction direction = Direction::Increase;
  double allowedIncrease = 1.2;  // mean ratio tolerated upwards
  double allowedDecrease = 0.8;  // mean ratio tolerated downwards
  double confidence = 0.98;
  bool operator==(const CompareSpec&) const = default;
};

// A synthetic user transaction: multi-step HTTP with expectations and captures.
struct JsonPathExpectation {
  enum class Kind { Exists, Absent, Equals } kind = Kind::Exists;
  nlohmann::json value;  // for Equals
  bool operator==(const JsonPathExpectation&) const = default;
};

struct SyntheticRequest {
  std::string method = "GET";
  std::string path = "/";
  StringMap headers;
  std::optional<nlohmann::json> json;
  std::optional<std::string> body;
  bool operator==(const SyntheticRequest&) const = default;
};

struct SyntheticExpect {
  std::optional<int> status;
  std::map<std::string, JsonPathExpectation> jsonPath;
  std::optional<std::string> bodyContains;
  std::optional<Duration> latencyBelow;
  bool operator==(const SyntheticExpect&) const = default;
};

struct SyntheticStepSpec {
  SyntheticRequest request;
  SyntheticExpect expect;
  StringMap capture;  // variable -> JSONPath into the response
  bool operator==(const SyntheticStepSpec&) const = default;
};

// Where a synthetic transaction is sent. Preview: through the router with the preview header.
enum class SyntheticTarget { Canary, Stable, Baseline, Preview };

struct SyntheticSpec {
  std::vector<SyntheticStepSpec> steps;
  std::optional<SyntheticTarget> target;  // absent: Preview for blue/green, Canary otherwise
  Duration timeout = 10s;                 // per request
  bool operator==(const SyntheticSpec&) const = default;
};

struct AnalysisTemplate {
  std::string name;
  std::optional<Duration> interval;  // absent with count absent: one measurement
  std::optional<int> count;          // absent with interval: measure until the step ends
  Duration initialDelay = 0s;
  int failureLimit = 0;
  int inconclusiveLimit = 0;
  int consecutiveErrorLimit = 4;
  int minSamples = 1;                      // requests behind a measurement, below: Inconclusive
  std::optional<MetricSource> metric;      // exactly one of metric
  std::optional<SyntheticSpec> synthetic;  //   and synthetic
  std::optional<std::string> successCondition;
  std::optional<std::string> failureCondition;
  std::optional<CompareSpec> compare;
  bool operator==(const AnalysisTemplate&) const = default;
};

// ---- probes ----
struct TcpCheck {
  bool operator==(const TcpCheck&) const = default;
};
struct ExecCheck {
  Argv command;
  bool operator==(const ExecCheck&) const = default;
};
using ProbeCheck = std::variant<HttpCheck, TcpCheck, ExecCheck>;

struct ProbeSpec {
  std::string name;
  ProbeCheck check = HttpCheck{};
  Duration interval = 5s;
  Duration timeout = 1s;
  int failureThreshold = 3;  // consecutive failures that fail the rollout
  bool operator==(const ProbeSpec&) const = default;
};

// ---- rollback policy ----
enum class OnFailure { Rollback, Pause };

struct RollbackPolicy {
  OnFailure onFailure = OnFailure::Rollback;
  OnFailure onInconclusive = OnFailure::Pause;
  OnFailure onError = OnFailure::Rollback;
  Duration keepPreviousFor = 10min;
  Duration progressDeadline = 10min;
  bool operator==(const RollbackPolicy&) const = default;
};

// ---- notifications ----
enum class WebhookFormat { Json, Slack };

struct WebhookSpec {
  std::string url;
  std::vector<Phase> events{Phase::Paused, Phase::RolledBack, Phase::Succeeded, Phase::Failed};
  WebhookFormat format = WebhookFormat::Json;
  StringMap headers;  // values may hold {{secret:ENV}}
  bool operator==(const WebhookSpec&) const = default;
};

struct RolloutSpec {
  std::string apiVersion = "rollguard.dev/v1";
  Metadata metadata;
  std::optional<std::string> stable;  // known-good; may be omitted when the store knows it
  std::string canary;
  TargetSpec target;
  TrafficSpec traffic;
  StrategySpec strategy;
  std::optional<BackgroundAnalysis> background;
  std::vector<AnalysisTemplate> templates;
  std::vector<ProbeSpec> probes;
  RollbackPolicy rollback;
  std::vector<WebhookSpec> notifications;
  bool operator==(const RolloutSpec&) const = default;

  const AnalysisTemplate* find_template(std::string_view name) const {
    for (const auto& t : templates)
      if (t.name == name) return &t;
    return nullptr;
  }
};

}  // namespace rollguard
