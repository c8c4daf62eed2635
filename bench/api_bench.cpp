// The API under load: 1,000 rollouts in a RolloutService, `wrk` GETs one rollout's full status
// (GET /v1/rollouts/{name}, a random one of the 1,000 per request) over kept-alive
// connections with a viewer's bearer token. Prints requests/s, p50/p99 latency and errors.
//
// The service behind the API is the in-memory RolloutService of the tests (the SQLite-backed
// one is measured with the serve benchmark); reads of a status are snapshot reads in both.
//
//   build/bench/bench_api [--duration 10s] [--connections 16] [--threads 1] [--log]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "controller/service/api_server.hpp"
#include "controller/service/log.hpp"
#include "manifests/rollout_parser.hpp"
#include "tests/support/memory_rollout_service.hpp"

namespace {

using namespace rollguard;

constexpr int kRollouts = 1000;
const std::string kToken = "bench-viewer-token";

std::string manifest(int i) {
  return "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: r" + std::to_string(i) +
         "}\nspec:\n  stable: {version: \"1.0.0\"}\n  canary: {version: \"2.0.0\"}\n"
         "  target: {static: {stable: [\"127.0.0.1:9001\"], canary: [\"127.0.0.1:9002\"]}}\n"
         "  strategy: {canary: {steps: [{setWeight: 10}, {pause: {duration: 1m}}, "
         "{setWeight: 50}, {pause: {duration: 1m}}]}}\n"
         "  analysis:\n    templates:\n      - name: errors\n        interval: 30s\n"
         "        metric: {builtin: {query: error_rate}}\n"
         "        successCondition: \"result < 0.02\"\n";
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  ::pclose(pipe);
  return out;
}

double to_ms(const std::string& value, const std::string& unit) {
  const double v = std::stod(value);
  if (unit == "us") return v / 1000;
  if (unit == "s") return v * 1000;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"API benchmark: wrk against GET /v1/rollouts/{name} with 1,000 rollouts"};
  std::string duration = "10s";
  int connections = 16, threads = 1, server_threads = 2;
  bool log = false;
  app.add_option("--duration", duration, "wrk -d");
  app.add_option("--connections", connections, "wrk -c");
  app.add_option("--threads", threads, "wrk -t");
  app.add_option("--server-threads", server_threads, "ApiServer I/O threads");
  app.add_flag("--log", log, "Log every request (JSON lines to stderr)");
  CLI11_PARSE(app, argc, argv);

  rollguard::testing::MemoryRolloutService service;
  for (int i = 0; i < kRollouts; ++i) {
    Parsed<RolloutSpec> spec = parse_rollout_text(manifest(i), Format::Yaml);
    if (!spec.ok()) {
      std::cerr << spec.diagnostics.front().to_string() << "\n";
      return 2;
    }
    service.apply(*spec.value, "bench");
    service.set_split("r" + std::to_string(i), TrafficSplit{90, 10, 0}, 1);
    service.verdict("r" + std::to_string(i), "step-1-errors", Verdict::Successful);
  }

  const auto dir = std::filesystem::temp_directory_path() / "rollguard-api-bench";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokens.csv") << kToken << ",bench,viewer\n";
  std::ofstream(dir / "random.lua")
      << "wrk.headers[\"Authorization\"] = \"Bearer " << kToken << "\"\n"
      << "math.randomseed(42)\n"
      << "request = function()\n"
      << "  return wrk.format(\"GET\", \"/v1/rollouts/r\" .. math.random(0, " << kRollouts - 1
      << "))\nend\n";

  ApiOptions options;
  options.port = 0;
  options.threads = server_threads;
  options.tokens_file = (dir / "tokens.csv").string();
  options.log_requests = log;
  ApiServer server(service, options);
  if (auto error = server.start()) {
    std::cerr << *error << "\n";
    return 1;
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  const std::string command = "wrk --latency -t" + std::to_string(threads) + " -c" +
                              std::to_string(connections) + " -d" + duration + " -s " +
                              (dir / "random.lua").string() + " " + url + " 2>&1";
  std::cout << "$ " << command << std::endl;
  const std::string out = run_command(command);
  std::cout << out;
  server.stop();
  std::filesystem::remove_all(dir);

  std::smatch m;
  double rps = 0, p50 = -1, p99 = -1;
  long errors = 0;
  if (std::regex_search(out, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) rps = std::stod(m[1]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+50%\s+([0-9.]+)(us|ms|s))")))
    p50 = to_ms(m[1], m[2]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+99%\s+([0-9.]+)(us|ms|s))")))
    p99 = to_ms(m[1], m[2]);
  if (std::regex_search(out, m, std::regex(R"(Non-2xx or 3xx responses:\s+(\d+))")))
    errors += std::stol(m[1]);
  if (std::regex_search(
          out, m,
          std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))")))
    for (int i = 1; i <= 4; ++i) errors += std::stol(m[i]);
  if (rps == 0) {
    std::cerr << "could not read wrk's output\n";
    return 1;
  }
  std::printf(
      "\nAPI GET /v1/rollouts/{name}, %d rollouts: %.0f req/s, p50 %.2f ms, p99 %.2f ms, "
      "%ld errors (targets: >= 5000 req/s, p99 < 10 ms, 0 errors)\n",
      kRollouts, rps, p50, p99, errors);
  return rps >= 5000 && p99 >= 0 && p99 < 10 && errors == 0 ? 0 : 1;
}
