#pragma once
// How the target drivers find a command: through PATH like any program, and, for a bare
// name that is not on PATH, beside the running rollguard binary. That lets a manifest say
// `rollguard-demo-app` (installed next to `rollguard`) without anyone editing PATH.
#include <string>
#include <string_view>

namespace rollguard {

// `command` itself when it holds a slash or is found on `search_path`; else
// `fallback_dir`/`command` when that is an executable file; else `command` unchanged (the
// spawn then reports it as not found).
std::string resolve_command(const std::string& command, std::string_view search_path,
                            const std::string& fallback_dir);

// The same with this process's PATH and the directory of /proc/self/exe.
std::string resolve_command(const std::string& command);

// The directory holding the running executable; empty when /proc/self/exe cannot be read.
std::string executable_directory();

}  // namespace rollguard
