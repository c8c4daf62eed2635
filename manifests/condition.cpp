#include "manifests/condition.hpp"

#include "manifests/condition_lexer.hpp"
#include "manifests/suggest.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace rollguard {

// Bool and number are told apart while parsing, so a condition that could never evaluate
// (`result + 1`, `1 < 2 < 3`, `result && 1`) is a validation error with a column rather than
// a failure at every measurement. Whether `result` is a list is only known per measurement.
enum class Type { Number, Bool };

struct Condition::Node {
  // clang-format off
  enum class Kind {
    Number, Result, Baseline, Index, Len, Abs, IsNaN, Negate, Not,
    Add, Sub, Mul, Div, Lt, Le, Gt, Ge, Eq, Ne, And, Or
  };
  // clang-format on
  Kind kind = Kind::Number;
  Type type = Type::Number;
  double number = 0;
  std::unique_ptr<Node> lhs, rhs;  // Index: lhs is the Result/Baseline node, rhs the index
};

namespace {

using namespace condition_detail;
using Node = Condition::Node;
using Kind = Node::Kind;
using NodePtr = std::unique_ptr<Node>;

// Conditions are one-liners; the caps keep recursion (parse, evaluate, destroy) shallow
// whatever a manifest or API body contains.
constexpr std::size_t kMaxLength = 4096;
constexpr int kMaxNesting = 64;

// Unwinds the recursive descent to Condition::parse, which turns it into a
// ConditionParseError; it never leaves this file.
struct Failure {
  int column;
  std::string message;
};

template <std::size_t N>
std::string suggestion(std::string_view name, const std::array<std::string_view, N>& known) {
  for (std::string_view k : known)
    if (edit_distance(name, k) <= 2) return " (did you mean " + in_quotes(k) + "?)";
  return "";
}

constexpr std::array<std::string_view, 2> kNames{"result", "baseline"};
constexpr std::array<std::string_view, 3> kFunctions{"isNaN", "abs", "len"};

std::string describe(Type t) {
  return t == Type::Number ? "a number" : "true/false";
}

bool is_comparison(Kind k) {
  return k == Kind::Lt || k == Kind::Le || k == Kind::Gt || k == Kind::Ge || k == Kind::Eq ||
         k == Kind::Ne;
}

NodePtr make(Kind kind, Type type, NodePtr lhs = nullptr, NodePtr rhs = nullptr) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->type = type;
  n->lhs = std::move(lhs);
  n->rhs = std::move(rhs);
  return n;
}

// One precedence level per row, loosest first (C's order).
struct BinaryOp {
  Tok token;
  Kind kind;
};
const std::vector<std::vector<BinaryOp>> kLevels{
    {{Tok::Or, Kind::Or}},
    {{Tok::And, Kind::And}},
    {{Tok::Eq, Kind::Eq}, {Tok::Ne, Kind::Ne}},
    {{Tok::Lt, Kind::Lt}, {Tok::Le, Kind::Le}, {Tok::Gt, Kind::Gt}, {Tok::Ge, Kind::Ge}},
    {{Tok::Plus, Kind::Add}, {Tok::Minus, Kind::Sub}},
    {{Tok::Star, Kind::Mul}, {Tok::Slash, Kind::Div}},
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  NodePtr condition() {
    if (peek().kind == Tok::End) throw Failure{1, "empty condition"};
    NodePtr root = binary(0);
    const Token& t = peek();
    if (t.kind == Tok::RParen || t.kind == Tok::RBracket)
      throw Failure{t.column,
                    "unexpected " + in_quotes(t.text) + " with no matching opening bracket"};
    if (t.kind != Tok::End)
      throw Failure{t.column, "expected an operator or the end of the expression, found " +
                                  in_quotes(t.text)};
    if (root->type != Type::Bool)
      throw Failure{1,
                    "a condition must be true or false (for example result < 0.01), but this "
                    "is a number"};
    return root;
  }

  bool saw_baseline = false;
  bool saw_is_nan = false;

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& advance() { return tokens_[pos_++]; }

  void expect_close(Tok kind, const char* close, const Token& open) {
    if (peek().kind != kind)
      throw Failure{peek().column, "expected " + in_quotes(close) + " to close " +
                                       in_quotes(open.text) + " at column " +
                                       std::to_string(open.column)};
    advance();
  }

  // Guards every construct that recurses without consuming a binary operator.
  struct Nest {
    Parser& p;
    Nest(Parser& parser, int column) : p(parser) {
      if (++p.depth_ > kMaxNesting)
        throw Failure{column, "expression is nested too deeply (more than " +
                                  std::to_string(kMaxNesting) + " levels)"};
    }
    ~Nest() { --p.depth_; }
  };

  NodePtr binary(std::size_t level) {
    if (level == kLevels.size()) return unary();
    NodePtr lhs = binary(level + 1);
    for (;;) {
      auto op = std::find_if(kLevels[level].begin(), kLevels[level].end(),
                             [&](const BinaryOp& b) { return b.token == peek().kind; });
      if (op == kLevels[level].end()) return lhs;
      const Token& t = advance();
      NodePtr rhs = binary(level + 1);
      lhs = combine(t, op->kind, std::move(lhs), std::move(rhs));
    }
  }

  static NodePtr combine(const Token& t, Kind kind, NodePtr lhs, NodePtr rhs) {
    std::string op = in_quotes(t.text);
    if (kind == Kind::And || kind == Kind::Or) {
      for (const auto* side : {&lhs, &rhs})
        if ((*side)->type != Type::Bool)
          throw Failure{t.column, op + " needs true/false on both sides, but its " +
                                      (side == &lhs ? "left" : "right") +
                                      " side is a number (compare it, for example result > 0)"};
      return make(kind, Type::Bool, std::move(lhs), std::move(rhs));
    }
    if (kind == Kind::Eq || kind == Kind::Ne) {
      if (lhs->type != rhs->type)
        throw Failure{t.column, op + " needs the same kind on both sides, but the left side is " +
                                    describe(lhs->type) + " and the right side is " +
                                    describe(rhs->type)};
      return make(kind, Type::Bool, std::move(lhs), std::move(rhs));
    }
    bool compares = is_comparison(kind);
    for (const auto* side : {&lhs, &rhs}) {
      if ((*side)->type == Type::Number) continue;
      std::string message = op + " needs numbers on both sides, but its " +
                            (side == &lhs ? "left" : "right") + " side is true/false";
      if (compares && side == &lhs && is_comparison(lhs->kind))
        message += " (comparisons do not chain: write a < b && b < c)";
      throw Failure{t.column, message};
    }
    return make(kind, compares ? Type::Bool : Type::Number, std::move(lhs), std::move(rhs));
  }

  NodePtr unary() {
    const Token& t = peek();
    if (t.kind != Tok::Not && t.kind != Tok::Minus) return postfix();
    Nest nest(*this, t.column);
    advance();
    NodePtr operand = unary();
    Type wanted = t.kind == Tok::Not ? Type::Bool : Type::Number;
    if (operand->type != wanted)
      throw Failure{t.column, in_quotes(t.text) + " needs " + describe(wanted) +
                                  ", but its operand is " + describe(operand->type)};
    return make(t.kind == Tok::Not ? Kind::Not : Kind::Negate, wanted, std::move(operand));
  }

  NodePtr postfix() {
    NodePtr n = primary();
    bool indexable = n->kind == Kind::Result || n->kind == Kind::Baseline;
    if (peek().kind == Tok::LBracket) {
      const Token& open = advance();
      if (!indexable) throw Failure{open.column, "only result and baseline can be indexed"};
      Nest nest(*this, open.column);
      int at = peek().column;
      NodePtr index = binary(0);
      expect_close(Tok::RBracket, "]", open);
      if (index->type != Type::Number)
        throw Failure{at, "an index must be a number, but this is true/false"};
      n = make(Kind::Index, Type::Number, std::move(n), std::move(index));
      if (peek().kind == Tok::LBracket)
        throw Failure{peek().column, "result and baseline are flat lists; index them only once"};
    }
    return n;
  }

  NodePtr primary() {
    const Token& t = advance();
    switch (t.kind) {
      case Tok::Number: {
        NodePtr n = make(Kind::Number, Type::Number);
        n->number = t.number;
        return n;
      }
      case Tok::LParen: {
        Nest nest(*this, t.column);
        NodePtr inner = binary(0);
        expect_close(Tok::RParen, ")", t);
        return inner;
      }
      case Tok::Name:
        return name(t);
      case Tok::End:
        throw Failure{t.column, "unexpected end of expression"};
      default:
        throw Failure{t.column, "expected a number, result, baseline, a function or \"(\", found " +
                                    in_quotes(t.text)};
    }
  }

  NodePtr name(const Token& t) {
    if (peek().kind == Tok::LParen) return call(t);
    if (t.text == "result") return make(Kind::Result, Type::Number);
    if (t.text == "baseline") {
      saw_baseline = true;
      return make(Kind::Baseline, Type::Number);
    }
    if (std::find(kFunctions.begin(), kFunctions.end(), t.text) != kFunctions.end())
      throw Failure{t.column, in_quotes(t.text) + " is a function; call it like " +
                                  std::string(t.text) + "(result)"};
    std::string hint = suggestion(t.text, kNames);
    throw Failure{t.column, "unknown name " + in_quotes(t.text) +
                                (hint.empty() ? "; names are result and baseline" : hint)};
  }

  NodePtr call(const Token& fn) {
    if (fn.text == "result" || fn.text == "baseline")
      throw Failure{fn.column, in_quotes(fn.text) + " is not a function"};
    if (std::find(kFunctions.begin(), kFunctions.end(), fn.text) == kFunctions.end())
      throw Failure{fn.column, "unknown function " + in_quotes(fn.text) +
                                   suggestion(fn.text, kFunctions) +
                                   "; functions are isNaN, abs, len"};
    const Token& open = advance();
    Nest nest(*this, open.column);
    if (peek().kind == Tok::RParen)
      throw Failure{peek().column, std::string(fn.text) + " takes one argument"};
    int at = peek().column;
    NodePtr arg = binary(0);
    if (peek().kind == Tok::Comma)
      throw Failure{peek().column, std::string(fn.text) + " takes one argument"};
    expect_close(Tok::RParen, ")", open);
    if (fn.text == "len") {
      if (arg->kind != Kind::Result && arg->kind != Kind::Baseline)
        throw Failure{at, "len takes result or baseline"};
      return make(Kind::Len, Type::Number, std::move(arg));
    }
    if (arg->type != Type::Number)
      throw Failure{at, std::string(fn.text) + " takes a number, but this is true/false"};
    bool is_nan = fn.text == "isNaN";
    saw_is_nan = saw_is_nan || is_nan;
    return make(is_nan ? Kind::IsNaN : Kind::Abs, is_nan ? Type::Bool : Type::Number,
                std::move(arg));
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";  // printf would say "nan" or "-nan" depending on the sign bit
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// Types were checked at parse time, so only the shape of the inputs can fail here; the first
// failure is kept in `error` and every caller stops at it.
class Evaluator {
 public:
  explicit Evaluator(const ConditionInputs& inputs) : inputs_(inputs) {}

  std::optional<bool> boolean(const Node& n) {
    switch (n.kind) {
      case Kind::Not: {
        auto v = boolean(*n.lhs);
        return v ? std::optional(!*v) : std::nullopt;
      }
      case Kind::And:
      case Kind::Or: {
        auto lhs = boolean(*n.lhs);
        if (!lhs) return std::nullopt;
        // Short-circuit, so `len(result) > 2 && result[2] < 1` is safe on shorter lists.
        if (*lhs == (n.kind == Kind::Or)) return lhs;
        return boolean(*n.rhs);
      }
      case Kind::IsNaN: {
        auto v = number(*n.lhs);
        return v ? std::optional(std::isnan(*v)) : std::nullopt;
      }
      default:
        break;
    }
    if ((n.kind == Kind::Eq || n.kind == Kind::Ne) && n.lhs->type == Type::Bool) {
      auto lhs = boolean(*n.lhs);
      auto rhs = lhs ? boolean(*n.rhs) : std::nullopt;
      if (!rhs) return std::nullopt;
      return (*lhs == *rhs) == (n.kind == Kind::Eq);
    }
    auto lhs = number(*n.lhs);
    auto rhs = lhs ? number(*n.rhs) : std::nullopt;
    if (!rhs) return std::nullopt;
    // IEEE: every comparison with NaN is false except "!=".
    switch (n.kind) {
      case Kind::Lt:
        return *lhs < *rhs;
      case Kind::Le:
        return *lhs <= *rhs;
      case Kind::Gt:
        return *lhs > *rhs;
      case Kind::Ge:
        return *lhs >= *rhs;
      case Kind::Eq:
        return *lhs == *rhs;
      default:
        return *lhs != *rhs;
    }
  }

  std::optional<double> number(const Node& n) {
    switch (n.kind) {
      case Kind::Number:
        return n.number;
      case Kind::Result:
      case Kind::Baseline:
        return scalar(n.kind);
      case Kind::Len: {
        const ConditionValue* v = variable(n.lhs->kind);
        return v ? std::optional(static_cast<double>(v->values.size())) : std::nullopt;
      }
      case Kind::Index:
        return index(n);
      case Kind::Negate: {
        auto v = number(*n.lhs);
        return v ? std::optional(-*v) : std::nullopt;
      }
      case Kind::Abs: {
        auto v = number(*n.lhs);
        return v ? std::optional(std::fabs(*v)) : std::nullopt;
      }
      default:
        break;
    }
    auto lhs = number(*n.lhs);
    auto rhs = lhs ? number(*n.rhs) : std::nullopt;
    if (!rhs) return std::nullopt;
    switch (n.kind) {
      case Kind::Add:
        return *lhs + *rhs;
      case Kind::Sub:
        return *lhs - *rhs;
      case Kind::Mul:
        return *lhs * *rhs;
      default:
        return *lhs / *rhs;  // IEEE: x/0 is ±inf, 0/0 is NaN
    }
  }

  std::string error;

 private:
  static const char* name_of(Kind k) { return k == Kind::Result ? "result" : "baseline"; }

  const ConditionValue* variable(Kind k) {
    if (k == Kind::Result) return &inputs_.result;
    if (inputs_.baseline) return &*inputs_.baseline;
    error = "no baseline value (this analysis runs no baseline for the metric)";
    return nullptr;
  }

  std::optional<double> scalar(Kind k) {
    const ConditionValue* v = variable(k);
    if (!v) return std::nullopt;
    if (v->values.size() == 1) return v->values[0];
    std::string name = name_of(k);
    if (v->values.empty())
      error = name + (v->is_list ? " is an empty list" : " has no value");
    else
      error = name + " is a list of " + std::to_string(v->values.size()) +
              " values; index it like " + name + "[0]";
    return std::nullopt;
  }

  std::optional<double> index(const Node& n) {
    const ConditionValue* v = variable(n.lhs->kind);
    if (!v) return std::nullopt;
    auto i = number(*n.rhs);
    if (!i) return std::nullopt;
    std::string name = name_of(n.lhs->kind);
    if (std::trunc(*i) != *i) {
      error = "index " + format_number(*i) + " into " + name + " is not a whole number";
      return std::nullopt;
    }
    if (*i < 0 || *i >= static_cast<double>(v->values.size())) {
      error = name + "[" + format_number(*i) + "] is out of range: " + name + " has " +
              std::to_string(v->values.size()) + " value" + (v->values.size() == 1 ? "" : "s");
      return std::nullopt;
    }
    return v->values[static_cast<std::size_t>(*i)];
  }

  const ConditionInputs& inputs_;
};

}  // namespace

std::variant<Condition, ConditionParseError> Condition::parse(std::string_view text) {
  if (text.size() > kMaxLength)
    return ConditionParseError{
        1, "condition is longer than " + std::to_string(kMaxLength) + " characters"};
  try {
    auto tokens = lex(text);
    if (auto* e = std::get_if<ConditionParseError>(&tokens)) return std::move(*e);
    Parser parser(std::get<std::vector<Token>>(std::move(tokens)));
    Condition c;
    c.root_ = parser.condition();
    c.text_ = std::string(text);
    c.uses_baseline_ = parser.saw_baseline;
    c.judges_nan_ = parser.saw_is_nan;
    return c;
  } catch (Failure& f) {
    return ConditionParseError{f.column, std::move(f.message)};
  }
}

ConditionOutcome Condition::evaluate(const ConditionInputs& inputs) const {
  if (!root_) return ConditionOutcome{std::nullopt, "condition was never parsed"};
  Evaluator evaluator(inputs);
  ConditionOutcome outcome;
  outcome.value = evaluator.boolean(*root_);
  if (!outcome.value) outcome.error = std::move(evaluator.error);
  return outcome;
}

}  // namespace rollguard
