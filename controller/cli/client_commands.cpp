// The client side of `rollguard serve`: apply, get, status, history and the operator actions,
// against --server URL (env ROLLGUARD_SERVER, default http://127.0.0.1:8470) with the token of
// env ROLLGUARD_TOKEN. Exit codes are those of `run` (commands.hpp); a controller that cannot
// be reached is 4, a refused request (400/401/403/404/409/422) is 2.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "controller/cli/client_http.hpp"
#include "controller/cli/client_view.hpp"
#include "controller/cli/commands.hpp"
#include "controller/service/api_options.hpp"
#include "manifests/duration.hpp"
#include "manifests/rollout_parser.hpp"

namespace rollguard::cli {
namespace {

struct ClientFlags {
  std::string server;
  std::string token;
  std::string ca_file;
  std::string output = "text";
};

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : std::move(fallback);
}

void add_client_flags(CLI::App* cmd, ClientFlags& flags) {
  cmd->add_option("--server", flags.server,
                  "Controller URL (env ROLLGUARD_SERVER, default http://127.0.0.1:" +
                      std::to_string(kDefaultApiPort) + ")");
  cmd->add_option("--token", flags.token, "Bearer token (env ROLLGUARD_TOKEN)");
  cmd->add_option("--ca-cert", flags.ca_file,
                  "CA certificate (PEM) for an https server (env ROLLGUARD_CA_CERT)");
  cmd->add_option("-o,--output", flags.output, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

ClientOptions client_options(const ClientFlags& flags) {
  ClientOptions o;
  o.server = flags.server.empty()
                 ? env_or("ROLLGUARD_SERVER", "http://127.0.0.1:" + std::to_string(kDefaultApiPort))
                 : flags.server;
  o.token = flags.token.empty() ? env_or("ROLLGUARD_TOKEN", "") : flags.token;
  o.ca_file = flags.ca_file.empty() ? env_or("ROLLGUARD_CA_CERT", "") : flags.ca_file;
  return o;
}

// Runs one command body with the error handling every client command shares.
template <class F>
int guarded(const ClientFlags& flags, F&& body) {
  try {
    ApiClient client(client_options(flags));
    ClientView view(std::cout, std::cerr, flags.output == "json");
    return body(client, view);
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n";
    return kUsage;
  } catch (const ClientUnreachable& e) {
    std::cerr << "cannot reach the controller: " << e.what() << "\n";
    return kFailed;
  }
}

std::optional<Duration> parse_timeout(const std::string& text, bool& bad) {
  bad = false;
  if (text.empty()) return std::nullopt;
  auto d = parse_duration(text);
  if (!d) {
    std::cerr << "--timeout: expected a duration like \"10m\", got \"" << text << "\"\n";
    bad = true;
  }
  return d;
}

struct ApplyFlags : ClientFlags {
  std::string file;
  bool wait = false;
  std::string timeout;
  bool success_on_pause = false;
};

int apply(const ApplyFlags& flags) {
  Parsed<RolloutSpec> parsed = load_rollout_file(flags.file);
  if (!parsed.ok()) {
    for (const Diagnostic& d : parsed.diagnostics) std::cerr << d.to_string() << "\n";
    return kUsage;
  }
  bool bad = false;
  const auto timeout = parse_timeout(flags.timeout, bad);
  if (bad) return kUsage;
  const std::string name = parsed.value->metadata.name;
  const bool json = flags.file.ends_with(".json");
  std::string text;
  if (!read_text_file(flags.file, text)) {
    std::cerr << flags.file << ": cannot read the file\n";
    return kUsage;
  }
  return guarded(flags, [&](ApiClient& client, ClientView& view) -> int {
    ClientResponse r = client.request("PUT", "/v1/rollouts/" + name, text,
                                      json ? "application/json" : "application/yaml");
    if (r.status != 200 && r.status != 201) return view.refused(r, flags.file);
    const int revision = view.applied(r);
    if (!flags.wait && !flags.success_on_pause) return kSucceeded;
    return follow(client, view, name, revision, timeout, flags.success_on_pause);
  });
}

struct NameFlags : ClientFlags {
  std::string name;
  bool watch = false;
  bool full = false;
  std::string timeout;
  bool success_on_pause = false;
};

int get(const NameFlags& flags) {
  return guarded(flags, [&](ApiClient& client, ClientView& view) -> int {
    ClientResponse r =
        client.request("GET", flags.name.empty() ? "/v1/rollouts" : "/v1/rollouts/" + flags.name);
    if (r.status != 200) return view.refused(r, {});
    flags.name.empty() ? view.list(r) : view.status(r);
    return kSucceeded;
  });
}

int status(const NameFlags& flags) {
  bool bad = false;
  const auto timeout = parse_timeout(flags.timeout, bad);
  if (bad) return kUsage;
  return guarded(flags, [&](ApiClient& client, ClientView& view) -> int {
    ClientResponse r = client.request("GET", "/v1/rollouts/" + flags.name);
    if (r.status != 200) return view.refused(r, {});
    if (!flags.watch && !flags.success_on_pause) {
      view.status(r);
      return kSucceeded;
    }
    return follow(client, view, flags.name, view.revision_of(r), timeout, flags.success_on_pause);
  });
}

int history(const NameFlags& flags) {
  return guarded(flags, [&](ApiClient& client, ClientView& view) -> int {
    ClientResponse r = client.request("GET", "/v1/rollouts/" + flags.name + "/events");
    if (r.status != 200) return view.refused(r, {});
    view.history(flags.name, r);
    return kSucceeded;
  });
}

int act(const std::string& verb, const NameFlags& flags) {
  return guarded(flags, [&](ApiClient& client, ClientView& view) -> int {
    ClientResponse r =
        client.request(verb == "delete" ? "DELETE" : "POST",
                       "/v1/rollouts/" + flags.name + (verb == "delete" ? "" : "/" + verb) +
                           (flags.full ? "?full=true" : ""));
    if (r.status != 200) return view.refused(r, {});
    view.acted(verb, flags.name, r);
    return kSucceeded;
  });
}

// The codes of a command that asks the controller once (get, history, the actions).
std::vector<CodeUse> request_codes(std::string_view done) {
  return {{kSucceeded, done},
          {kUsage, "usage error, or the controller refused the request (400/401/403/404/409)"},
          {kFailed, "the controller could not be reached, or failed (5xx)"}};
}

// With --wait/--watch, the codes of run; without, those of one request.
std::vector<CodeUse> following_codes(std::string_view done) {
  std::vector<CodeUse> codes = rollout_codes();
  codes[0].meaning = done;
  return codes;
}

CLI::App* name_command(CLI::App& app, const std::string& name, const std::string& help,
                       std::shared_ptr<NameFlags> flags, bool required = true) {
  CLI::App* cmd = app.add_subcommand(name, help);
  auto* option = cmd->add_option("NAME", flags->name, "Rollout name");
  if (required) option->required();
  add_client_flags(cmd, *flags);
  return cmd;
}

}  // namespace

void add_client_commands(CLI::App& app, int& exit_code) {
  auto apply_flags = std::make_shared<ApplyFlags>();
  CLI::App* cmd = app.add_subcommand("apply", "Send a rollout manifest to a controller");
  cmd->add_option("FILE", apply_flags->file, "Rollout manifest (YAML or JSON)")->required();
  cmd->add_flag("--wait", apply_flags->wait, "Follow the rollout to its end; exit like run");
  cmd->add_option("--timeout", apply_flags->timeout, "Stop waiting after this long: exit 3");
  cmd->add_flag("--success-on-pause", apply_flags->success_on_pause,
                "With --wait: also stop at a pause step, exit 0; the rollout stays paused on the "
                "server until `rollguard promote`");
  add_client_flags(cmd, *apply_flags);
  cmd->footer(help_footer(
      {"rollguard apply rollout.yaml --server https://rollguard.example:8470  # and return",
       "rollguard apply rollout.yaml --wait --timeout 30m    # follow it; exit like run",
       "rollguard apply rollout.yaml --wait --success-on-pause && rollguard promote checkout"},
      following_codes("applied (without --wait); Succeeded, or at a pause step with "
                      "--success-on-pause")));
  cmd->callback([apply_flags, &exit_code] { exit_code = apply(*apply_flags); });

  auto get_flags = std::make_shared<NameFlags>();
  cmd = name_command(app, "get", "List rollouts, or show one", get_flags, false);
  cmd->footer(help_footer({"rollguard get                  # every rollout, one line each",
                           "rollguard get checkout         # one rollout: step, traffic, analyses",
                           "rollguard get checkout -o json # the API's status object"},
                          request_codes("shown")));
  cmd->callback([get_flags, &exit_code] { exit_code = get(*get_flags); });

  auto status_flags = std::make_shared<NameFlags>();
  cmd = name_command(app, "status", "Show a rollout's status", status_flags);
  cmd->add_flag("--watch", status_flags->watch, "Follow it to its end; exit like run");
  cmd->add_option("--timeout", status_flags->timeout, "Stop watching after this long: exit 3");
  cmd->add_flag("--success-on-pause", status_flags->success_on_pause,
                "With --watch: also stop at a pause step, exit 0 (the rollout stays paused)");
  cmd->footer(help_footer({"rollguard status checkout                        # once",
                           "rollguard status checkout --watch --timeout 10m  # exit like run"},
                          following_codes("shown (without --watch); Succeeded, or at a pause "
                                          "step with --success-on-pause")));
  cmd->callback([status_flags, &exit_code] { exit_code = status(*status_flags); });

  auto history_flags = std::make_shared<NameFlags>();
  cmd = name_command(app, "history", "Show a rollout's events", history_flags);
  cmd->footer(help_footer({"rollguard history checkout            # one timestamped line each",
                           "rollguard history checkout -o json    # one event object per line"},
                          request_codes("shown")));
  cmd->callback([history_flags, &exit_code] { exit_code = history(*history_flags); });

  for (const char* verb : {"promote", "abort", "pause", "resume", "retry", "undo", "delete"}) {
    auto flags = std::make_shared<NameFlags>();
    const std::string help =
        std::string(verb) == "delete"
            ? "Stop managing a rollout: an active change is rolled back first, then the "
              "instances rollguard started (process target) and its built-in router are "
              "stopped; static or command targets and external routers are left serving the "
              "known-good version. The history stays."
            : std::string("Operator action: ") + verb;
    cmd = name_command(app, verb, help, flags);
    const std::string v = verb;
    if (v == "promote")
      cmd->add_flag("--full", flags->full, "Skip the remaining steps: straight to 100%");
    std::vector<std::string> examples{"rollguard " + v + " checkout"};
    if (v == "promote")
      examples.push_back("rollguard promote checkout --full   # straight to 100%");
    examples.push_back("rollguard " + v + " checkout --server https://rollguard.example:8470 " +
                       "--token \"$ROLLGUARD_TOKEN\"");
    cmd->footer(help_footer(examples, request_codes(v == "delete" ? "removed" : "accepted")));
    cmd->callback([verb, flags, &exit_code] { exit_code = act(verb, *flags); });
  }
}

}  // namespace rollguard::cli
