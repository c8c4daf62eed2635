// Every validation rule of the Rollout manifest, bad and good, with the exact path and the
// exact line:column each problem is reported at.
#include <gtest/gtest.h>

#include "manifest_test_support.hpp"
#include "manifests/rollout_parser.hpp"

namespace rollguard {
namespace {

using testing::apply_edits;
using testing::dump;
using testing::Edit;
using testing::take_marker;

// A canary with a baseline that uses most features.
constexpr const char* kFull = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata:
  name: checkout
  labels: {team: payments}
spec:
  stable: {version: "1.4.2"}
  canary: {version: "1.5.0"}
  target:
    process:
      command: ["./demo-app", "--port", "{{port}}", "--version", "{{version}}"]
      instances: 2
      portRange: [20000, 20999]
      readiness: {http: {path: /healthz}, timeout: 10s}
  traffic:
    builtin: {listen: "127.0.0.1:8080"}
  strategy:
    canary:
      baseline: true
      steps:
        - setWeight: 5
        - pause: {duration: 30s}
        - analysis: {templates: [errors, latency]}
        - setWeight: 25
        - pause: {}
        - setWeight: 100
  analysis:
    background: {templates: [errors], startingStep: 1}
    templates:
      - name: errors
        interval: 10s
        count: 6
        minSamples: 50
        metric:
          builtin: {query: error_rate}
        successCondition: "result < 0.01"
        failureCondition: "result >= 0.05"
        compare:
          against: baseline
          judge: mannWhitney
          confidence: 0.98
      - name: latency
        interval: 15s
        metric:
          prometheus: {query: 'histogram_quantile(0.99, rate(latency_bucket{version="{{version}}"}[1m]))'}
        compare: {against: stable, judge: ratio, allowedIncrease: 1.5}
  probes:
    - name: alive
      http: {path: /healthz, expectStatus: [200]}
      interval: 2s
      failureThreshold: 3
  rollback:
    onFailure: rollback
    onInconclusive: pause
  notifications:
    - webhook: {url: "http://127.0.0.1:9000/hook", events: [Paused, RolledBack]}
)";

// The least a Rollout needs.
constexpr const char* kMinimal = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: app}
spec:
  canary: {version: "2"}
  target:
    process: {command: ["./app", "--port", "{{port}}"]}
  strategy:
    canary:
      steps: [{setWeight: 50}]
)";

// Blue/green with a synthetic transaction.
constexpr const char* kBlueGreen = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: shop}
spec:
  canary: {version: "5.1.0"}
  target:
    process: {command: ["./app", "--port", "{{port}}"]}
  strategy:
    blueGreen:
      prePromotionAnalysis: {templates: [checkout-flow]}
  analysis:
    templates:
      - name: checkout-flow
        synthetic:
          target: preview
          steps:
            - request: {method: POST, path: /cart, json: {sku: "A1"}}
              expect: {status: 201, jsonPath: {"$.id": exists}}
              capture: {cartId: "$.id"}
            - request: {method: GET, path: "/cart/{{cartId}}"}
              expect: {status: 200, latencyBelow: 300ms}
)";

struct BadCase {
  const char* name;
  const char* base;
  std::vector<Edit> edits;  // "@@" in one replacement marks the expected position
  std::string path;
  std::string message;  // a substring of the message
  std::string hint;     // exact; empty: no hint
  std::size_t count = 1;
};

class RolloutRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(RolloutRejects, WithPathPositionAndMessage) {
  const BadCase& c = GetParam();
  const auto marked = take_marker(apply_edits(c.base, c.edits));
  ASSERT_GT(marked.line, 0) << "the case has no @@ marker";
  const Parsed<RolloutSpec> parsed = parse_rollout_text(marked.text, Format::Yaml, "m.yaml");
  EXPECT_FALSE(parsed.ok());
  ASSERT_EQ(parsed.diagnostics.size(), c.count) << dump(parsed.diagnostics);
  bool found = false;
  for (const Diagnostic& d : parsed.diagnostics) {
    if (d.path != c.path || d.message.find(c.message) == std::string::npos) continue;
    found = true;
    EXPECT_EQ(d.file, "m.yaml");
    EXPECT_EQ(d.line, marked.line) << d.to_string();
    EXPECT_EQ(d.column, marked.column) << d.to_string();
    EXPECT_EQ(d.hint, c.hint) << d.to_string();
  }
  EXPECT_TRUE(found) << "expected " << c.path << ": ..." << c.message << "... among\n"
                     << dump(parsed.diagnostics);
}

const std::string kUnknownTemplateNames =
    "expected {{name}}, {{version}}, {{role}}, {{port}}, {{weight}} or {{instance}}";

INSTANTIATE_TEST_SUITE_P(
    Rules, RolloutRejects,
    ::testing::Values(
        // ---- unknown keys, with did-you-mean when close ----
        BadCase{"UnknownKeyInStep",
                kFull,
                {{"- setWeight: 25", "- @@setWeigth: 25"}},
                "spec.strategy.canary.steps[3]",
                "unknown key \"setWeigth\"",
                "did you mean \"setWeight\"?"},
        BadCase{
            "UnknownKeyFarFromAny",
            kFull,
            {{"  labels: {team: payments}\n", "  labels: {team: payments}\n  @@annotations: {}\n"}},
            "metadata",
            "unknown key \"annotations\"",
            ""},
        BadCase{"UnknownKeyInTemplate",
                kFull,
                {{"        minSamples: 50", "        @@minSample: 50"}},
                "spec.analysis.templates[0]",
                "unknown key \"minSample\"",
                "did you mean \"minSamples\"?"},
        BadCase{"UnknownTargetKindIsOneReport",
                kFull,
                {{"    process:\n", "    @@proces:\n"}},
                "spec.target",
                "unknown key \"proces\"",
                "did you mean \"process\"?"},
        BadCase{"UnknownTopLevelKey",
                kMinimal,
                {{"kind: Rollout\n", "kind: Rollout\n@@Spec: {}\n"}},
                "",
                "unknown key \"Spec\"",
                "did you mean \"spec\"?"},
        BadCase{"DuplicateKey",
                kFull,
                {{"        count: 6\n", "        count: 6\n        @@count: 7\n"}},
                "spec.analysis.templates[0]",
                "duplicate key \"count\" (first written on line 32)",
                ""},
        // ---- types ----
        BadCase{"NumberWhereStringBelongs",
                kFull,
                {{"canary: {version: \"1.5.0\"}", "canary: {version: @@1.10}"}},
                "spec.canary.version",
                "expected a string, got the number 1.10",
                "write it in quotes: \"1.10\""},
        BadCase{"QuotedNumberIsAString",
                kFull,
                {{"- setWeight: 5\n", "- setWeight: @@\"5\"\n"}},
                "spec.strategy.canary.steps[0].setWeight",
                "expected a number, got the string \"5\"",
                "remove the quotes"},
        BadCase{"BoolSpeltYes",
                kFull,
                {{"baseline: true", "baseline: @@yes"}},
                "spec.strategy.canary.baseline",
                "expected true or false, got the string \"yes\"",
                ""},
        BadCase{"StringWhereMapBelongs",
                kMinimal,
                {{"canary: {version: \"2\"}", "canary: @@\"2\""}},
                "spec.canary",
                "expected a map with keys version, got the string \"2\"",
                ""},
        BadCase{"StringWhereListBelongs",
                kFull,
                {{"background: {templates: [errors]", "background: {templates: @@errors"}},
                "spec.analysis.background.templates",
                "expected a list of strings",
                ""},
        BadCase{"LabelValueMustBeAString",
                kFull,
                {{"{team: payments}", "{team: @@7}"}},
                "metadata.labels.team",
                "expected a string, got the number 7",
                "write it in quotes: \"7\""},
        BadCase{"FractionalCount",
                kFull,
                {{"count: 6", "count: @@2.5"}},
                "spec.analysis.templates[0].count",
                "expected a whole number, got the number 2.5",
                ""},
        // ---- durations ----
        BadCase{"BareNumberIsNotADuration",
                kFull,
                {{"{duration: 30s}", "{duration: @@30}"}},
                "spec.strategy.canary.steps[1].pause.duration",
                "expected a duration like \"30s\", got the number 30",
                "a bare number has no unit; write \"30s\" for seconds"},
        BadCase{"DurationWithSpace",
                kFull,
                {{"interval: 2s", "interval: @@2 s"}},
                "spec.probes[0].interval",
                "invalid duration \"2 s\"",
                ""},
        BadCase{"ZeroInterval",
                kFull,
                {{"interval: 15s", "interval: @@0s"}},
                "spec.analysis.templates[1].interval",
                "must be longer than 0s",
                ""},
        // ---- ranges ----
        BadCase{"WeightAbove100",
                kFull,
                {{"- setWeight: 100", "- setWeight: @@100.5"}},
                "spec.strategy.canary.steps[5].setWeight",
                "must be between 0 and 100, got 100.5",
                ""},
        BadCase{"NegativeWeight",
                kFull,
                {{"- setWeight: 25", "- setWeight: @@-1"}},
                "spec.strategy.canary.steps[3].setWeight",
                "must be between 0 and 100, got -1",
                ""},
        BadCase{"ZeroInstances",
                kFull,
                {{"instances: 2", "instances: @@0"}},
                "spec.target.process.instances",
                "must be between 1 and 1000, got 0",
                ""},
        BadCase{"ZeroCount",
                kFull,
                {{"count: 6", "count: @@0"}},
                "spec.analysis.templates[0].count",
                "must be at least 1, got 0",
                ""},
        BadCase{
            "NegativeFailureLimit",
            kFull,
            {{"        minSamples: 50\n", "        minSamples: 50\n        failureLimit: @@-1\n"}},
            "spec.analysis.templates[0].failureLimit",
            "must be at least 0, got -1",
            ""},
        BadCase{"ZeroMinSamples",
                kFull,
                {{"minSamples: 50", "minSamples: @@0"}},
                "spec.analysis.templates[0].minSamples",
                "must be at least 1, got 0",
                ""},
        BadCase{"ConfidenceOfOne",
                kFull,
                {{"confidence: 0.98", "confidence: @@1"}},
                "spec.analysis.templates[0].compare.confidence",
                "must be greater than 0 and less than 1, got 1",
                ""},
        BadCase{"AllowedIncreaseBelowOne",
                kFull,
                {{"allowedIncrease: 1.5", "allowedIncrease: @@0.9"}},
                "spec.analysis.templates[1].compare.allowedIncrease",
                "must be between 1 and 1e+09, got 0.9",
                ""},
        BadCase{"ZeroFailureThreshold",
                kFull,
                {{"failureThreshold: 3", "failureThreshold: @@0"}},
                "spec.probes[0].failureThreshold",
                "must be at least 1, got 0",
                ""},
        BadCase{"PortRangeReversed",
                kFull,
                {{"portRange: [20000, 20999]", "portRange: @@[20999, 20000]"}},
                "spec.target.process.portRange",
                "the first port 20999 is above the last 20000",
                ""},
        BadCase{"PortAbove65535",
                kFull,
                {{"portRange: [20000, 20999]", "portRange: [20000, @@70000]"}},
                "spec.target.process.portRange[1]",
                "must be between 1 and 65535, got 70000",
                ""},
        BadCase{"PortRangeNotAPair",
                kFull,
                {{"portRange: [20000, 20999]", "portRange: @@[20000]"}},
                "spec.target.process.portRange",
                "expected [first, last] ports",
                ""},
        BadCase{"PortRangeTooSmall",
                kFull,
                {{"portRange: [20000, 20999]", "portRange: @@[20000, 20004]"}},
                "spec.target.process.portRange",
                "holds 5 ports but 6 are needed",
                ""},
        BadCase{"RouterListensInsidePortRange",
                kFull,
                {{"listen: \"127.0.0.1:8080\"", "listen: @@\"127.0.0.1:20500\""}},
                "spec.traffic.builtin.listen",
                "port 20500 is inside spec.target.process.portRange",
                ""},
        BadCase{"ListenWithoutPort",
                kFull,
                {{"listen: \"127.0.0.1:8080\"", "listen: @@\"127.0.0.1\""}},
                "spec.traffic.builtin.listen",
                "expected \"host:port\"",
                ""},
        BadCase{
            "StandaloneRouterAdminWithoutPort",
            kFull,
            {{"listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:8080\", admin: @@\"10.0.0.5\""}},
            "spec.traffic.builtin.admin",
            "expected \"host:port\"",
            ""},
        BadCase{"StandaloneRouterListensOnPortZero",
                kFull,
                {{"listen: \"127.0.0.1:8080\"",
                  "listen: @@\"127.0.0.1:0\", admin: \"127.0.0.1:8081\""}},
                "spec.traffic.builtin.listen",
                "expected \"host:port\"",
                "the port must be between 1 and 65535"},
        BadCase{"ExpectStatusOutOfRange",
                kFull,
                {{"expectStatus: [200]", "expectStatus: [@@999]"}},
                "spec.probes[0].http.expectStatus[0]",
                "must be between 100 and 599, got 999",
                ""},
        // ---- exactly one of ----
        BadCase{"TwoTargets",
                kFull,
                {{"  traffic:\n",
                  "    @@static: {stable: [\"10.0.0.1:80\"], canary: [\"10.0.0.2:80\"]}\n  "
                  "traffic:\n"}},
                "spec.target",
                "expected exactly one of process, static or command; found process and static",
                ""},
        BadCase{"TwoRouters",
                kFull,
                {{"    builtin: {listen: \"127.0.0.1:8080\"}\n",
                  "    builtin: {listen: \"127.0.0.1:8080\"}\n    @@none: {}\n"}},
                "spec.traffic",
                "expected at most one of builtin, haproxy, nginx, command or none; found builtin "
                "and none",
                ""},
        BadCase{
            "NoStrategy",
            kMinimal,
            {{"  strategy:\n    canary:\n      steps: [{setWeight: 50}]\n", "  strategy: @@{}\n"}},
            "spec.strategy",
            "expected exactly one of canary, blueGreen, linear, allAtOnce or oneBox; found none",
            ""},
        BadCase{"StepWithTwoKinds",
                kMinimal,
                {{"[{setWeight: 50}]", "[{setWeight: 50, @@pause: {}}]"}},
                "spec.strategy.canary.steps[0]",
                "expected exactly one of setWeight, pause or analysis; found setWeight and pause",
                ""},
        BadCase{"MetricAndSynthetic",
                kFull,
                {{"        compare: {against: stable",
                  "        @@synthetic: {steps: [{request: {path: /}}]}\n        compare: "
                  "{against: stable"}},
                "spec.analysis.templates[1]",
                "expected exactly one of metric or synthetic; found metric and synthetic",
                ""},
        BadCase{"ProbeWithoutKind",
                kFull,
                {{"      http: {path: /healthz, expectStatus: [200]}\n", ""},
                 {"    - name: alive", "    - @@name: alive"}},
                "spec.probes[0]",
                "expected exactly one of http, tcp or exec; found none",
                ""},
        BadCase{"ProbeWithTwoKinds",
                kFull,
                {{"      interval: 2s\n", "      @@tcp: {}\n      interval: 2s\n"}},
                "spec.probes[0]",
                "expected exactly one of http, tcp or exec; found http and tcp",
                ""},
        // ---- required keys, names, apiVersion and kind ----
        BadCase{"MissingCanaryVersion",
                kMinimal,
                {{"canary: {version: \"2\"}", "canary: @@{}"}},
                "spec.canary",
                "missing required key \"version\"",
                ""},
        BadCase{"MissingTarget",
                kMinimal,
                {{"  target:\n    process: {command: [\"./app\", \"--port\", \"{{port}}\"]}\n", ""},
                 {"  canary: {", "  @@canary: {"}},
                "spec",
                "missing required key \"target\"",
                ""},
        BadCase{"WrongApiVersion",
                kMinimal,
                {{"apiVersion: rollguard.dev/v1", "apiVersion: @@rollguard.dev/v1beta1"}},
                "apiVersion",
                "unsupported apiVersion \"rollguard.dev/v1beta1\"",
                ""},
        BadCase{"WrongKind",
                kMinimal,
                {{"kind: Rollout", "kind: @@rollout"}},
                "kind",
                "expected kind \"Rollout\", got \"rollout\"",
                "did you mean \"Rollout\"?"},
        BadCase{"NameWithCapitalsAndUnderscore",
                kMinimal,
                {{"{name: app}", "{name: @@My_App}"}},
                "metadata.name",
                "invalid name \"My_App\"",
                "did you mean \"my-app\"?"},
        BadCase{"NameTooLong",
                kMinimal,
                {{"{name: app}", "{name: @@" + std::string(64, 'a') + "}"}},
                "metadata.name",
                "use 1 to 63 lowercase letters",
                ""},
        BadCase{"EmptyName",
                kMinimal,
                {{"{name: app}", "{name: @@\"\"}"}},
                "metadata.name",
                "invalid name \"\"",
                ""},
        BadCase{"TemplateName",
                kFull,
                {{"- name: latency", "- name: @@Latency"}},
                "spec.analysis.templates[1].name",
                "invalid name \"Latency\"",
                "did you mean \"latency\"?",
                2},
        // ---- argv ----
        BadCase{
            "ShellStringForArgv",
            kMinimal,
            {{"command: [\"./app\", \"--port\", \"{{port}}\"]",
              "command: @@\"./app --port {{port}}\""}},
            "spec.target.process.command",
            "expected an argv array like [\"./app\", \"--port\", \"{{port}}\"], not a shell string",
            "split the command into its arguments; nothing is run through a shell"},
        BadCase{"UnknownArgvTemplate",
                kMinimal,
                {{"\"{{port}}\"]", "@@\"{{prot}}\"]"}},
                "spec.target.process.command[2]",
                "unknown template \"{{prot}}\": " + kUnknownTemplateNames,
                "did you mean \"{{port}}\"?"},
        BadCase{"UnclosedTemplate",
                kMinimal,
                {{"\"{{port}}\"]", "@@\"{{port\"]"}},
                "spec.target.process.command[2]",
                "unclosed \"{{\"",
                ""},
        BadCase{"EmptyArgv",
                kMinimal,
                {{"command: [\"./app\", \"--port\", \"{{port}}\"]", "command: @@[]"}},
                "spec.target.process.command",
                "the command must not be empty",
                ""},
        BadCase{"CommandRouterWithoutWeight",
                kMinimal,
                {{"  strategy:",
                  "  traffic:\n    command: {setWeight: @@[\"./set-weight.sh\"]}\n  strategy:"}},
                "spec.traffic.command.setWeight",
                "never receives the weight",
                "pass \"{{weight}}\" as one of its arguments"},
        // ---- template references ----
        BadCase{"UnknownTemplateInStep",
                kFull,
                {{"[errors, latency]}", "[errors, @@latncy]}"}},
                "spec.strategy.canary.steps[2].analysis.templates[1]",
                "unknown analysis template \"latncy\": spec.analysis.templates defines errors and "
                "latency",
                "did you mean \"latency\"?"},
        BadCase{"UnknownTemplateInBackground",
                kFull,
                {{"background: {templates: [errors]", "background: {templates: [@@availability]"}},
                "spec.analysis.background.templates[0]",
                "unknown analysis template \"availability\"",
                ""},
        BadCase{"UnknownTemplateInBlueGreen",
                kMinimal,
                {{"    canary:\n      steps: [{setWeight: 50}]\n",
                  "    blueGreen: {postPromotionAnalysis: {templates: [@@errors]}}\n"}},
                "spec.strategy.blueGreen.postPromotionAnalysis.templates[0]",
                "unknown analysis template \"errors\": spec.analysis.templates defines none",
                ""},
        BadCase{"UnknownTemplateInOneBox",
                kFull,
                {{"    canary:\n      baseline: true\n      steps:\n        - setWeight: 5\n       "
                  " - pause: {duration: 30s}\n        - analysis: {templates: [errors, latency]}\n "
                  "       - setWeight: 25\n        - pause: {}\n        - setWeight: 100\n",
                  "    oneBox: {bake: 5m, analysis: {templates: [@@erors]}}\n"},
                 {"against: baseline", "against: stable"},
                 {"startingStep: 1", "startingStep: 0"}},
                "spec.strategy.oneBox.analysis.templates[0]",
                "unknown analysis template \"erors\"",
                "did you mean \"errors\"?"},
        BadCase{"TemplateListedTwice",
                kFull,
                {{"[errors, latency]}", "[errors, @@errors]}"}},
                "spec.strategy.canary.steps[2].analysis.templates[1]",
                "template \"errors\" is listed twice",
                ""},
        BadCase{"DuplicateTemplateName",
                kFull,
                {{"- name: latency", "- name: @@errors"}},
                "spec.analysis.templates[1].name",
                "duplicate template name \"errors\"",
                "",
                2},
        BadCase{"StartingStepPastTheSteps",
                kFull,
                {{"startingStep: 1", "startingStep: @@6"}},
                "spec.analysis.background.startingStep",
                "step 6 does not exist: the strategy has 6 steps, numbered from 0",
                ""},
        BadCase{"EmptyStepList",
                kMinimal,
                {{"steps: [{setWeight: 50}]", "steps: @@[]"}},
                "spec.strategy.canary.steps",
                "a canary strategy needs at least one step",
                "for example [{setWeight: 20}, {pause: {duration: 5m}}, {setWeight: 100}]"},
        BadCase{
            "LinearStepWeightZero",
            kMinimal,
            {{"    canary:\n      steps: [{setWeight: 50}]\n", "    linear: {stepWeight: @@0}\n"}},
            "spec.strategy.linear.stepWeight",
            "must be greater than 0 and at most 100, got 0",
            ""},
        // ---- conditions ----
        BadCase{"ConditionSyntax",
                kFull,
                {{"successCondition: \"result < 0.01\"", "successCondition: @@\"result <\""}},
                "spec.analysis.templates[0].successCondition",
                "column 9: ",
                ""},
        BadCase{"ConditionUnknownName",
                kFull,
                {{"failureCondition: \"result >= 0.05\"", "failureCondition: @@\"reslt >= 0.05\""}},
                "spec.analysis.templates[0].failureCondition",
                "column 1: ",
                ""},
        BadCase{"ConditionUsesBaselineWithoutOne",
                kFull,
                {{"baseline: true", "baseline: false"},
                 {"against: baseline", "against: stable"},
                 {"successCondition: \"result < 0.01\"",
                  "successCondition: @@\"result < baseline * 1.1\""}},
                "spec.analysis.templates[0].successCondition",
                "uses `baseline`, but no baseline runs",
                "set spec.strategy.canary.baseline: true"},
        // ---- compare and metrics ----
        BadCase{
            "CompareAgainstBaselineWithoutOne",
            kFull,
            {{"baseline: true", "baseline: false"}, {"against: baseline", "against: @@baseline"}},
            "spec.analysis.templates[0].compare.against",
            "compares against the baseline, but no baseline runs",
            "write \"against: stable\", or set spec.strategy.canary.baseline: true"},
        BadCase{"DefaultAgainstIsTheBaseline",
                kFull,
                {{"baseline: true", "baseline: false"},
                 {"          against: baseline\n          judge:", "          @@judge:"}},
                "spec.analysis.templates[0].compare",
                "compares against the baseline (the default), but no baseline runs",
                "write \"against: stable\", or set spec.strategy.canary.baseline: true"},
        BadCase{"MetricTemplateThatCannotFail",
                kFull,
                {{"        compare: {against: stable, judge: ratio, allowedIncrease: 1.5}\n", ""},
                 {"- name: latency", "- @@name: latency"}},
                "spec.analysis.templates[1]",
                "a metric template needs a successCondition",
                "for example successCondition: \"result < 0.01\""},
        BadCase{
            "UnknownBuiltinMetric",
            kFull,
            {{"{query: error_rate}", "{query: @@error-rate}"}},
            "spec.analysis.templates[0].metric.builtin.query",
            "unknown builtin metric \"error-rate\": expected error_rate, latency_p50, latency_p90, "
            "latency_p99 or request_rate",
            "did you mean \"error_rate\"?"},
        BadCase{"JudgeCase",
                kFull,
                {{"judge: mannWhitney", "judge: @@mannwhitney"}},
                "spec.analysis.templates[0].compare.judge",
                "unknown value \"mannwhitney\": expected mannWhitney, ratio or sequential",
                "did you mean \"mannWhitney\"?"},
        BadCase{"Direction",
                kFull,
                {{"judge: ratio,", "judge: ratio, direction: @@up,"}},
                "spec.analysis.templates[1].compare.direction",
                "unknown value \"up\": expected increase, decrease or either",
                ""},
        BadCase{"AgainstTypo",
                kFull,
                {{"against: stable", "against: @@stabel"}},
                "spec.analysis.templates[1].compare.against",
                "unknown value \"stabel\"",
                "did you mean \"stable\"?"},
        BadCase{"PrometheusQueryTemplate",
                kFull,
                {{"{query: 'histogram", "{query: @@'histogram"},
                 {"{{version}}\"}[1m]", "{{versoin}}\"}[1m]"}},
                "spec.analysis.templates[1].metric.prometheus.query",
                "unknown template \"{{versoin}}\"",
                "did you mean \"{{version}}\"?"},
        // ---- rollback and notifications ----
        BadCase{"OnFailureTypo",
                kFull,
                {{"onFailure: rollback", "onFailure: @@rolback"}},
                "spec.rollback.onFailure",
                "unknown value \"rolback\": expected rollback or pause",
                "did you mean \"rollback\"?"},
        BadCase{"OnErrorValue",
                kFull,
                {{"onInconclusive: pause", "onInconclusive: pause\n    onError: @@ignore"}},
                "spec.rollback.onError",
                "unknown value \"ignore\": expected rollback or pause",
                ""},
        BadCase{"WebhookEvent",
                kFull,
                {{"events: [Paused, RolledBack]", "events: [Paused, @@Rolledback]"}},
                "spec.notifications[0].webhook.events[1]",
                "unknown phase \"Rolledback\"",
                "did you mean \"RolledBack\"?"},
        BadCase{"WebhookFormat",
                kFull,
                {{"events: [Paused, RolledBack]", "events: [Paused], format: @@slak"}},
                "spec.notifications[0].webhook.format",
                "unknown value \"slak\": expected json or slack",
                "did you mean \"slack\"?"},
        BadCase{"WebhookUrl",
                kFull,
                {{"url: \"http://127.0.0.1:9000/hook\"", "url: @@\"127.0.0.1:9000/hook\""}},
                "spec.notifications[0].webhook.url",
                "expected an http:// or https:// URL",
                ""},
        BadCase{
            "WebhookHeaderTemplate",
            kFull,
            {{"events: [Paused, RolledBack]", "headers: {Authorization: @@\"Bearer {{token}}\"}"}},
            "spec.notifications[0].webhook.headers.Authorization",
            "unknown template \"{{token}}\": no templates are available here (or "
            "{{secret:ENV_VAR}})",
            ""},
        BadCase{"ProbePathWithoutSlash",
                kFull,
                {{"{path: /healthz, expectStatus", "{path: @@healthz, expectStatus"}},
                "spec.probes[0].http.path",
                "expected a path starting with \"/\"",
                ""},
        BadCase{"LowercaseMethod",
                kFull,
                {{"{path: /healthz, expectStatus", "{method: @@get, path: /healthz, expectStatus"}},
                "spec.probes[0].http.method",
                "invalid HTTP method \"get\"",
                "did you mean \"GET\"?"},
        BadCase{"DuplicateProbeName",
                kFull,
                {{"  rollback:\n", "    - {name: @@alive, tcp: {}}\n  rollback:\n"}},
                "spec.probes[1].name",
                "duplicate probe name \"alive\"",
                ""},
        // ---- targets and routers ----
        BadCase{"StaticEndpointWithoutPort",
                kMinimal,
                {{"process: {command: [\"./app\", \"--port\", \"{{port}}\"]}",
                  "static: {stable: [\"10.0.0.5:8080\"], canary: [@@\"10.0.0.9\"]}"}},
                "spec.target.static.canary[0]",
                "expected \"host:port\" like \"127.0.0.1:8080\"",
                ""},
        BadCase{"StaticTargetNeedsBaselineEndpoints",
                kMinimal,
                {{"process: {command: [\"./app\", \"--port\", \"{{port}}\"]}",
                  "static: @@{stable: [\"10.0.0.5:8080\"], canary: [\"10.0.0.9:8080\"]}"},
                 {"    canary:\n", "    canary:\n      baseline: true\n"}},
                "spec.target.static",
                "missing key \"baseline\": spec.strategy.canary.baseline is true",
                "list where the baseline runs, or set baseline: false"},
        BadCase{"HaproxyServersRequired",
                kMinimal,
                {{"  strategy:",
                  "  traffic:\n    haproxy: @@{runtimeApi: \"unix:/run/haproxy.sock\", backend: "
                  "app}\n  strategy:"}},
                "spec.traffic.haproxy",
                "missing required key \"servers\"",
                ""},
        BadCase{"CommandTargetNeedsEndpointsForBuiltinRouter",
                kMinimal,
                {{"process: {command: [\"./app\", \"--port\", \"{{port}}\"]}",
                  "command: @@{deploy: [\"./deploy.sh\", \"{{version}}\"]}"}},
                "spec.target.command",
                "missing key \"endpoints\": the builtin router needs",
                "add endpoints: {stable: [\"host:port\"], canary: [\"host:port\"]}"},
        BadCase{"NoRouterNeedsCanary",
                kMinimal,
                {{"    canary:\n      steps: [{setWeight: 50}]\n", "    allAtOnce: {bake: 1m}\n"},
                 {"  strategy:", "  traffic:\n    @@none: {}\n  strategy:"}},
                "spec.traffic",
                "traffic \"none\" splits by instance counts",
                "choose a router: builtin, haproxy, nginx or command"},
        BadCase{"PreviewHeaderWithSpace",
                kMinimal,
                {{"  strategy:", "  traffic:\n    previewHeader: @@\"X Preview\"\n  strategy:"}},
                "spec.traffic.previewHeader",
                "invalid header name \"X Preview\"",
                ""},
        // ---- synthetic transactions ----
        BadCase{"SyntheticUncapturedVariable",
                kBlueGreen,
                {{"path: \"/cart/{{cartId}}\"", "path: @@\"/cart/{{cartid}}\""}},
                "spec.analysis.templates[0].synthetic.steps[1].request.path",
                "unknown template \"{{cartid}}\"",
                "did you mean \"{{cartId}}\"?"},
        BadCase{"SyntheticJsonPathExpectation",
                kBlueGreen,
                {{"{\"$.id\": exists}", "{\"$.id\": @@exist}"}},
                "spec.analysis.templates[0].synthetic.steps[0].expect.jsonPath[\"$.id\"]",
                "unknown expectation \"exist\": expected exists, absent or {equals: VALUE}",
                "did you mean \"exists\"?"},
        BadCase{"SyntheticCaptureIsAJsonPath",
                kBlueGreen,
                {{"capture: {cartId: \"$.id\"}", "capture: {cartId: @@\"id\"}"}},
                "spec.analysis.templates[0].synthetic.steps[0].capture.cartId",
                "expected a JSONPath starting with \"$\"",
                ""},
        BadCase{"SyntheticTarget",
                kBlueGreen,
                {{"target: preview", "target: @@previw"}},
                "spec.analysis.templates[0].synthetic.target",
                "unknown value \"previw\"",
                "did you mean \"preview\"?"},
        BadCase{"SyntheticTargetBaselineWithoutOne",
                kBlueGreen,
                {{"target: preview", "target: @@baseline"}},
                "spec.analysis.templates[0].synthetic.target",
                "targets the baseline, but no baseline runs",
                "set spec.strategy.canary.baseline: true, or target canary"},
        BadCase{"SyntheticJsonAndBody",
                kBlueGreen,
                {{"json: {sku: \"A1\"}", "json: {sku: \"A1\"}, @@body: x"}},
                "spec.analysis.templates[0].synthetic.steps[0].request",
                "expected at most one of json or body; found json and body",
                ""},
        BadCase{"SyntheticLatencyBelowBareNumber",
                kBlueGreen,
                {{"latencyBelow: 300ms", "latencyBelow: @@300"}},
                "spec.analysis.templates[0].synthetic.steps[1].expect.latencyBelow",
                "expected a duration like \"30s\", got the number 300",
                "a bare number has no unit; write \"300ms\" for milliseconds or \"300s\" for "
                "seconds"},
        BadCase{"BareNumberTimeoutSuggestsMillisecondsFirst",
                kFull,
                {{"timeout: 10s}", "timeout: @@500}"}},
                "spec.target.process.readiness.timeout",
                "expected a duration like \"30s\", got the number 500",
                "a bare number has no unit; write \"500ms\" for milliseconds or \"500s\" for "
                "seconds"}),
    [](const auto& info) { return info.param.name; });

struct GoodCase {
  const char* name;
  const char* base;
  std::vector<Edit> edits;
};

class RolloutAccepts : public ::testing::TestWithParam<GoodCase> {};

TEST_P(RolloutAccepts, WithoutDiagnostics) {
  const std::string text = apply_edits(GetParam().base, GetParam().edits);
  const Parsed<RolloutSpec> parsed = parse_rollout_text(text, Format::Yaml, "m.yaml");
  EXPECT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, RolloutAccepts,
    ::testing::Values(
        GoodCase{"Full", kFull, {}}, GoodCase{"Minimal", kMinimal, {}},
        GoodCase{"BlueGreen", kBlueGreen, {}},
        GoodCase{"EmptyPauseMeansWaitForPromote", kFull, {{"- pause: {}", "- pause:"}}},
        GoodCase{"FractionalWeight", kFull, {{"- setWeight: 5\n", "- setWeight: 0.5\n"}}},
        GoodCase{"AgainstStableNeedsNoBaseline",
                 kFull,
                 {{"baseline: true", "baseline: false"}, {"against: baseline", "against: stable"}}},
        GoodCase{
            "TcpProbeMayBeEmpty", kFull, {{"http: {path: /healthz, expectStatus: [200]}", "tcp:"}}},
        GoodCase{"ExecProbe",
                 kFull,
                 {{"http: {path: /healthz, expectStatus: [200]}",
                   "exec: {command: [\"./check\", \"{{port}}\"]}"}}},
        GoodCase{"TrafficDefaultsToBuiltin",
                 kFull,
                 {{"  traffic:\n    builtin: {listen: \"127.0.0.1:8080\"}\n", ""}}},
        GoodCase{"StableMayBeOmitted", kFull, {{"  stable: {version: \"1.4.2\"}\n", ""}}},
        GoodCase{"TemplateWithSpaces", kMinimal, {{"\"{{port}}\"", "\"{{ port }}\""}}},
        GoodCase{"ListenOnPortZero",
                 kMinimal,
                 {{"  strategy:", "  traffic: {builtin: {listen: \"127.0.0.1:0\"}}\n  strategy:"}}},
        GoodCase{"StandaloneRouter",
                 kMinimal,
                 {{"  strategy:",
                   "  traffic: {builtin: {listen: \"10.0.0.5:8080\", admin: \"10.0.0.5:8081\"}}\n"
                   "  strategy:"}}},
        GoodCase{"Ipv6Endpoints",
                 kMinimal,
                 {{"process: {command: [\"./app\", \"--port\", \"{{port}}\"]}",
                   "static: {stable: [\"[::1]:8080\"], canary: [\"[::1]:8081\"]}"}}},
        GoodCase{"HaproxyWithBaseline",
                 kFull,
                 {{"    builtin: {listen: \"127.0.0.1:8080\"}",
                   "    haproxy: {runtimeApi: \"127.0.0.1:9999\", backend: app, servers: {stable: "
                   "[s1], canary: [s2], baseline: [s3]}}"}}},
        GoodCase{"CommandRouterWithEveryShare",
                 kMinimal,
                 {{"  strategy:",
                   "  traffic: {command: {setWeight: [\"./w.sh\", \"{{weight}}\", \"{{stable}}\", "
                   "\"{{canary}}\", \"{{baseline}}\", \"{{preview}}\"]}}\n  strategy:"}}},
        GoodCase{"NginxRouter",
                 kMinimal,
                 {{"  strategy:",
                   "  traffic: {nginx: {upstreamFile: /etc/nginx/app.conf}}\n  strategy:"}}},
        GoodCase{"CommandTargetWithEndpoints",
                 kMinimal,
                 {{"process: {command: [\"./app\", \"--port\", \"{{port}}\"]}",
                   "command: {deploy: [\"./deploy.sh\", \"{{role}}\", \"{{version}}\"], ready: "
                   "[\"./ready.sh\"], timeout: 2m, endpoints: {stable: [\"10.0.0.1:80\"], canary: "
                   "[\"10.0.0.2:80\"]}}"}}},
        GoodCase{
            "CommandTargetWithOtherRouterNeedsNoEndpoints",
            kMinimal,
            {{"process: {command: [\"./app\", \"--port\", \"{{port}}\"]}",
              "command: {deploy: [\"kubectl\", \"apply\", \"-f\", \"{{name}}-{{role}}.yaml\"]}"},
             {"  strategy:",
              "  traffic: {command: {setWeight: [\"./w.sh\", \"{{weight}}\"]}}\n  strategy:"}}},
        GoodCase{"NoRouterWithCanary",
                 kMinimal,
                 {{"  strategy:", "  traffic: {none: {}}\n  strategy:"}}},
        GoodCase{"SecretInWebhookHeader",
                 kFull,
                 {{"events: [Paused, RolledBack]",
                   "headers: {Authorization: \"Bearer {{secret:HOOK_TOKEN}}\"}"}}},
        GoodCase{"WebMetric",
                 kFull,
                 {{"prometheus: {query: 'histogram_quantile(0.99, "
                   "rate(latency_bucket{version=\"{{version}}\"}[1m]))'}",
                   "web: {url: \"http://127.0.0.1:9100/m.json?v={{version}}\", jsonPath: "
                   "\"$.p99\", headers: {Authorization: \"Bearer {{secret:T}}\"}}"}}},
        GoodCase{"JsonPathEquals",
                 kBlueGreen,
                 {{"{\"$.id\": exists}", "{\"$.id\": {equals: 7}, \"$.err\": absent}"}}},
        GoodCase{"OneBoxWithWeight",
                 kMinimal,
                 {{"    canary:\n      steps: [{setWeight: 50}]\n",
                   "    oneBox: {weight: 12.5, bake: 20m}\n"}}},
        GoodCase{"LinearStartingStep",
                 kMinimal,
                 {{"    canary:\n      steps: [{setWeight: 50}]\n",
                   "    linear: {stepWeight: 25, interval: 1m}\n  analysis:\n    background: "
                   "{templates: [e], startingStep: 3}\n    templates:\n      - {name: e, metric: "
                   "{builtin: {query: request_rate}}, successCondition: \"result > 0\"}\n"}}}),
    [](const auto& info) { return info.param.name; });

TEST(RolloutParse, ReportsEveryProblemAtOnceInTextOrder) {
  const std::string text = apply_edits(kFull, {{"- setWeight: 25", "- setWeigth: 25"},
                                               {"onFailure: rollback", "onFailure: rolback"},
                                               {"instances: 2", "instances: 0"},
                                               {"{duration: 30s}", "{duration: 30}"}});
  const Parsed<RolloutSpec> parsed = parse_rollout_text(text, Format::Yaml, "m.yaml");
  ASSERT_EQ(parsed.diagnostics.size(), 4u) << dump(parsed.diagnostics);
  for (std::size_t i = 1; i < parsed.diagnostics.size(); ++i)
    EXPECT_LT(parsed.diagnostics[i - 1].line, parsed.diagnostics[i].line);
  EXPECT_EQ(parsed.diagnostics[0].path, "spec.target.process.instances");
  EXPECT_EQ(parsed.diagnostics[3].path, "spec.rollback.onFailure");
}

TEST(RolloutParse, FillsTheStructWithDefaults) {
  const Parsed<RolloutSpec> parsed = parse_rollout_text(kMinimal, Format::Yaml, "m.yaml");
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
  const RolloutSpec& spec = *parsed.value;
  EXPECT_EQ(spec.metadata.name, "app");
  EXPECT_EQ(spec.canary, "2");
  EXPECT_FALSE(spec.stable.has_value());
  const auto& process = std::get<ProcessTarget>(spec.target);
  EXPECT_EQ(process.command, (Argv{"./app", "--port", "{{port}}"}));
  EXPECT_EQ(process.instances, 1);
  EXPECT_EQ(process.portFirst, 20000);
  EXPECT_EQ(std::get<BuiltinRouter>(spec.traffic.router).listen, "127.0.0.1:8080");
  const auto& canary = std::get<CanaryStrategy>(spec.strategy);
  ASSERT_EQ(canary.steps.size(), 1u);
  EXPECT_EQ(std::get<SetWeightStep>(canary.steps[0]).weight, 50);
  EXPECT_EQ(spec.rollback, RollbackPolicy{});
}

TEST(RolloutParse, ReadsEveryStepKind) {
  const Parsed<RolloutSpec> parsed = parse_rollout_text(kFull, Format::Yaml, "m.yaml");
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
  const auto& steps = std::get<CanaryStrategy>(parsed.value->strategy).steps;
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(std::get<PauseStep>(steps[1]).duration, Duration{30s});
  EXPECT_EQ(std::get<AnalysisStep>(steps[2]).analysis.templates,
            (std::vector<std::string>{"errors", "latency"}));
  EXPECT_FALSE(std::get<PauseStep>(steps[4]).duration.has_value());
  const AnalysisTemplate* errors = parsed.value->find_template("errors");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->interval, Duration{10s});
  EXPECT_EQ(errors->count, 6);
  EXPECT_EQ(errors->successCondition, "result < 0.01");
  ASSERT_TRUE(errors->compare.has_value());
  EXPECT_EQ(errors->compare->confidence, 0.98);
}

TEST(RolloutParse, SyntaxErrorsCarryTheirPosition) {
  const Parsed<RolloutSpec> parsed = parse_rollout_text(
      "apiVersion: rollguard.dev/v1\nspec: {canary: [1, 2}\n", Format::Yaml, "m.yaml");
  ASSERT_EQ(parsed.diagnostics.size(), 1u) << dump(parsed.diagnostics);
  EXPECT_EQ(parsed.diagnostics[0].line, 2);
  EXPECT_GT(parsed.diagnostics[0].column, 0);
  EXPECT_NE(parsed.diagnostics[0].message.find("invalid YAML"), std::string::npos);
}

TEST(RolloutParse, TheTopMustBeAMap) {
  const Parsed<RolloutSpec> parsed = parse_rollout_text("- a\n- b\n", Format::Yaml, "m.yaml");
  ASSERT_EQ(parsed.diagnostics.size(), 1u) << dump(parsed.diagnostics);
  EXPECT_NE(parsed.diagnostics[0].message.find("expected a Rollout manifest"), std::string::npos);
}

}  // namespace
}  // namespace rollguard
