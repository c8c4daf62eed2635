#include "manifests/enum_names.hpp"

namespace rollguard {

const EnumTable<BuiltinQuery>& builtin_query_names() {
  static const EnumTable<BuiltinQuery> table{{"error_rate", BuiltinQuery::ErrorRate},
                                             {"latency_p50", BuiltinQuery::LatencyP50},
                                             {"latency_p90", BuiltinQuery::LatencyP90},
                                             {"latency_p99", BuiltinQuery::LatencyP99},
                                             {"request_rate", BuiltinQuery::RequestRate}};
  return table;
}

const EnumTable<CompareAgainst>& compare_against_names() {
  static const EnumTable<CompareAgainst> table{{"baseline", CompareAgainst::Baseline},
                                               {"stable", CompareAgainst::Stable}};
  return table;
}

const EnumTable<JudgeKind>& judge_names() {
  static const EnumTable<JudgeKind> table{{"mannWhitney", JudgeKind::MannWhitney},
                                          {"ratio", JudgeKind::Ratio},
                                          {"sequential", JudgeKind::Sequential}};
  return table;
}

const EnumTable<Direction>& direction_names() {
  static const EnumTable<Direction> table{{"increase", Direction::Increase},
                                          {"decrease", Direction::Decrease},
                                          {"either", Direction::Either}};
  return table;
}

const EnumTable<OnFailure>& on_failure_names() {
  static const EnumTable<OnFailure> table{{"rollback", OnFailure::Rollback},
                                          {"pause", OnFailure::Pause}};
  return table;
}

const EnumTable<WebhookFormat>& webhook_format_names() {
  static const EnumTable<WebhookFormat> table{{"json", WebhookFormat::Json},
                                              {"slack", WebhookFormat::Slack}};
  return table;
}

const EnumTable<SyntheticTarget>& synthetic_target_names() {
  static const EnumTable<SyntheticTarget> table{{"canary", SyntheticTarget::Canary},
                                                {"stable", SyntheticTarget::Stable},
                                                {"baseline", SyntheticTarget::Baseline},
                                                {"preview", SyntheticTarget::Preview}};
  return table;
}

const EnumTable<Phase>& phase_names() {
  static const EnumTable<Phase> table = [] {
    EnumTable<Phase> t;
    for (Phase p : kPhases) t.emplace_back(std::string(to_string(p)), p);
    return t;
  }();
  return table;
}

}  // namespace rollguard
