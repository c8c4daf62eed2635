#pragma once
// The builtin metrics over a standalone `rollguard router` (traffic.builtin.admin): polls its
// `GET /v1/stats` for the outcomes after the last one seen and replays them into an
// OutcomeWindow of its own, so every query (rates, error rates, latency quantiles, the
// Mann-Whitney samples, the sequential judge's batches) is answered exactly as over the
// router inside the controller. Only outcomes that are in are used: queries end at
// complete_until(), the router's clock at the last poll less a margin for outcomes stamped
// but not yet recorded. A router that cannot be read makes every reading an error naming it
// until it answers again.
//
// Threads: everything on `strand` (the rollout's), which runs the polls too.
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "health/outcome_source.hpp"
#include "health/providers/builtin/outcome_window.hpp"

namespace rollguard {

struct RemoteOutcomeOptions {
  Duration poll_every = 100ms;  // a batch wide: the sequential judge sees evidence soon
  Duration margin = 100ms;      // complete_until() trails the router's clock by this
  Duration timeout = 2s;        // per poll
  OutcomeWindowOptions window;
};

class RemoteOutcomeReader final : public OutcomeSource {
 public:
  // `admin` is "host:port" of the router's admin API. Polling starts with start().
  RemoteOutcomeReader(std::string admin, boost::asio::any_io_executor strand,
                      RemoteOutcomeOptions options = {});
  ~RemoteOutcomeReader() override;  // stops polling (a poll in flight is dropped)
  RemoteOutcomeReader(const RemoteOutcomeReader&) = delete;
  RemoteOutcomeReader& operator=(const RemoteOutcomeReader&) = delete;

  void start();

  Duration batch() const override;
  MetricReading reading(Role role, BuiltinQuery query, TimePoint end,
                        Duration window) const override;
  std::vector<double> samples(Role role, BuiltinQuery query, TimePoint end,
                              Duration window) const override;
  void batches(Role role, TimePoint end, Duration window,
               std::vector<OutcomeBatch>& out) const override;
  TimePoint next_evidence(Role canary, Role compared, TimePoint fed_until) const override;
  TimePoint complete_until() const override;

  // On the strand, like everything else.
  std::uint64_t fetched() const;   // outcomes replayed so far
  std::string last_error() const;  // empty while the router answers

  struct State;  // shared with the poll in flight

 private:
  std::shared_ptr<State> state_;
};

}  // namespace rollguard
