#pragma once
// Where the analysis engine sends synthetic transactions: over HTTP live, to the version
// model in the simulator. One small seam so that both run the same analysis code.
#include <functional>

#include "health/synthetic/synthetic.hpp"

namespace rollguard {

class SyntheticRunner {
 public:
  virtual ~SyntheticRunner() = default;
  // `done` is called exactly once, never inside this call.
  virtual void run(const SyntheticSpec& spec, SyntheticCall call,
                   std::function<void(SyntheticResult)> done) = 0;
};

// The live one: run_synthetic over `client`, which must outlive it.
class HttpSyntheticRunner final : public SyntheticRunner {
 public:
  explicit HttpSyntheticRunner(HttpClient& client) : client_(client) {}
  void run(const SyntheticSpec& spec, SyntheticCall call,
           std::function<void(SyntheticResult)> done) override {
    run_synthetic(client_, spec, std::move(call), std::move(done));
  }

 private:
  HttpClient& client_;
};

}  // namespace rollguard
