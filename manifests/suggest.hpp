#pragma once
// "Did you mean" for unknown keys, enum values and template names: the closest candidate by
// edit distance, offered only when it is close enough that the guess is likely right.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollguard {

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
// transpositions ("setWeigth" is one edit from "setWeight").
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate, or nullopt when none is close: a case-only difference always
// counts; otherwise at most 1 edit for words up to 4 characters, 2 up to 8, 3 beyond.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// `did you mean "X"?` or empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b or c" for messages that list the options.
std::string join_options(const std::vector<std::string>& options, std::string_view last = "or");

}  // namespace rollguard
