#pragma once
// A JSON Schema (draft-07) of a manifest kind, generated from the shape table
// (manifests/shape.hpp) that the readers use: editors and CI validators see the same keys,
// types, enums and required keys as `rollguard validate`. It cannot say everything the
// readers check (cross-references between sections, {{template}} names, conditions), so a
// manifest the schema accepts may still fail `validate`; one it rejects always fails.
#include <nlohmann/json.hpp>
#include <string_view>

namespace rollguard {

// `root` is a shape name: kRolloutShape or kScenarioShape.
nlohmann::ordered_json json_schema(std::string_view root);

}  // namespace rollguard
