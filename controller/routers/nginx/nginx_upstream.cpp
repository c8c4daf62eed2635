#include "controller/routers/nginx/nginx_upstream.hpp"

#include <filesystem>

#include "controller/routers/route_weights.hpp"
#include "health/net/endpoint.hpp"
#include "manifests/vocabulary.hpp"

namespace rollguard {

namespace {

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  return true;
}

// nginx reads `server` addresses as host:port; a manifest's endpoint is already that shape
// ("[::1]:8080" for IPv6), but it must not smuggle a `;` or a space into the file.
bool valid_endpoint(const std::string& endpoint) {
  if (!parse_endpoint(endpoint)) return false;
  for (char c : endpoint)
    if (c == ';' || c == '{' || c == '}' || c == '#' || std::isspace(static_cast<unsigned char>(c)))
      return false;
  return true;
}

}  // namespace

std::string nginx_upstream_name(const std::string& upstream_file) {
  std::string name = std::filesystem::path(upstream_file).filename().string();
  name = name.substr(0, name.find('.'));
  return valid_name(name) ? name : "";
}

NginxUpstreamText render_nginx_upstream(const std::string& name, const RouteTable& table) {
  NginxUpstreamText out;
  RoleCounts counts;
  for (Role r : kRoles) {
    counts[r] = static_cast<int>(table.endpoints(r).size());
    if (table.split[r] > 0 && counts[r] == 0) {
      out.error = "no " + std::string(to_string(r)) + " endpoints for its " +
                  percent_text(table.split[r]) + "% of traffic";
      return out;
    }
    for (const auto& endpoint : table.endpoints(r))
      if (!valid_endpoint(endpoint)) {
        out.error = "endpoint \"" + endpoint + "\" is not host:port";
        return out;
      }
  }
  if (table.preview && counts.canary == 0) {
    out.error = "preview asked for, but there are no canary endpoints";
    return out;
  }
  const RoleWeights weights = integer_weights(table.split, counts, kNginxMaxWeight);
  std::string& text = out.text;
  text = "# Written by rollguard on every traffic change; edits here are overwritten.\n";
  text += "# split: stable " + percent_text(table.split.stable) + "%, canary " +
          percent_text(table.split.canary) + "%, baseline " + percent_text(table.split.baseline) +
          "%; preview " + (table.preview ? "on" : "off") + "\n";
  text += "upstream " + name + " {\n";
  for (Role r : kRoles)
    for (const auto& endpoint : table.endpoints(r)) {
      text += "    server " + endpoint;
      text += weights[r] > 0 ? " weight=" + std::to_string(weights[r]) : " down";
      text += ";  # " + std::string(to_string(r)) + "\n";
    }
  text += "}\n";
  // With preview on, requests an operator's map sends here reach the canary only; with it off
  // they follow the split like everyone else.
  text += "upstream " + name + "_preview {\n";
  for (Role r : kRoles) {
    const bool serves = table.preview ? r == Role::Canary : weights[r] > 0;
    for (const auto& endpoint : table.endpoints(r)) {
      text += "    server " + endpoint;
      text += serves ? (table.preview ? "" : " weight=" + std::to_string(weights[r])) : " down";
      text += ";  # " + std::string(to_string(r)) + "\n";
    }
  }
  text += "}\n";
  return out;
}

std::optional<Argv> nginx_test_argv(const Argv& reload) {
  for (std::size_t i = 0; i + 1 < reload.size(); ++i)
    if (reload[i] == "-s" && reload[i + 1] == "reload") {
      Argv test(reload.begin(), reload.begin() + static_cast<std::ptrdiff_t>(i));
      test.push_back("-t");
      test.insert(test.end(), reload.begin() + static_cast<std::ptrdiff_t>(i) + 2, reload.end());
      return test;
    }
  return std::nullopt;
}

}  // namespace rollguard
