#pragma once
// The upstream file the nginx router owns: one `upstream <name>` block with every endpoint of
// the route table and integer weights for the split, and an `upstream <name>_preview` block
// that an operator's `map` on the preview header can select (docs/routers.md). Pure, so that
// the text can be tested apart from nginx.
//
// nginx weights are integers >= 1, so a role at 0% is written with `down` (it stays listed,
// which keeps the file readable as the whole route table). The weights come from
// integer_weights with at most kNginxMaxWeight per server (0.1-point resolution).
#include <optional>
#include <string>

#include "controller/ports/router_driver.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

inline constexpr int kNginxMaxWeight = 1000;

// The upstream name is the file name up to its first dot:
// /etc/nginx/conf.d/checkout.upstream.conf -> "checkout". Empty when that is not a valid
// nginx name (letters, digits, '_' and '-').
std::string nginx_upstream_name(const std::string& upstream_file);

struct NginxUpstreamText {
  std::string text;
  std::string error;  // non-empty: a role with traffic has no endpoints, or a bad endpoint
};

NginxUpstreamText render_nginx_upstream(const std::string& name, const RouteTable& table);

// The config test matching a reload command: `-s reload` replaced by `-t`, every other
// argument (binary, -p, -c, -g) kept, so it checks the very files the reload will load.
// nullopt when the reload command is not nginx's `-s reload` (a systemctl unit, a script).
std::optional<Argv> nginx_test_argv(const Argv& reload);

}  // namespace rollguard
