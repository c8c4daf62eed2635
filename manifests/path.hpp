#pragma once
// Dotted paths as diagnostics print them: spec.strategy.canary.steps[2].setWeight. A key that
// is not a plain word is bracketed: expect.jsonPath["$.id"].
#include <cstddef>
#include <string>
#include <string_view>

namespace rollguard {

std::string path_append_key(const std::string& path, std::string_view key);
std::string path_append_index(const std::string& path, std::size_t index);

}  // namespace rollguard
