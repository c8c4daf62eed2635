#include "manifests/condition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace rollguard {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Condition parsed(std::string_view text) {
  auto p = Condition::parse(text);
  if (auto* e = std::get_if<ConditionParseError>(&p))
    ADD_FAILURE() << text << ": column " << e->column << ": " << e->message;
  return std::get<Condition>(std::move(p));
}

ConditionValue scalar(double v) {
  return ConditionValue{{v}, false};
}
ConditionValue list(std::vector<double> v) {
  return ConditionValue{std::move(v), true};
}

// --- parse errors: exact column and message -------------------------------------------------

struct ParseErrorCase {
  const char* name;
  std::string text;
  int column;
  const char* message;
};

class ConditionParseErrors : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(ConditionParseErrors, ReportColumnAndMessage) {
  const auto& c = GetParam();
  auto p = Condition::parse(c.text);
  ASSERT_TRUE(std::holds_alternative<ConditionParseError>(p)) << c.text;
  const auto& e = std::get<ConditionParseError>(p);
  EXPECT_EQ(e.column, c.column) << c.text;
  EXPECT_EQ(e.message, c.message) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConditionParseErrors,
    ::testing::Values(
        ParseErrorCase{"Empty", "", 1, "empty condition"},
        ParseErrorCase{"Blank", "   ", 1, "empty condition"},
        ParseErrorCase{"MisspelledResult", "reslt < 1", 1,
                       "unknown name \"reslt\" (did you mean \"result\"?)"},
        ParseErrorCase{"MisspelledBaselineMidway", "result < baseln * 2", 10,
                       "unknown name \"baseln\" (did you mean \"baseline\"?)"},
        ParseErrorCase{"UnrelatedName", "latency < 1", 1,
                       "unknown name \"latency\"; names are result and baseline"},
        ParseErrorCase{"NamesAreCaseSensitive", "Result < 1", 1,
                       "unknown name \"Result\" (did you mean \"result\"?)"},
        ParseErrorCase{"UnknownFunction", "max(result) > 1", 1,
                       "unknown function \"max\"; functions are isNaN, abs, len"},
        ParseErrorCase{"MisspelledFunction", "isnan(result)", 1,
                       "unknown function \"isnan\" (did you mean \"isNaN\"?); functions are "
                       "isNaN, abs, len"},
        ParseErrorCase{"FunctionWithoutCall", "abs < 1", 1,
                       "\"abs\" is a function; call it like abs(result)"},
        ParseErrorCase{"ResultIsNotAFunction", "result(0) < 1", 1, "\"result\" is not a function"},
        ParseErrorCase{"UnclosedParen", "1 < (result + 2", 16,
                       "expected \")\" to close \"(\" at column 5"},
        ParseErrorCase{"UnclosedParenBeforeOperator", "(result < 1 && (1 < 2)", 23,
                       "expected \")\" to close \"(\" at column 1"},
        ParseErrorCase{"UnclosedBracket", "result[0 < 1", 13,
                       "expected \"]\" to close \"[\" at column 7"},
        ParseErrorCase{"UnclosedCall", "isNaN(result", 13,
                       "expected \")\" to close \"(\" at column 6"},
        ParseErrorCase{"StrayCloseParen", "result < 1)", 11,
                       "unexpected \")\" with no matching opening bracket"},
        ParseErrorCase{"DanglingOperator", "result <", 9, "unexpected end of expression"},
        ParseErrorCase{"DanglingAnd", "result < 1 &&", 14, "unexpected end of expression"},
        ParseErrorCase{"TwoOperands", "result < 1 2", 12,
                       "expected an operator or the end of the expression, found \"2\""},
        ParseErrorCase{"OperatorFirst", "< 1", 1,
                       "expected a number, result, baseline, a function or \"(\", found \"<\""},
        ParseErrorCase{"SingleEquals", "result = 1", 8,
                       "\"=\" is not an operator; compare with \"==\""},
        ParseErrorCase{"SingleAmpersand", "result < 1 & result > 0", 12,
                       "\"&\" is not an operator; use \"&&\""},
        ParseErrorCase{"SinglePipe", "result < 1 | result > 0", 12,
                       "\"|\" is not an operator; use \"||\""},
        ParseErrorCase{"UnknownCharacter", "result % 2 == 0", 8, "unexpected character \"%\""},
        ParseErrorCase{"NonAscii", "result \xE2\x89\xA4 1", 8,
                       "unexpected byte 0xE2 (conditions are plain ASCII)"},
        ParseErrorCase{"NumberWithUnit", "result < 5ms", 11,
                       "unexpected \"m\" right after the number 5 (numbers have no units or "
                       "suffixes)"},
        ParseErrorCase{"NumberWithoutFraction", "result < 1.", 12,
                       "malformed number \"1.\": expected digits after \".\""},
        ParseErrorCase{"ExponentWithoutDigits", "result < 1e+", 13,
                       "malformed number \"1e+\": expected digits in the exponent"},
        ParseErrorCase{"NumberOutOfRange", "result < 1e999", 10, "number 1e999 is out of range"},
        ParseErrorCase{"ConditionIsANumber", "result * 2", 1,
                       "a condition must be true or false (for example result < 0.01), but this "
                       "is a number"},
        ParseErrorCase{"ChainedComparison", "0 < result < 1", 12,
                       "\"<\" needs numbers on both sides, but its left side is true/false "
                       "(comparisons do not chain: write a < b && b < c)"},
        ParseErrorCase{"ArithmeticOnBool", "(result < 1) + 1 > 0", 14,
                       "\"+\" needs numbers on both sides, but its left side is true/false"},
        ParseErrorCase{"AndOnNumber", "result < 1 && 2", 12,
                       "\"&&\" needs true/false on both sides, but its right side is a number "
                       "(compare it, for example result > 0)"},
        ParseErrorCase{"OrOnNumber", "result || result < 1", 8,
                       "\"||\" needs true/false on both sides, but its left side is a number "
                       "(compare it, for example result > 0)"},
        ParseErrorCase{"EqualityOfMixedKinds", "isNaN(result) == 1", 15,
                       "\"==\" needs the same kind on both sides, but the left side is true/false "
                       "and the right side is a number"},
        ParseErrorCase{"NotOnNumber", "!result", 1,
                       "\"!\" needs true/false, but its operand is a number"},
        ParseErrorCase{"MinusOnBool", "-(result < 1)", 1,
                       "\"-\" needs a number, but its operand is true/false"},
        ParseErrorCase{"IndexANumber", "2[0] < 1", 2, "only result and baseline can be indexed"},
        ParseErrorCase{"IndexTwice", "result[0][1] < 1", 10,
                       "result and baseline are flat lists; index them only once"},
        ParseErrorCase{"BoolIndex", "result[1 < 2] < 1", 8,
                       "an index must be a number, but this is true/false"},
        ParseErrorCase{"LenOfNumber", "len(3) > 1", 5, "len takes result or baseline"},
        ParseErrorCase{"LenOfIndexed", "len(result[0]) > 1", 5, "len takes result or baseline"},
        ParseErrorCase{"AbsOfBool", "abs(result < 1)", 5,
                       "abs takes a number, but this is true/false"},
        ParseErrorCase{"NoArguments", "isNaN()", 7, "isNaN takes one argument"},
        ParseErrorCase{"TwoArguments", "abs(result, 2) < 1", 11, "abs takes one argument"},
        ParseErrorCase{"TooDeep", std::string(65, '('), 65,
                       "expression is nested too deeply (more than 64 levels)"},
        ParseErrorCase{"TooLong", std::string(4097, ' '), 1,
                       "condition is longer than 4096 characters"}),
    [](const auto& info) { return info.param.name; });

// --- evaluation -----------------------------------------------------------------------------

struct EvalCase {
  const char* name;
  const char* text;
  ConditionValue result;
  std::optional<ConditionValue> baseline;
  std::optional<bool> expected;  // nullopt: an evaluation error is expected
  const char* error = "";        // the exact reason when `expected` is nullopt
};

class ConditionEvaluation : public ::testing::TestWithParam<EvalCase> {};

TEST_P(ConditionEvaluation, Evaluates) {
  const auto& c = GetParam();
  ConditionOutcome out = parsed(c.text).evaluate({c.result, c.baseline});
  EXPECT_EQ(out.value, c.expected) << c.text << " error: " << out.error;
  EXPECT_EQ(out.error, c.error) << c.text;
}

const auto kNone = std::nullopt;

INSTANTIATE_TEST_SUITE_P(
    Cases, ConditionEvaluation,
    ::testing::Values(
        EvalCase{"LessThan", "result < 0.01", scalar(0.005), kNone, true},
        EvalCase{"LessThanFalse", "result < 0.01", scalar(0.02), kNone, false},
        EvalCase{"GreaterOrEqualAtEdge", "result >= 0.05", scalar(0.05), kNone, true},
        EvalCase{"LessOrEqual", "result <= 1", scalar(1.0001), kNone, false},
        EvalCase{"GreaterThan", "result > -1", scalar(-0.5), kNone, true},
        EvalCase{"EqualNumbers", "result == 3", scalar(3), kNone, true},
        EvalCase{"NotEqualNumbers", "result != 3", scalar(3), kNone, false},
        EvalCase{"DecimalAndExponent", "result == 2.5e-3 && result == .0025", scalar(0.0025), kNone,
                 true},
        EvalCase{"UpperCaseExponent", "result == 1E2", scalar(100), kNone, true},
        EvalCase{"MultiplicationBeforeAddition", "1 + 2 * 3 == 7", scalar(0), kNone, true},
        EvalCase{"ParenthesesOverride", "(1 + 2) * 3 == 9", scalar(0), kNone, true},
        EvalCase{"SubtractionIsLeftAssociative", "10 - 4 - 3 == 3", scalar(0), kNone, true},
        EvalCase{"DivisionIsLeftAssociative", "8 / 4 / 2 == 1", scalar(0), kNone, true},
        EvalCase{"UnaryMinusBindsTighter", "-2 * -3 == 6 && - -1 == 1", scalar(0), kNone, true},
        EvalCase{"AndBeforeOr", "result > 5 || result > 0 && result < 1", scalar(0.5), kNone, true},
        EvalCase{"AndBeforeOrFalse", "result > 5 || result > 0 && result < 0.1", scalar(0.5), kNone,
                 false},
        EvalCase{"NotBindsTighterThanAnd", "!(result > 1) && result > 0", scalar(0.5), kNone, true},
        EvalCase{"EqualityOfBools", "(result > 1) == (result > 2)", scalar(1.5), kNone, false},
        EvalCase{"InequalityOfBools", "isNaN(result) != (result < 1)", scalar(0.5), kNone, true},
        EvalCase{"NaNLessIsFalse", "result < 0.01", scalar(kNaN), kNone, false},
        EvalCase{"NaNGreaterIsFalse", "result >= 0.05", scalar(kNaN), kNone, false},
        EvalCase{"NaNEqualsNothing", "result == result", scalar(kNaN), kNone, false},
        EvalCase{"NaNNotEqualIsTrue", "result != result", scalar(kNaN), kNone, true},
        EvalCase{"IsNaNCatchesNaN", "isNaN(result) || result >= 0.05", scalar(kNaN), kNone, true},
        EvalCase{"IsNaNOnNumber", "isNaN(result)", scalar(1), kNone, false},
        EvalCase{"DivisionByZeroIsInfinite", "1 / result > 1e308", scalar(0), kNone, true},
        EvalCase{"ZeroByZeroIsNaN", "isNaN(0 / result)", scalar(0), kNone, true},
        EvalCase{"Abs", "abs(result - 1) < 0.1", scalar(0.95), kNone, true},
        EvalCase{"AbsOfNegative", "abs(result) == 3", scalar(-3), kNone, true},
        EvalCase{"RelativeToBaseline", "result <= baseline * 1.1", scalar(105), scalar(100), true},
        EvalCase{"RelativeToBaselineFails", "result <= baseline * 1.1", scalar(111), scalar(100),
                 false},
        EvalCase{"IndexList", "result[1] > 5 && result[0] < 5", list({1, 9, 3}), kNone, true},
        EvalCase{"IndexWithExpression", "result[len(result) - 1] == 3", list({1, 9, 3}), kNone,
                 true},
        EvalCase{"IndexBaseline", "result[0] < baseline[1]", list({1}), list({0, 2}), true},
        EvalCase{"Len", "len(result) == 3", list({1, 2, 3}), kNone, true},
        EvalCase{"LenOfEmptyList", "len(result) == 0", list({}), kNone, true},
        EvalCase{"LenOfScalar", "len(result) == 1", scalar(7), kNone, true},
        EvalCase{"ScalarIndexedAtZero", "result[0] == 7", scalar(7), kNone, true},
        EvalCase{"ListOfOneUsedAsNumber", "result < 1", list({0.5}), kNone, true},
        EvalCase{"ShortCircuitAndSkipsBadIndex", "len(result) > 3 && result[3] < 1", list({1, 2}),
                 kNone, false},
        EvalCase{"ShortCircuitOrSkipsBaseline", "result < 1 || result < baseline", scalar(0), kNone,
                 true},
        EvalCase{"ListUsedAsNumber", "result < 1", list({1, 2, 3}), kNone, std::nullopt,
                 "result is a list of 3 values; index it like result[0]"},
        EvalCase{"EmptyListUsedAsNumber", "result < 1", list({}), kNone, std::nullopt,
                 "result is an empty list"},
        EvalCase{"MissingScalar", "result < 1", ConditionValue{}, kNone, std::nullopt,
                 "result has no value"},
        EvalCase{"IndexOutOfRange", "result[3] < 1", list({1, 2, 3}), kNone, std::nullopt,
                 "result[3] is out of range: result has 3 values"},
        EvalCase{"NegativeIndex", "result[-1] < 1", list({1, 2, 3}), kNone, std::nullopt,
                 "result[-1] is out of range: result has 3 values"},
        EvalCase{"FractionalIndex", "result[0.5] < 1", list({1, 2, 3}), kNone, std::nullopt,
                 "index 0.5 into result is not a whole number"},
        EvalCase{"NaNIndex", "result[0 / 0] < 1", list({1}), kNone, std::nullopt,
                 "index NaN into result is not a whole number"},
        EvalCase{"BaselineListUsedAsNumber", "result < baseline", scalar(1), list({1, 2}),
                 std::nullopt, "baseline is a list of 2 values; index it like baseline[0]"},
        EvalCase{"NoBaseline", "result < baseline", scalar(1), kNone, std::nullopt,
                 "no baseline value (this analysis runs no baseline for the metric)"},
        EvalCase{"NoBaselineForLen", "len(baseline) > 0", scalar(1), kNone, std::nullopt,
                 "no baseline value (this analysis runs no baseline for the metric)"},
        EvalCase{"ErrorInsideNot", "!(result < 1)", list({1, 2}), kNone, std::nullopt,
                 "result is a list of 2 values; index it like result[0]"},
        EvalCase{"ErrorInsideIsNaN", "isNaN(result)", list({}), kNone, std::nullopt,
                 "result is an empty list"}),
    [](const auto& info) { return info.param.name; });

TEST(Condition, KeepsTextAndKnowsWhetherItUsesTheBaseline) {
  Condition plain = parsed("result < 0.01");
  EXPECT_EQ(plain.text(), "result < 0.01");
  EXPECT_FALSE(plain.uses_baseline());
  EXPECT_TRUE(parsed("result < baseline * 2").uses_baseline());
  EXPECT_TRUE(parsed("len(baseline) == 0 || result < 1").uses_baseline());
}

TEST(Condition, WhitespaceIsInsignificant) {
  Condition c = parsed("\tresult\n<\r\n0.5  ");
  EXPECT_EQ(c.evaluate({scalar(0.1), std::nullopt}).value, true);
}

TEST(Condition, IsEvaluatedRepeatedlyAndCopiesShareTheTree) {
  Condition original = parsed("result[0] > 1");
  Condition copy = original;
  EXPECT_EQ(copy.evaluate({list({2}), std::nullopt}).value, true);
  EXPECT_EQ(original.evaluate({list({0}), std::nullopt}).value, false);
  EXPECT_EQ(copy.text(), original.text());
}

TEST(Condition, DefaultConstructedReportsAnErrorInsteadOfCrashing) {
  ConditionOutcome out = Condition{}.evaluate({scalar(1), std::nullopt});
  EXPECT_FALSE(out.value);
  EXPECT_FALSE(out.error.empty());
}

TEST(Condition, NestingUpToTheLimitIsAccepted) {
  std::string text = std::string(63, '(') + "result" + std::string(63, ')') + " < 1";
  EXPECT_EQ(parsed(text).evaluate({scalar(0), std::nullopt}).value, true);
  std::string negations = std::string(63, '!') + "(result < 1)";  // an odd count: false
  EXPECT_EQ(parsed(negations).evaluate({scalar(0), std::nullopt}).value, false);
}

TEST(Condition, LongFlatExpressionsParseAndEvaluate) {
  std::string text = "result";
  while (text.size() < 4000) text += " + 1";
  text += " > 0";
  EXPECT_EQ(parsed(text).evaluate({scalar(0), std::nullopt}).value, true);
}

// Random expressions from the grammar, then randomly damaged, reach the deep corners of the
// parser; none may crash, every error must point inside the text, and whatever parses must
// evaluate to a value or a reason.
class RandomCondition {
 public:
  explicit RandomCondition(unsigned seed) : rng_(seed) {}

  std::string next() {
    std::string text = boolean(0);
    for (int damage = pick(4) - 1; damage > 0; --damage) {
      static constexpr std::string_view kChars = "()[]!<>=&|+-*/.,e0123456789 resultbaslinNaS\xE2";
      std::size_t at = pick(static_cast<int>(text.size()) + 1);
      char c = kChars[pick(static_cast<int>(kChars.size()))];
      switch (pick(3)) {
        case 0:
          text.insert(at, 1, c);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = c;
          break;
      }
    }
    return text;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string number(int depth) {
    if (depth > 4) return pick(2) ? "result" : "1.5";
    switch (pick(9)) {
      case 0:
        return "result";
      case 1:
        return "baseline";
      case 2:
        return std::to_string(pick(5) - 1) + (pick(2) ? ".25" : "") + (pick(3) ? "" : "e2");
      case 3:
        return "result[" + number(depth + 1) + "]";
      case 4:
        return "len(" + std::string(pick(2) ? "result" : "baseline") + ")";
      case 5:
        return "abs(" + number(depth + 1) + ")";
      case 6:
        return "-" + number(depth + 1);
      case 7:
        return "(" + number(depth + 1) + ")";
      default: {
        static constexpr const char* kOps[] = {" + ", " - ", " * ", " / "};
        return number(depth + 1) + kOps[pick(4)] + number(depth + 1);
      }
    }
  }

  std::string boolean(int depth) {
    if (depth > 3) return number(depth) + " < " + number(depth);
    switch (pick(6)) {
      case 0:
        return "isNaN(" + number(depth + 1) + ")";
      case 1:
        return "!(" + boolean(depth + 1) + ")";
      case 2:
        return boolean(depth + 1) + (pick(2) ? " && " : " || ") + boolean(depth + 1);
      default: {
        static constexpr const char* kOps[] = {" < ", " <= ", " > ", " >= ", " == ", " != "};
        return number(depth + 1) + kOps[pick(6)] + number(depth + 1);
      }
    }
  }

  std::mt19937 rng_;
};

TEST(Condition, RandomInputNeverCrashes) {
  RandomCondition generator(20240611);
  const ConditionInputs inputs[] = {
      {scalar(0.5), scalar(1)}, {list({1, 2, 3}), std::nullopt}, {scalar(kNaN), list({})}};
  int parsed_count = 0, failed_count = 0, evaluated_count = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text = generator.next();
    auto p = Condition::parse(text);
    if (auto* e = std::get_if<ConditionParseError>(&p)) {
      ++failed_count;
      EXPECT_GE(e->column, 1) << text;
      EXPECT_LE(e->column, static_cast<int>(text.size()) + 1) << text;
      EXPECT_FALSE(e->message.empty()) << text;
      continue;
    }
    ++parsed_count;
    for (const auto& in : inputs) {
      ConditionOutcome out = std::get<Condition>(p).evaluate(in);
      EXPECT_NE(out.value.has_value(), !out.error.empty()) << text;
      evaluated_count += out.value.has_value();
    }
  }
  // The generator must exercise both sides: rejected text and conditions that evaluate.
  EXPECT_GT(parsed_count, 500);
  EXPECT_GT(failed_count, 500);
  EXPECT_GT(evaluated_count, 500);
}

}  // namespace
}  // namespace rollguard
