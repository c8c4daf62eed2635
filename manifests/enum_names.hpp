#pragma once
// How each manifest enum is spelt: one table per enum, read by the parser and written by
// to_json, so the two can never disagree.
#include "manifests/reader.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

const EnumTable<BuiltinQuery>& builtin_query_names();
const EnumTable<CompareAgainst>& compare_against_names();
const EnumTable<JudgeKind>& judge_names();
const EnumTable<Direction>& direction_names();
const EnumTable<OnFailure>& on_failure_names();
const EnumTable<WebhookFormat>& webhook_format_names();
const EnumTable<SyntheticTarget>& synthetic_target_names();
const EnumTable<Phase>& phase_names();

}  // namespace rollguard
