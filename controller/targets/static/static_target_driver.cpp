#include "controller/targets/static/static_target_driver.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace rollguard {

namespace net = boost::asio;

// Runs on `strand`; posted handlers hold it, so it outlives the driver where they must.
struct StaticTargetDriver::Core {
  struct Wanted {
    std::string version;
    int count = 0;
  };

  const Endpoints& endpoints(Role role) const { return endpoints_of(spec, role); }

  // `ready` is the count asked for, not the number of endpoints: the instances behind them
  // are the platform's business, and the state machine waits for ready >= asked.
  void scale(Role role, const std::string& version, int count) {
    count = std::max(count, 0);
    Wanted& w = wanted[static_cast<std::size_t>(role)];
    if (w.version == version && w.count == count) return;
    const bool was_up = w.count > 0;
    w = Wanted{version, count};
    TargetReport report{role, 0, {}, {}};
    if (count > 0 && endpoints(role).empty()) {
      report.failure = "no static endpoints for " + std::string(to_string(role)) + " " + version;
    } else if (count > 0) {
      report.ready = count;
      report.endpoints = endpoints(role);
    } else if (!was_up) {
      return;  // down, and it was down already
    }
    if (observer) observer(report);
  }

  StaticTarget spec;
  net::strand<net::any_io_executor> strand;
  std::function<void(const TargetReport&)> observer;
  std::array<Wanted, kRoles.size()> wanted;
};

StaticTargetDriver::StaticTargetDriver(StaticTarget spec, net::any_io_executor executor)
    : core_(std::make_shared<Core>(Core{std::move(spec), net::make_strand(executor), {}, {}})) {}

void StaticTargetDriver::scale(Role role, const std::string& version, int count) {
  net::post(core_->strand,
            [core = core_, role, version, count] { core->scale(role, version, count); });
}

void StaticTargetDriver::on_report(std::function<void(const TargetReport&)> observer) {
  net::post(core_->strand, [core = core_, observer = std::move(observer)]() mutable {
    core->observer = std::move(observer);
  });
}

void StaticTargetDriver::shutdown(std::function<void()> done) {
  net::post(core_->strand, [core = core_, done = std::move(done)] {
    core->observer = nullptr;
    done();
  });
}

}  // namespace rollguard
