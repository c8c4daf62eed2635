#pragma once
// Short quotes of bodies and outputs for reasons: a reason is read by a person in a log line
// or a terminal, so it stays on one line and near 120 characters.
#include <cstddef>
#include <string>
#include <string_view>

namespace rollguard {

// `s` without leading and trailing blanks (spaces, tabs, line ends).
std::string_view trim(std::string_view s);

// The start of `text`, newlines and tabs shown as spaces, "..." when cut.
std::string excerpt(std::string_view text, std::size_t limit = 120);

// The end of `text` (where a failing command says why), trimmed, on one line, "..." first
// when cut.
std::string tail_excerpt(std::string_view text, std::size_t limit = 200);

}  // namespace rollguard
