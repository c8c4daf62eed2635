#pragma once
// {{name}} templates in an argv, substituted per argument and never through a shell: a value
// with spaces or quotes stays inside its one argument. Unknown names are left as written
// (the manifest validator reports them before anything runs).
#include <map>
#include <string>
#include <string_view>

#include "manifests/rollout_spec.hpp"

namespace rollguard {

std::string render_template(std::string_view text, const std::map<std::string, std::string>& vars);

Argv render_argv(const Argv& argv, const std::map<std::string, std::string>& vars);

}  // namespace rollguard
