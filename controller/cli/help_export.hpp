#pragma once
// Man pages (roff) and bash and zsh completions of `rollguard`, from describe_cli().
#include <string>
#include <utility>
#include <vector>

#include "controller/cli/cli_doc.hpp"

namespace rollguard::cli {

// One page per command: ("rollguard.1", ...), ("rollguard-run.1", ...), ...
std::vector<std::pair<std::string, std::string>> man_pages(const CommandDoc& root,
                                                           const std::string& version);
std::string bash_completion(const CommandDoc& root);
std::string zsh_completion(const CommandDoc& root);

}  // namespace rollguard::cli
