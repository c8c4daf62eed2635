#pragma once
// The vocabulary of manifest shapes: for every map a manifest can hold, its keys, what each
// key's value is, which keys are required and which exclude each other. It is the one source
// for the readers (a MapReader is built from a shape, so the keys it accepts, its
// did-you-mean suggestions and its required keys all come from here, and reading a key the
// shape does not list is a crash) and for the JSON Schema that `rollguard schema` prints.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollguard {

enum class ValueKind {
  String,  // any string (`pattern` narrows it)
  Bool,
  Integer,      // a whole number in [min, max]
  Number,       // a finite number in [min, max]
  Duration,     // "250ms", "30s", "1h30m"
  Enum,         // one of `values`
  Argv,         // a list of strings: a command and its arguments, never a shell string
  StringList,   // a list of strings (`pattern` narrows each)
  IntegerList,  // a list of whole numbers in [min, max]
  EnumList,     // a list of `values`
  StringMap,    // a map from any key to a string
  PortRange,    // [first, last]: two ports
  Map,          // a map of shape `shape`
  MapList,      // a list of maps of shape `shape`
  Any,          // any JSON value
  OneOf,        // exactly one of `alternatives`
};

struct ValueSpec {
  ValueKind kind = ValueKind::String;
  std::string shape;                // Map, MapList
  std::vector<std::string> values;  // Enum, EnumList
  std::string pattern;              // String, StringList: an ECMA 262 regex
  std::optional<double> min, max;   // Integer, Number, IntegerList
  bool min_exclusive = false;
  bool max_exclusive = false;
  bool non_empty = false;               // strings, lists
  std::vector<ValueSpec> alternatives;  // OneOf
};

struct KeySpec {
  std::string name;
  ValueSpec value;
  bool required = false;
  std::string description;
};

// Keys of which exactly one (required) or at most one may be given.
struct KeyGroup {
  std::vector<std::string> keys;
  bool required = false;
};

struct Shape {
  std::string name;
  std::string description;
  std::vector<KeySpec> keys;
  std::optional<KeyGroup> one_of;
  // A map whose keys are not fixed: each key matches `key_pattern` and holds `other_values`
  // (synthetic expect.jsonPath). Such a shape has no `keys`.
  std::string key_pattern;
  std::optional<ValueSpec> other_values;

  const KeySpec* find(std::string_view key) const;
  std::vector<std::string> key_names() const;
  // A `pause:` with nothing after it reads as `pause: {}`: allowed where no key is required.
  bool accepts_empty() const;
};

// Every shape, the two roots first.
const std::vector<Shape>& shapes();
// The shape called `name`; an unknown name is a programming error and aborts.
const Shape& shape(std::string_view name);

inline constexpr std::string_view kRolloutShape = "Rollout";
inline constexpr std::string_view kScenarioShape = "Scenario";
inline constexpr std::string_view kApiVersion = "rollguard.dev/v1";

// Aborts with `message`: the readers and the shape table disagree.
[[noreturn]] void shape_invariant_broken(const std::string& message);

}  // namespace rollguard
