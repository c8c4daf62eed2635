#pragma once
// Replacing a configuration file so that a reader (nginx on reload) sees the old content or
// the new, never half of either: write a temporary file in the same directory, flush it to
// disk, rename it over the target. Errors come back as text.
#include <optional>
#include <string>

namespace rollguard {

// Empty on success, else why not ("cannot write /etc/nginx/x.conf.tmp: permission denied").
std::string write_file_atomically(const std::string& path, const std::string& content);

// The file's content, or nullopt when it does not exist or cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace rollguard
