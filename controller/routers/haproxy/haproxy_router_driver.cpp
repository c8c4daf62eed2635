#include "controller/routers/haproxy/haproxy_router_driver.hpp"

#include <memory>

#include "controller/routers/haproxy/haproxy_plan.hpp"
#include "controller/routers/haproxy/haproxy_runtime_api.hpp"
#include "controller/routers/haproxy/haproxy_server_state.hpp"

namespace rollguard {

namespace {

// One apply: the commands in order, each retried once on a transport failure (a restart of
// HAProxy, a full accept queue), then the read-back.
class HaproxyApply : public std::enable_shared_from_this<HaproxyApply> {
 public:
  HaproxyApply(const HaproxyRouter& spec, const HaproxyRouterOptions& options,
               SerialJobs::Strand strand, HaproxyPlan plan, std::function<void(std::string)> done)
      : spec_(spec),
        options_(options),
        strand_(std::move(strand)),
        plan_(std::move(plan)),
        commands_(haproxy_commands(spec_.backend, plan_)),
        done_(std::move(done)) {}

  void start() {
    if (!plan_.error.empty()) return finish(plan_.error);
    next();
  }

 private:
  void next() {
    if (index_ == commands_.size()) return read_back();
    send(commands_[index_], false, [self = shared_from_this()](const std::string& answer) {
      const std::string& command = self->commands_[self->index_];
      if (!accepted(command, answer)) return self->finish(command + ": " + answer);
      ++self->index_;
      self->next();
    });
  }

  // HAProxy answers `set weight` with nothing and `set server addr` with what it changed;
  // anything else is its reason for refusing.
  static bool accepted(const std::string& command, const std::string& answer) {
    if (command.starts_with("set weight ")) return answer.empty();
    return answer.starts_with("IP changed") || answer.starts_with("no need to change");
  }

  void read_back() {
    send("show servers state " + spec_.backend, false,
         [self = shared_from_this()](const std::string& answer) {
           self->finish(
               verify_servers_state(self->spec_.backend, self->plan_, parse_servers_state(answer)));
         });
  }

  void send(const std::string& command, bool retried,
            std::function<void(const std::string&)> on_answer) {
    runtime_api_command(strand_, spec_.runtimeApi, command, options_.timeout,
                        [self = shared_from_this(), command, retried,
                         on_answer = std::move(on_answer)](RuntimeApiReply reply) mutable {
                          if (reply.ok()) return on_answer(reply.text);
                          if (!retried) return self->send(command, true, std::move(on_answer));
                          self->finish(command + ": " + reply.error);
                        });
  }

  void finish(const std::string& error) {
    done_(error.empty() ? "" : "haproxy " + spec_.runtimeApi + ": " + error);
  }

  HaproxyRouter spec_;
  HaproxyRouterOptions options_;
  SerialJobs::Strand strand_;
  HaproxyPlan plan_;
  std::vector<std::string> commands_;
  std::size_t index_ = 0;
  std::function<void(std::string)> done_;
};

}  // namespace

HaproxyRouterDriver::HaproxyRouterDriver(HaproxyRouter spec, boost::asio::any_io_executor executor,
                                         HaproxyRouterOptions options)
    : spec_(std::move(spec)),
      options_(options),
      strand_(boost::asio::make_strand(executor)),
      jobs_(strand_) {}

void HaproxyRouterDriver::apply(const RouteTable& table,
                                std::function<void(std::string error)> done) {
  jobs_.submit([spec = spec_, options = options_, strand = strand_, table,
                done = std::move(done)](std::function<void()> finished) mutable {
    auto plan = plan_haproxy(spec, table);
    auto op = std::make_shared<HaproxyApply>(
        spec, options, strand, std::move(plan),
        [done = std::move(done), finished = std::move(finished)](std::string error) {
          finished();
          done(std::move(error));
        });
    op->start();
  });
}

}  // namespace rollguard
