#include "controller/targets/process/process_target_driver.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>

#include "controller/os/command_path.hpp"
#include "controller/targets/process/port_allocator.hpp"
#include "health/process/argv_template.hpp"

namespace rollguard {

namespace net = boost::asio;
using Instance = std::shared_ptr<ProcessInstance>;

namespace {

// A role's instances: `current` run the requested version; `retiring` run an older one and
// keep serving until every current instance is ready (start new, then stop old).
struct RoleInstances {
  std::string version;
  int count = 0;
  std::vector<Instance> current, retiring;
  int reported_ready = 0;
  std::vector<std::string> reported_endpoints;
};

void stop_all(std::vector<Instance>& from, std::vector<Instance>& to) {
  for (auto& instance : from) {
    instance->stop();
    to.push_back(std::move(instance));
  }
  from.clear();
}

bool remove_instance(std::vector<Instance>& list, const ProcessInstance* instance) {
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const Instance& i) { return i.get() == instance; });
  if (it == list.end()) return false;
  list.erase(it);
  return true;
}

}  // namespace

// Everything below runs on `strand`.
struct ProcessTargetDriver::Core : std::enable_shared_from_this<Core> {
  Core(ProcessTarget s, std::string n, net::any_io_executor executor, InstanceTiming t)
      : strand(net::make_strand(executor)),
        spec(std::move(s)),
        name(std::move(n)),
        timing(t),
        prober(std::make_shared<NetworkProber>(executor)),
        ports(spec.portFirst, spec.portLast) {}

  RoleInstances& role_state(Role role) { return roles[static_cast<std::size_t>(role)]; }

  void scale(Role role, const std::string& version, int count) {
    if (shutting_down) return;
    count = std::max(count, 0);
    RoleInstances& rs = role_state(role);
    if (count == 0) {
      stop_all(rs.current, leaving);
      stop_all(rs.retiring, leaving);
      rs.version.clear();
      rs.count = 0;
    } else if (version != rs.version) {
      for (auto& instance : rs.current) rs.retiring.push_back(std::move(instance));
      rs.current.clear();
      rs.version = version;
      rs.count = count;
      for (int i = 0; i < count; ++i) start_instance(role, i);
    } else if (count != rs.count) {
      rs.count = count;
      std::erase_if(rs.current, [&](const Instance& instance) {
        if (instance->launch().index < count) return false;
        instance->stop();
        leaving.push_back(instance);
        return true;
      });
      for (int i = 0; i < count; ++i)
        if (std::none_of(rs.current.begin(), rs.current.end(),
                         [&](const Instance& c) { return c->launch().index == i; }))
          start_instance(role, i);
    }
    retire_if_replaced(rs);
    report(role);
  }

  void start_instance(Role role, int index) {
    const RoleInstances& rs = role_state(role);
    const auto port = ports.acquire();
    const std::string what = "instance " + std::to_string(index) + " of " +
                             std::string(to_string(role)) + " " + rs.version;
    if (!port) {
      report(role, "no free port in " + std::to_string(ports.first()) + "-" +
                       std::to_string(ports.last()) + " for " + what);
      return;
    }
    InstanceLaunch launch;
    launch.role = role;
    launch.version = rs.version;
    launch.index = index;
    launch.port = *port;
    launch.http = spec.readiness.http;
    launch.readiness_timeout = spec.readiness.timeout;
    const StringMap vars{{"name", name},
                         {"version", rs.version},
                         {"role", std::string(to_string(role))},
                         {"port", std::to_string(*port)},
                         {"instance", std::to_string(index)}};
    launch.process.argv = render_argv(spec.command, vars);
    if (!launch.process.argv.empty())
      launch.process.argv[0] = resolve_command(launch.process.argv[0]);
    for (const auto& [key, value] : spec.env)
      launch.process.env[key] = render_template(value, vars);
    launch.process.env["ROLLGUARD_ROLE"] = vars.at("role");
    launch.process.env["ROLLGUARD_VERSION"] = rs.version;
    launch.process.env["ROLLGUARD_PORT"] = vars.at("port");
    launch.process.env["ROLLGUARD_INSTANCE"] = vars.at("instance");
    launch.process.die_with_parent = true;
    auto listener = [weak = weak_from_this()](ProcessInstance& instance,
                                              ProcessInstance::Event event,
                                              const std::string& reason) {
      if (auto core = weak.lock()) core->on_instance(instance, event, reason);
    };
    role_state(role).current.push_back(
        ProcessInstance::start(strand, prober, std::move(launch), timing, std::move(listener)));
  }

  void on_instance(ProcessInstance& instance, ProcessInstance::Event event,
                   const std::string& reason) {
    const Role role = instance.launch().role;
    RoleInstances& rs = role_state(role);
    switch (event) {
      case ProcessInstance::Event::Ready:
        retire_if_replaced(rs);
        report(role);
        break;
      case ProcessInstance::Event::Failed:
        // Only the requested version's instances fail the role; an old one dying while it is
        // replaced is already on its way out.
        if (auto keep = instance.shared_from_this(); remove_instance(rs.current, &instance)) {
          leaving.push_back(std::move(keep));
          report(role, reason);
        }
        break;
      case ProcessInstance::Event::Gone:
        ports.release(instance.launch().port);
        if (remove_instance(rs.current, &instance)) report(role);
        remove_instance(rs.retiring, &instance);
        remove_instance(leaving, &instance);
        finish_shutdown_if_done();
        break;
    }
  }

  void retire_if_replaced(RoleInstances& rs) {
    if (rs.retiring.empty() || static_cast<int>(rs.current.size()) < rs.count) return;
    if (std::all_of(rs.current.begin(), rs.current.end(),
                    [](const Instance& i) { return i->ready(); }))
      stop_all(rs.retiring, leaving);
  }

  // Tells the observer when the role's ready set changed, and always when there is a failure.
  void report(Role role, const std::string& failure = {}) {
    RoleInstances& rs = role_state(role);
    std::vector<const ProcessInstance*> ready;
    for (const auto& instance : rs.current)
      if (instance->ready()) ready.push_back(instance.get());
    std::sort(ready.begin(), ready.end(), [](const ProcessInstance* a, const ProcessInstance* b) {
      return a->launch().index < b->launch().index;
    });
    TargetReport out{role, static_cast<int>(ready.size()), {}, failure};
    for (const auto* instance : ready) out.endpoints.push_back(instance->endpoint());
    if (failure.empty() && out.ready == rs.reported_ready && out.endpoints == rs.reported_endpoints)
      return;
    rs.reported_ready = out.ready;
    rs.reported_endpoints = out.endpoints;
    if (observer && !shutting_down) observer(out);
  }

  void shutdown(std::function<void()> done) {
    shutting_down = true;
    shutdown_done = std::move(done);
    for (Role role : kRoles) {
      RoleInstances& rs = role_state(role);
      stop_all(rs.current, leaving);
      stop_all(rs.retiring, leaving);
      rs.count = 0;
      rs.version.clear();
    }
    finish_shutdown_if_done();
  }

  void finish_shutdown_if_done() {
    if (!shutting_down || !leaving.empty() || !shutdown_done) return;
    for (const auto& rs : roles)
      if (!rs.current.empty() || !rs.retiring.empty()) return;
    net::post(strand, std::move(shutdown_done));
    shutdown_done = nullptr;
  }

  std::vector<pid_t> pids(Role role) const {
    std::vector<pid_t> out;
    auto add = [&](const std::vector<Instance>& list) {
      for (const auto& instance : list)
        if (instance->launch().role == role && instance->pid() > 0) out.push_back(instance->pid());
    };
    for (const auto& rs : roles) {
      add(rs.current);
      add(rs.retiring);
    }
    add(leaving);
    return out;
  }

  void kill_all() {
    for (auto& rs : roles) {
      for (auto& instance : rs.current) instance->kill();
      for (auto& instance : rs.retiring) instance->kill();
    }
    for (auto& instance : leaving) instance->kill();
  }

  ProcessInstance::Strand strand;
  const ProcessTarget spec;
  const std::string name;
  const InstanceTiming timing;
  std::shared_ptr<NetworkProber> prober;
  PortAllocator ports;
  std::array<RoleInstances, kRoles.size()> roles;
  std::vector<Instance> leaving;  // stopped or failed, not yet reaped
  std::function<void(const TargetReport&)> observer;
  bool shutting_down = false;
  std::function<void()> shutdown_done;
};

ProcessTargetDriver::ProcessTargetDriver(ProcessTarget spec, std::string name,
                                         net::any_io_executor executor, InstanceTiming timing)
    : core_(std::make_shared<Core>(std::move(spec), std::move(name), executor, timing)) {}

ProcessTargetDriver::~ProcessTargetDriver() {
  // Handlers already posted still hold the core: they must find it closed.
  core_->shutting_down = true;
  core_->observer = nullptr;
  core_->kill_all();
}

void ProcessTargetDriver::scale(Role role, const std::string& version, int count) {
  // Posted, never run inline: an observer may call scale() from inside a report.
  net::post(core_->strand,
            [core = core_, role, version, count] { core->scale(role, version, count); });
}

void ProcessTargetDriver::on_report(std::function<void(const TargetReport&)> observer) {
  net::post(core_->strand, [core = core_, observer = std::move(observer)]() mutable {
    if (!core->shutting_down) core->observer = std::move(observer);
  });
}

void ProcessTargetDriver::shutdown(std::function<void()> done) {
  net::post(core_->strand,
            [core = core_, done = std::move(done)]() mutable { core->shutdown(std::move(done)); });
}

std::vector<pid_t> ProcessTargetDriver::pids(Role role) const {
  return core_->pids(role);
}

}  // namespace rollguard
