#pragma once
// One rollout inside LocalRolloutService (internal): its current revision, the runtime that
// drives it on its strand, and the manifest last applied.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <future>

#include "controller/runtime/rollout_runtime.hpp"
#include "controller/service/local_rollout_service.hpp"

namespace rollguard {

struct LocalRolloutService::Managed {
  Managed(std::string name, int revision, SharedSpec spec, SharedSpec applied, Strand strand)
      : name(std::move(name)),
        revision(revision),
        spec(std::move(spec)),
        applied(std::move(applied)),
        strand(strand),
        timer(strand) {}

  const std::string name;
  const int revision;
  // Specs are immutable and shared: this revision's is also its runtime's and in every status
  // snapshot, and `applied` is the same object until a manifest with other settings is applied
  // (a spec copied four times per rollout was ~4 KiB of 10,000 rollouts' memory).
  const SharedSpec spec;  // what this revision runs; never null
  SharedSpec applied;     // the latest manifest applied (guarded by the lifecycle mutex)
  Strand strand;
  boost::asio::steady_timer timer;  // removal: checks whether the rollout has settled
  std::size_t steps = 0;
  // The rest is touched on the strand only.
  std::unique_ptr<RolloutRuntime> runtime;  // null: could not be started (`problem` says why)
  std::string problem;
  bool removing = false;
  bool store_failing = false;  // the last write of a transition failed: it is held
};

// Runs `f` on the rollout's strand and waits for its result (from a thread outside the pool).
template <class F>
auto LocalRolloutService::on_strand(Managed& m, F f) -> decltype(f()) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  boost::asio::post(m.strand, [&task] { task(); });
  return result.get();
}

}  // namespace rollguard
