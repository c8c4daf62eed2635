#pragma once
// Tokens of the condition language; internal to condition.cpp (split out only to keep each
// file to one job). Columns are 1-based byte offsets into the condition text.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "manifests/condition.hpp"

namespace rollguard::condition_detail {

// clang-format off
enum class Tok {
  Number, Name, LParen, RParen, LBracket, RBracket, Comma,
  Plus, Minus, Star, Slash, Lt, Le, Gt, Ge, Eq, Ne, And, Or, Not,
  End  // always the last token; its column is one past the text
};
// clang-format on

struct Token {
  Tok kind = Tok::End;
  int column = 0;
  std::string_view text;  // points into the text given to lex()
  double number = 0;      // Tok::Number
};

std::variant<std::vector<Token>, ConditionParseError> lex(std::string_view text);

// Not `quoted`: unqualified calls with a std::string would find std::quoted by ADL.
inline std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

}  // namespace rollguard::condition_detail
