#include "controller/targets/command/command_target_driver.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "controller/os/command_path.hpp"
#include "controller/os/exit_reason.hpp"
#include "health/process/argv_template.hpp"
#include "health/process/subprocess.hpp"
#include "manifests/duration.hpp"

namespace rollguard {

namespace net = boost::asio;

namespace {

struct RoleCommands {
  std::string wanted_version;
  int wanted_count = 0;
  std::string deployed;    // the version last deployed (or tried); empty: nothing is
  bool deploy_ok = false;  // its deploy and ready commands succeeded
  int reported = 0;        // ready count last reported
  bool busy = false;       // a command is running
};

constexpr std::size_t kReasonOutput = 300;

}  // namespace

// Runs on `strand`; posted handlers and running commands hold it.
struct CommandTargetDriver::Core : std::enable_shared_from_this<Core> {
  Core(CommandTarget s, std::string n, net::any_io_executor executor)
      : spec(std::move(s)), name(std::move(n)), strand(net::make_strand(executor)) {}

  RoleCommands& role_state(Role role) { return roles[static_cast<std::size_t>(role)]; }

  const Endpoints& endpoints(Role role) const { return endpoints_of(spec, role); }

  void scale(Role role, const std::string& version, int count) {
    RoleCommands& rs = role_state(role);
    rs.wanted_version = version;
    rs.wanted_count = std::max(count, 0);
    reconcile(role);
  }

  // Moves the role one command closer to the latest request; called again when it ends.
  void reconcile(Role role) {
    RoleCommands& rs = role_state(role);
    if (rs.busy || shutting_down) return;
    if (rs.wanted_count == 0) {
      set_ready(role, 0);
      if (rs.deployed.empty()) return;
      const std::string version = std::exchange(rs.deployed, std::string());
      rs.deploy_ok = false;
      if (!spec.teardown.empty()) run(role, "teardown", spec.teardown, version, [](bool) {});
      return;
    }
    if (rs.wanted_version != rs.deployed) {
      set_ready(role, 0);
      rs.deployed = rs.wanted_version;
      rs.deploy_ok = false;
      run(role, "deploy", spec.deploy, rs.deployed, [this, role](bool ok) {
        if (!ok) return;
        if (spec.ready.empty()) {
          role_state(role).deploy_ok = true;
          return;
        }
        run(role, "ready", spec.ready, role_state(role).deployed,
            [this, role](bool ready_ok) { role_state(role).deploy_ok = ready_ok; });
      });
      return;
    }
    if (rs.deploy_ok) set_ready(role, rs.wanted_count);
    // else: the deploy of this version failed and was reported; a new request is needed
  }

  void set_ready(Role role, int count) {
    RoleCommands& rs = role_state(role);
    if (rs.reported == count) return;
    rs.reported = count;
    TargetReport report{role, count, {}, {}};
    if (count > 0) report.endpoints = endpoints(role);
    if (observer) observer(report);
  }

  // Runs one command for `role`; `then(ok)` runs on the strand, after which the role is
  // reconciled again unless `then` started another command.
  void run(Role role, const std::string& what, const Argv& argv, const std::string& version,
           std::function<void(bool)> then) {
    const StringMap vars{
        {"name", name}, {"version", version}, {"role", std::string(to_string(role))}};
    ProcessSpec process;
    process.argv = render_argv(argv, vars);
    if (!process.argv.empty()) process.argv[0] = resolve_command(process.argv[0]);
    process.env = {{"ROLLGUARD_NAME", name},
                   {"ROLLGUARD_ROLE", vars.at("role")},
                   {"ROLLGUARD_VERSION", version}};
    process.die_with_parent = true;
    const std::string label = what + " for " + vars.at("role") + " " + version;
    role_state(role).busy = true;
    run_process(strand, std::move(process), spec.timeout,
                [self = shared_from_this(), role, label, then = std::move(then)](ProcessResult r) {
                  net::dispatch(self->strand, [self, role, label, then, r = std::move(r)] {
                    self->finished(role, label, r, then);
                  });
                });
  }

  void finished(Role role, const std::string& label, const ProcessResult& r,
                const std::function<void(bool)>& then) {
    RoleCommands& rs = role_state(role);
    rs.busy = false;
    if (!r.succeeded()) report_failure(role, failure_reason(label, r));
    if (!shutting_down) then(r.succeeded());
    if (!rs.busy) reconcile(role);
    finish_shutdown_if_done();
  }

  std::string failure_reason(const std::string& label, const ProcessResult& r) const {
    if (!r.started) return label + " could not start: " + r.error;
    if (r.timed_out)
      return label + " timed out after " + format_duration(spec.timeout) +
             output_suffix(r, kReasonOutput);
    const std::string how =
        r.signal != 0 ? describe_exit(r) : "exit " + std::to_string(r.exit_code);
    return label + " failed (" + how + ")" + output_suffix(r, kReasonOutput);
  }

  void report_failure(Role role, const std::string& reason) {
    RoleCommands& rs = role_state(role);
    rs.reported = 0;
    if (observer) observer(TargetReport{role, 0, {}, reason});
  }

  void shutdown(std::function<void()> done) {
    shutting_down = true;
    shutdown_done = std::move(done);
    finish_shutdown_if_done();
  }

  void finish_shutdown_if_done() {
    if (!shutting_down || !shutdown_done) return;
    if (std::any_of(roles.begin(), roles.end(), [](const RoleCommands& rs) { return rs.busy; }))
      return;
    observer = nullptr;
    net::post(strand, std::move(shutdown_done));
    shutdown_done = nullptr;
  }

  const CommandTarget spec;
  const std::string name;
  net::strand<net::any_io_executor> strand;
  std::array<RoleCommands, kRoles.size()> roles;
  std::function<void(const TargetReport&)> observer;
  bool shutting_down = false;
  std::function<void()> shutdown_done;
};

CommandTargetDriver::CommandTargetDriver(CommandTarget spec, std::string name,
                                         net::any_io_executor executor)
    : core_(std::make_shared<Core>(std::move(spec), std::move(name), executor)) {}

void CommandTargetDriver::scale(Role role, const std::string& version, int count) {
  net::post(core_->strand,
            [core = core_, role, version, count] { core->scale(role, version, count); });
}

void CommandTargetDriver::on_report(std::function<void(const TargetReport&)> observer) {
  net::post(core_->strand, [core = core_, observer = std::move(observer)]() mutable {
    if (!core->shutting_down) core->observer = std::move(observer);
  });
}

void CommandTargetDriver::shutdown(std::function<void()> done) {
  net::post(core_->strand,
            [core = core_, done = std::move(done)]() mutable { core->shutdown(std::move(done)); });
}

}  // namespace rollguard
