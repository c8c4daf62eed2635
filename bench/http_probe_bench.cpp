// HTTP probes per second against a local keep-alive server: N probe loops (each sends its
// next probe when the previous answer is in) on the client's io_context threads, the
// scripted test server on its own thread in the same process.
//   build/bench/bench_http_probe --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "health/probes/prober.hpp"
#include "tests/support/test_http_server.hpp"

namespace rollguard {
namespace {

constexpr int kProbesPerIteration = 20000;

// CPU seconds used by every thread of this process, client and server alike: on a shared
// machine the wall-clock rate says as much about the neighbours as about the code.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void BM_HttpProbe(benchmark::State& state) {
  const int loops = static_cast<int>(state.range(0));
  const int client_threads = static_cast<int>(state.range(1));
  const int server_threads = static_cast<int>(state.range(2));
  testing::TestHttpServer server(server_threads);
  server.answer("/healthz", 200, "ok");
  boost::asio::io_context io(client_threads);
  NetworkProber prober(io.get_executor());
  ProbeRequest request{HttpCheck{}, server.endpoint(), 1s, {}};

  std::atomic<long> failures{0};
  std::atomic<long> total{0};
  double cpu = 0;
  for (auto _ : state) {
    double cpu_before = process_cpu_seconds();
    std::atomic<int> remaining{kProbesPerIteration};
    std::function<void()> loop = [&] {
      if (remaining.fetch_sub(1) <= 0) return;
      prober.probe(request, [&](ProbeResult r) {
        if (!r.ok) failures++;
        total++;
        loop();
      });
    };
    for (int i = 0; i < loops; ++i) loop();
    io.restart();
    std::vector<std::thread> threads;
    for (int t = 1; t < client_threads; ++t) threads.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : threads) t.join();
    cpu += process_cpu_seconds() - cpu_before;
  }
  state.counters["probes/s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  // Client and server together: probes per CPU-second of the whole process.
  state.counters["probes/cpu-s"] = static_cast<double>(total) / cpu;
  state.counters["failures"] = static_cast<double>(failures);
  state.counters["connections"] = server.connections_accepted();
}

// {probe loops, client threads, server threads}: 2 threads in all, as on a 2-core machine.
BENCHMARK(BM_HttpProbe)
    ->Args({1, 1, 1})
    ->Args({16, 1, 1})
    ->Args({64, 1, 1})
    ->Args({64, 2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rollguard

BENCHMARK_MAIN();
