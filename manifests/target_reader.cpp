// Reads spec.target (where versions run) and spec.traffic (how requests are split), and the
// small address checks they share with the rest of the manifest.
#include <cctype>

#include "manifests/rollout_reader.hpp"

namespace rollguard {
namespace {

bool is_port(std::string_view text, bool allow_zero) {
  if (text.empty() || text.size() > 5) return false;
  int port = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    port = port * 10 + (c - '0');
  }
  return port <= 65535 && (allow_zero || port > 0);
}

void read_endpoints(const Cursor& at, Endpoints& out, bool required_nonempty) {
  if (!read_string_list(at, out, !required_nonempty)) return;
  for (std::size_t i = 0; i < out.size(); ++i) check_host_port(at.item(i), out[i], false);
}

// Reads stable, canary and baseline lists; stable and canary are required, and baseline too
// when the canary strategy runs one.
template <class Read>
void read_per_role(const MapReader& map, const RolloutContext& context, Read&& read,
                   std::vector<std::string>& stable, std::vector<std::string>& canary,
                   std::vector<std::string>& baseline) {
  read(map.required("stable"), stable);
  read(map.required("canary"), canary);
  if (map.has("baseline"))
    read(map["baseline"], baseline);
  else if (context.baseline_runs && map.is_map())
    map.cursor().error("missing key \"baseline\": spec.strategy.canary.baseline is true",
                       "list where the baseline runs, or set baseline: false");
}

ProcessTarget read_process(const Cursor& at) {
  MapReader process(at, "ProcessTarget");
  ProcessTarget out;
  read_argv(process.required("command"), out.command, argv_templates());
  read_int(process["instances"], out.instances, 1, 1000);
  read_string_map(process["env"], out.env);
  const Cursor range = process["portRange"];
  if (range.present()) {
    if (!range.json().is_array() || range.json().size() != 2) {
      range.error("expected [first, last] ports like [20000, 20999], got " + range.describe());
    } else {
      int first = 0, last = 0;
      // Both read, so that both ends' errors are reported.
      const bool first_ok = read_int(range.item(0), first, 1, 65535);
      const bool last_ok = read_int(range.item(1), last, 1, 65535);
      const bool ok = first_ok && last_ok;
      if (ok && first > last)
        range.error("the first port " + std::to_string(first) + " is above the last " +
                    std::to_string(last));
      else if (ok) {
        out.portFirst = first;
        out.portLast = last;
      }
    }
  }
  MapReader readiness(process["readiness"], "Readiness");
  if (readiness.has("http")) {
    HttpCheck http;
    read_http_check(readiness["http"], http);
    out.readiness.http = http;
  }
  read_duration(readiness["timeout"], out.readiness.timeout, true);
  return out;
}

StaticTarget read_static(const Cursor& at, const RolloutContext& context) {
  MapReader s(at, "RoleEndpoints");
  StaticTarget out;
  read_per_role(
      s, context, [](const Cursor& c, Endpoints& e) { read_endpoints(c, e, true); }, out.stable,
      out.canary, out.baseline);
  return out;
}

CommandTarget read_command(const Cursor& at, const RolloutContext& context) {
  MapReader command(at, "CommandTarget");
  CommandTarget out;
  read_argv(command.required("deploy"), out.deploy, argv_templates());
  read_argv(command["ready"], out.ready, argv_templates());
  read_argv(command["teardown"], out.teardown, argv_templates());
  read_duration(command["timeout"], out.timeout, true);
  if (command.has("endpoints")) {
    MapReader endpoints(command["endpoints"], "RoleEndpoints");
    read_per_role(
        endpoints, context, [](const Cursor& c, Endpoints& e) { read_endpoints(c, e, true); },
        out.stable, out.canary, out.baseline);
  }
  return out;
}

HaproxyRouter read_haproxy(const Cursor& at, const RolloutContext& context) {
  MapReader h(at, "HaproxyRouter");
  HaproxyRouter out;
  const Cursor api = h.required("runtimeApi");
  if (read_string(api, out.runtimeApi) && !out.runtimeApi.starts_with("unix:"))
    check_host_port(api, out.runtimeApi, false);
  if (out.runtimeApi == "unix:") api.error("expected a socket path after \"unix:\"");
  read_string(h.required("backend"), out.backend);
  MapReader servers(h.required("servers"), "HaproxyServers");
  read_per_role(
      servers, context, [](const Cursor& c, auto& names) { read_string_list(c, names, false); },
      out.stable, out.canary, out.baseline);
  return out;
}

NginxRouter read_nginx(const Cursor& at) {
  MapReader n(at, "NginxRouter");
  NginxRouter out;
  read_string(n.required("upstreamFile"), out.upstreamFile);
  read_argv(n["reload"], out.reload, argv_templates());
  return out;
}

// The command router fills in every role's share and the preview flag besides {{weight}}
// (controller/routers/command/command_router_driver.hpp).
const std::vector<std::string>& set_weight_templates() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = argv_templates();
    for (const char* extra : {"canary", "stable", "baseline", "preview"}) out.push_back(extra);
    return out;
  }();
  return names;
}

CommandRouter read_command_router(const Cursor& at) {
  MapReader c(at, "CommandRouter");
  CommandRouter out;
  const Cursor argv = c.required("setWeight");
  if (read_argv(argv, out.setWeight, set_weight_templates())) {
    bool uses_weight = false;
    for (const std::string& arg : out.setWeight)
      if (arg.find("{{weight}}") != std::string::npos) uses_weight = true;
    if (!uses_weight)
      argv.error("the setWeight command never receives the weight",
                 "pass \"{{weight}}\" as one of its arguments");
  }
  return out;
}

}  // namespace

void read_target(const Cursor& at, TargetSpec& out, const RolloutContext& context) {
  MapReader target(at, "Target");
  const std::string kind = target.one_of();
  if (kind == "process") out = read_process(target["process"]);
  if (kind == "static") out = read_static(target["static"], context);
  if (kind == "command") out = read_command(target["command"], context);
}

void read_traffic(const Cursor& at, TrafficSpec& out, const RolloutContext& context) {
  MapReader traffic(at, "Traffic");
  const std::string kind = traffic.one_of();
  if (kind == "builtin") {
    MapReader b(traffic["builtin"], "BuiltinRouter");
    BuiltinRouter router;
    const Cursor admin = b["admin"];
    if (read_string(admin, router.admin)) check_host_port(admin, router.admin, false);
    const Cursor listen = b["listen"];
    // A standalone router listens where it was started: "any free port" means nothing there.
    if (read_string(listen, router.listen))
      check_host_port(listen, router.listen, router.admin.empty());
    out.router = router;
  }
  if (kind == "haproxy") out.router = read_haproxy(traffic["haproxy"], context);
  if (kind == "nginx") out.router = read_nginx(traffic["nginx"]);
  if (kind == "command") out.router = read_command_router(traffic["command"]);
  if (kind == "none") {
    MapReader none(traffic["none"], "NoRouter");
    out.router = NoRouter{};
  }
  const Cursor header = traffic["previewHeader"];
  if (read_string(header, out.previewHeader)) {
    for (char c : out.previewHeader) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        header.error("invalid header name \"" + out.previewHeader +
                     "\": use letters, digits and dashes");
        break;
      }
    }
  }
}

void read_http_check(const Cursor& at, HttpCheck& out) {
  MapReader http(at, "HttpCheck");
  const Cursor path = http["path"];
  if (read_string(path, out.path) && !out.path.starts_with("/"))
    path.error("expected a path starting with \"/\", got \"" + out.path + "\"");
  const Cursor method = http["method"];
  if (read_string(method, out.method)) check_method(method, out.method);
  const Cursor statuses = http["expectStatus"];
  if (statuses.present()) {
    std::vector<int> codes;
    if (statuses.json().is_array() && statuses.json().empty()) {
      statuses.error("must list at least one status code");
    } else if (read_list(statuses, codes,
                         [](const Cursor& c, int& code) { read_int(c, code, 100, 599); })) {
      out.expectStatus = codes;
    }
  }
  read_string_map(http["headers"], out.headers);
  read_string(http["bodyContains"], out.bodyContains, true);
}

bool check_host_port(const Cursor& at, const std::string& text, bool allow_port_zero) {
  std::string_view host, port;
  const std::size_t colon = text.rfind(':');
  if (text.starts_with("[")) {
    const std::size_t close = text.find(']');
    if (close != std::string::npos && close + 1 == colon) {
      host = std::string_view(text).substr(1, close - 1);
      port = std::string_view(text).substr(colon + 1);
    }
  } else if (colon != std::string::npos && text.find(':') == colon) {
    host = std::string_view(text).substr(0, colon);
    port = std::string_view(text).substr(colon + 1);
  }
  if (!host.empty() && is_port(port, allow_port_zero)) return true;
  at.error("expected \"host:port\" like \"127.0.0.1:8080\", got \"" + text + "\"",
           is_port(port, true) && !allow_port_zero ? "the port must be between 1 and 65535"
                                                   : std::string{});
  return false;
}

bool check_url(const Cursor& at, const std::string& text) {
  for (std::string_view scheme : {"http://", "https://"})
    if (text.starts_with(scheme) && text.size() > scheme.size()) return true;
  at.error("expected an http:// or https:// URL, got \"" + text + "\"");
  return false;
}

bool check_method(const Cursor& at, const std::string& text) {
  bool ok = !text.empty();
  for (char c : text)
    if (!(c >= 'A' && c <= 'Z')) ok = false;
  if (ok) return true;
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  at.error("invalid HTTP method \"" + text + "\": expected an uppercase method like GET or POST",
           upper != text ? "did you mean \"" + upper + "\"?" : std::string{});
  return false;
}

void require_baseline(const Cursor& at, const RolloutContext& context, const std::string& what,
                      const std::string& hint) {
  if (context.baseline_runs) return;
  at.error(what + ", but no baseline runs (spec.strategy.canary.baseline is not true)", hint);
}

}  // namespace rollguard
