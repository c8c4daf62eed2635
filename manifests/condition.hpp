#pragma once
// The condition language of docs/conditions.md: numbers, `result`, `baseline`,
// + - * /, < <= > >= == !=, && || !, parentheses, isNaN(x), abs(x), len(list), and
// indexing `result[0]`. No other names, no side effects. Parsed once at validation, evaluated
// per measurement.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rollguard {

struct ConditionParseError {
  int column = 0;  // 1-based, inside the expression text
  std::string message;
};

// A value of `result` or `baseline`: a scalar is a list of one with `is_list` false.
struct ConditionValue {
  std::vector<double> values;
  bool is_list = false;
};

struct ConditionInputs {
  ConditionValue result;
  std::optional<ConditionValue> baseline;  // absent: using `baseline` is an evaluation error
};

// Evaluation gives a bool or a reason why it could not (e.g. index out of range, a list where
// a number was needed, `baseline` with no baseline).
struct ConditionOutcome {
  std::optional<bool> value;
  std::string error;
};

class Condition {
 public:
  static std::variant<Condition, ConditionParseError> parse(std::string_view text);
  ConditionOutcome evaluate(const ConditionInputs& inputs) const;
  const std::string& text() const { return text_; }
  bool uses_baseline() const { return uses_baseline_; }
  // Whether it calls isNaN: only then does a NaN or infinite reading get judged by it.
  bool judges_nan() const { return judges_nan_; }

  struct Node;  // the expression tree; defined in condition.cpp

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
  bool uses_baseline_ = false;
  bool judges_nan_ = false;
};

}  // namespace rollguard
