// `rollguard run FILE [--wait] [--timeout D] [--success-on-pause] [-o json]`: drives one
// rollout in this process, end to end, and exits like the spec says (exit_codes.hpp; 3 after
// restoring the known-good traffic). `--wait` is what run always does.
// Ctrl-C aborts: the known-good version gets all traffic back before the process exits.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include "controller/cli/command_requirements.hpp"
#include "controller/cli/commands.hpp"
#include "controller/cli/event_printer.hpp"
#include "controller/cli/live_view.hpp"
#include "controller/runtime/live_rollout.hpp"
#include "controller/service/webhook_sender.hpp"
#include "manifests/duration.hpp"
#include "manifests/rollout_parser.hpp"
#include "strategies/program.hpp"

namespace rollguard::cli {
namespace {

std::atomic<int> g_signal{0};  // the SIGINT or SIGTERM that asked us to stop

struct RunOptions {
  std::string file;
  bool wait = true;
  std::string timeout;
  bool success_on_pause = false;
  std::string output = "text";
};

std::string success_on_pause_note(const RolloutState& s) {
  return "--success-on-pause: " + s.canaryVersion + " reached a pause step; `run` leaves " +
         "nothing running once it exits, so " + s.stableVersion + " gets all traffic back and " +
         s.canaryVersion +
         " is stopped (for a paused rollout that waits for `rollguard promote`, use `serve` " +
         "and `apply --wait --success-on-pause`)";
}

int run(const RunOptions& options) {
  Parsed<RolloutSpec> parsed = load_rollout_file(options.file);
  if (!parsed.ok()) {
    for (const Diagnostic& d : parsed.diagnostics) std::cerr << d.to_string() << "\n";
    return kUsage;
  }
  const RolloutSpec& spec = *parsed.value;
  if (auto refusal = run_refusal(spec)) {
    std::cerr << options.file << ": " << *refusal << "\n";
    return kUsage;
  }
  std::optional<Duration> timeout;
  if (!options.timeout.empty() && !(timeout = parse_duration(options.timeout))) {
    std::cerr << "--timeout: expected a duration like \"10m\", got \"" << options.timeout << "\"\n";
    return kUsage;
  }

  EventPrinter printer(
      std::cout, options.output == "json" ? EventPrinter::Mode::Json : EventPrinter::Mode::Plain);
  // A person at a terminal gets the live view; pipes, CI and -o json get lines.
  const char* ci = std::getenv("CI");
  const bool live_view = options.output == "text" && ::isatty(STDOUT_FILENO) &&
                         !(ci && std::string_view(ci) == "true");
  std::mutex view_mutex;
  TerminalView view(std::cout);
  const std::string name = spec.metadata.name;
  RolloutState last;  // the state of the latest event, for the webhooks' lines
  auto show = [&](const Event& e, const RolloutState* s) {
    std::lock_guard lock(view_mutex);
    if (s) last = *s;
    if (live_view) return view.event(e);
    printer.event(name, e, last);
  };
  WebhookSender webhooks({},
                         [&](const std::string&, int, const Event& note) { show(note, nullptr); });
  std::int64_t seq = 0;
  const SharedSpec shared_spec = std::make_shared<const RolloutSpec>(spec);  // one for every event
  LiveRollout live(spec, [&](const Event& e, const RolloutState& s) {
    show(e, &s);
    webhooks.notify(StoredEvent{name, 1, ++seq, e},
                    RolloutStatus{name, 1, shared_spec, s, 0, {}, e.at, {}, {}});
  });
  const std::size_t steps = compile_program(spec).steps.size();
  const auto started_at = std::chrono::steady_clock::now();
  auto snapshot = [&](const RolloutState& state) {
    return ViewSnapshot{
        name,
        state,
        live.plan().label,
        steps,
        live.analyses(),
        {},
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started_at)};
  };
  std::signal(SIGINT, [](int) { g_signal = SIGINT; });
  std::signal(SIGTERM, [](int) { g_signal = SIGTERM; });
  if (auto error = live.start(*spec.stable)) {
    std::cerr << name << ": " << *error << "\n";
    return kFailed;
  }

  const auto started = std::chrono::steady_clock::now();
  bool aborted = false, timed_out = false, reached_pause = false;
  RolloutState state;
  for (int tick = 0;; ++tick, std::this_thread::sleep_for(50ms)) {
    state = live.state();
    if (live_view && tick % 4 == 0) {
      // The snapshot asks the rollout's strand (analyses), whose event callback takes
      // view_mutex: taken under the lock, the two would wait for each other.
      const auto frame = snapshot(state);
      std::lock_guard lock(view_mutex);
      view.draw(frame);
    }
    if (is_terminal(state.phase) && live.settled()) break;
    if (options.success_on_pause && reached_step_pause(state) && !aborted) {
      // Nothing this process runs outlives it, so there is nothing to promote later: the
      // pause counts as the pipeline's success, and the known-good version gets its
      // traffic back before the process exits, as on a timeout.
      show(
          Event{std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()),
                EventKind::Note, state.phase, step_number(state), success_on_pause_note(state), ""},
          nullptr);
      live.command(OperatorCommand{Action::Abort, false, "--success-on-pause"});
      aborted = reached_pause = true;
    }
    timed_out = timed_out || (timeout && std::chrono::steady_clock::now() - started > *timeout);
    if ((g_signal || timed_out) && !aborted && !is_terminal(state.phase)) {
      // This process owns the instances: before it goes, the known-good version serves.
      const char* actor = g_signal == SIGINT ? "ctrl-c" : g_signal ? "SIGTERM" : "timeout";
      live.command(OperatorCommand{Action::Abort, false, actor});
      aborted = true;
    }
  }
  const int code = reached_pause ? (state.phase == Phase::Failed ? kFailed : kSucceeded)
                   : timed_out && state.phase != Phase::Failed ? kTimedOut
                                                               : exit_code_for(state.phase);
  if (live_view) {
    const auto frame = snapshot(state);  // outside the lock, as above
    std::lock_guard lock(view_mutex);
    view.finish(frame, code);
  }
  live.shutdown();
  if (!webhooks.drain())
    std::cerr << name << ": webhooks: " << webhooks.stats().pending
              << " not delivered before exit\n";
  if (!live_view) printer.summary(name, state, code);
  return code;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Drive one rollout in this process, end to end");
  cmd->add_option("FILE", options->file, "Rollout manifest (YAML or JSON)")->required();
  cmd->add_flag("--wait", options->wait,
                "Wait for the rollout's end and exit with its code: run always waits (the flag "
                "is accepted so that run and apply --wait take the same flags)");
  cmd->add_option("--timeout", options->timeout,
                  "Give up after this long (restoring the known-good traffic): exit 3");
  cmd->add_flag("--success-on-pause", options->success_on_pause,
                "At a pause step, give the known-good version all traffic back and exit 0 "
                "(run keeps nothing running once it exits; to leave the rollout paused for a "
                "later promote, use serve and apply --wait --success-on-pause)");
  cmd->add_option("-o,--output", options->output, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->footer(help_footer(
      {"rollguard run rollout.yaml                        # live view on a terminal",
       "rollguard run rollout.yaml --timeout 30m -o json  # a pipeline step: NDJSON, exit code",
       "rollguard run rollout.yaml --success-on-pause     # exit 0 at a pause step"},
      rollout_codes()));
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace rollguard::cli
