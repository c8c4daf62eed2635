#pragma once
// Where a command name is found, the way execvp finds it: a name with a slash is a path as
// written; a bare name is looked up in each directory of PATH in turn. Done ahead of time by
// the fork/exec path of Subprocess (nothing may allocate between fork and exec) and by the
// target drivers, which also look beside the running rollguard binary.
#include <optional>
#include <string>
#include <string_view>

namespace rollguard {

// The first regular, executable file called `name` in the ':'-separated `search_path` (an
// empty entry is the current directory, as in execvp); a name with a slash is returned as it
// is (exec reports what is wrong with it). nullopt when there is none.
std::optional<std::string> find_executable(std::string_view name, std::string_view search_path);

// This process's PATH, or the execvp default "/bin:/usr/bin" when it is unset.
std::string process_search_path();

}  // namespace rollguard
