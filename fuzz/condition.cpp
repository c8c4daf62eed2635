// The condition language (Condition::parse, manifests/condition.hpp; docs/conditions.md): a
// parse error is a ConditionParseError with a column inside the text. A condition that
// parses is evaluated against scalars, lists, NaN and a missing baseline; each evaluation
// gives a bool or a reason, never neither.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "manifests/condition.hpp"

using namespace rollguard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = Condition::parse(text);
  if (const auto* error = std::get_if<ConditionParseError>(&parsed)) {
    fuzz::check(!error->message.empty(), "a parse error without a message");
    fuzz::check(error->column >= 1 && static_cast<std::size_t>(error->column) <= size + 1,
                "a parse error's column outside the text");
    return 0;
  }
  const Condition& condition = std::get<Condition>(parsed);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const ConditionValue values[] = {
      {{0.5}, false}, {{nan}, false},       {{-inf}, false},
      {{}, true},     {{1, 2, 3, 0}, true}, {{0, -1e308, 1e308, nan, 4, 5, 6, 7}, true}};
  for (const ConditionValue& result : values) {
    for (const ConditionValue* baseline :
         {static_cast<const ConditionValue*>(nullptr), &values[0], &values[4]}) {
      ConditionInputs inputs{result, baseline ? std::optional(*baseline) : std::nullopt};
      const ConditionOutcome outcome = condition.evaluate(inputs);
      fuzz::check(outcome.value.has_value() != !outcome.error.empty(),
                  "an evaluation must give a value or a reason, not both or neither");
    }
  }
  return 0;
}
