// Router overhead: wrk through the built-in router and through HAProxy, same machine, same
// backends, keep-alive on both sides, alternating rounds in one run.
// Targets: throughput >= 0.9x HAProxy's, p99 latency <= 1.2x HAProxy's.
//   build/bench/bench_router --duration 8 --rounds 3 --connections 64
// Needs `haproxy` and `wrk` on PATH (tools/setup installs both).
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "controller/routers/builtin/proxy/builtin_router_server.hpp"
#include "tests/support/free_port.hpp"

extern char** environ;

namespace rollguard {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// ---- a minimal fast backend: parses with Beast, answers a fixed 200 ----
class FastBackend {
 public:
  explicit FastBackend(net::io_context& io)
      : acceptor_(io, {net::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Conn : std::enable_shared_from_this<Conn> {
    explicit Conn(tcp::socket s) : stream(std::move(s)) {
      res.set(http::field::content_type, "text/plain");
      res.body() = "hello from the backend\n";
      res.prepare_payload();
    }
    void read() {
      req = {};
      http::async_read(
          stream, buffer, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            self->res.keep_alive(self->req.keep_alive());
            http::async_write(self->stream, self->res, [self](beast::error_code ec, std::size_t) {
              if (!ec && self->res.keep_alive()) self->read();
            });
          });
    }
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res{http::status::ok, 11};
  };
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      s.set_option(tcp::no_delay(true));
      std::make_shared<Conn>(std::move(s))->read();
      accept();
    });
  }
  tcp::acceptor acceptor_;
};

// All backends on one event loop with its own threads; stopped and joined on scope exit.
class BackendFarm {
 public:
  BackendFarm(int backends, int threads) : guard_(net::make_work_guard(io_)) {
    for (int i = 0; i < backends; ++i) {
      servers_.push_back(std::make_unique<FastBackend>(io_));
      ports.push_back(servers_.back()->port());
      endpoints.push_back("127.0.0.1:" + std::to_string(ports.back()));
    }
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~BackendFarm() {
    guard_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  std::vector<unsigned short> ports;
  std::vector<std::string> endpoints;

 private:
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::vector<std::unique_ptr<FastBackend>> servers_;
  std::vector<std::thread> threads_;
};

// The farm in a child process, so that the router's CPU time is this process's alone.
class BackendProcess {
 public:
  BackendProcess(int backends, int threads) {
    int ports_pipe[2], control_pipe[2];
    if (pipe(ports_pipe) != 0 || pipe(control_pipe) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(ports_pipe[0]);
      close(control_pipe[1]);
      {
        BackendFarm farm(backends, threads);
        for (auto p : farm.ports)
          if (write(ports_pipe[1], &p, sizeof p) != sizeof p) _exit(1);
        close(ports_pipe[1]);
        char byte;
        while (read(control_pipe[0], &byte, 1) > 0) {
        }
      }
      _exit(0);
    }
    close(ports_pipe[1]);
    close(control_pipe[0]);
    control_ = control_pipe[1];
    unsigned short p;
    while (static_cast<int>(ports.size()) < backends &&
           read(ports_pipe[0], &p, sizeof p) == sizeof p) {
      ports.push_back(p);
      endpoints.push_back("127.0.0.1:" + std::to_string(p));
    }
    close(ports_pipe[0]);
  }
  ~BackendProcess() {
    if (control_ >= 0) close(control_);  // EOF: the child stops its farm and exits
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  std::vector<unsigned short> ports;
  std::vector<std::string> endpoints;

 private:
  pid_t pid_ = -1;
  int control_ = -1;
};

// CPU seconds (user + system) this process has used.
double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of another process, from /proc/<pid>/stat (utime and stime, in clock ticks).
double process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)  // field 3 is the state
    if (i == 14 || i == 15) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

class CountingSink final : public OutcomeSink {
 public:
  void record(const RequestOutcome& o) override {
    ++count;
    failures += o.failed();
  }
  long count = 0;
  long failures = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

bool wait_listening(unsigned short port) {
  for (int i = 0; i < 500; ++i) {
    net::io_context io;
    tcp::socket s(io);
    beast::error_code ec;
    s.connect({net::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// ---- HAProxy as a child process, configured like the router: round-robin, keep-alive ----
class Haproxy {
 public:
  Haproxy(const std::vector<unsigned short>& backends, int threads, unsigned short port) {
    dir_ = std::filesystem::temp_directory_path() / ("rollguard-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    const auto cfg = dir_ / "haproxy.cfg";
    std::ofstream out(cfg);
    out << "global\n  nbthread " << threads << "\n  maxconn 4096\n"
        << "defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n"
        << "  timeout server 30s\n  option http-keep-alive\n  http-reuse always\n"
        << "frontend fe\n  bind 127.0.0.1:" << port << "\n  default_backend be\n"
        << "backend be\n  balance roundrobin\n";
    for (std::size_t i = 0; i < backends.size(); ++i)
      out << "  server s" << i << " 127.0.0.1:" << backends[i] << "\n";
    out.close();
    const std::string path = cfg.string();
    std::vector<char*> argv{const_cast<char*>("haproxy"), const_cast<char*>("-db"),
                            const_cast<char*>("-f"), const_cast<char*>(path.c_str()), nullptr};
    if (posix_spawnp(&pid_, "haproxy", nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }
  ~Haproxy() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::filesystem::path dir_;
};

// ---- wrk ----
struct WrkResult {
  double rps = 0;
  double p99_ms = 0;
  long requests = 0;
  long non_2xx = 0;
  long socket_errors = 0;
  std::string raw;
};

double to_ms(double value, const std::string& unit) {
  if (unit == "us") return value / 1000;
  if (unit == "s") return value * 1000;
  if (unit == "m") return value * 60000;
  return value;
}

std::optional<WrkResult> run_wrk(unsigned short port, int threads, int connections, int seconds) {
  const std::string cmd = "wrk --latency -t" + std::to_string(threads) + " -c" +
                          std::to_string(connections) + " -d" + std::to_string(seconds) +
                          "s http://127.0.0.1:" + std::to_string(port) + "/ 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return std::nullopt;
  WrkResult r;
  char line[512];
  while (fgets(line, sizeof line, pipe.get())) r.raw += line;
  std::smatch m;
  if (std::regex_search(r.raw, m, std::regex(R"(Requests/sec:\s+([0-9.]+))")))
    r.rps = std::stod(m[1]);
  else
    return std::nullopt;
  if (std::regex_search(r.raw, m, std::regex(R"(\n\s*99%\s+([0-9.]+)(us|ms|s|m)\b)")))
    r.p99_ms = to_ms(std::stod(m[1]), m[2]);
  if (std::regex_search(r.raw, m, std::regex(R"((\d+) requests in)"))) r.requests = std::stol(m[1]);
  if (std::regex_search(r.raw, m, std::regex(R"(Non-2xx or 3xx responses:\s+(\d+))")))
    r.non_2xx = std::stol(m[1]);
  if (std::regex_search(
          r.raw, m,
          std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))")))
    r.socket_errors = std::stol(m[1]) + std::stol(m[2]) + std::stol(m[3]) + std::stol(m[4]);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace
}  // namespace rollguard

int main(int argc, char** argv) {
  using namespace rollguard;
  CLI::App app{"Built-in router vs HAProxy under wrk"};
  int duration = 8, rounds = 3, connections = 64, wrk_threads = 2, backends = 2;
  int router_threads = 2, haproxy_threads = 2, backend_threads = 1;
  app.add_option("--duration", duration, "seconds per wrk run");
  app.add_option("--rounds", rounds, "alternating rounds per target (median reported)");
  app.add_option("--connections", connections, "wrk connections");
  app.add_option("--wrk-threads", wrk_threads, "wrk threads");
  app.add_option("--backends", backends, "backend servers behind both proxies");
  app.add_option("--backend-threads", backend_threads, "threads serving all backends");
  app.add_option("--router-threads", router_threads, "built-in router I/O threads");
  app.add_option("--haproxy-threads", haproxy_threads, "HAProxy nbthread");
  bool verbose = false;
  app.add_flag("--verbose", verbose, "print wrk's own output");
  CLI11_PARSE(app, argc, argv);

  BackendProcess farm(backends, backend_threads);
  if (static_cast<int>(farm.ports.size()) != backends) {
    std::cerr << "backends did not start\n";
    return 1;
  }
  const auto& ports = farm.ports;
  const auto& endpoints = farm.endpoints;

  SystemClock clock;
  CountingSink sink;
  RouterOptions options;
  options.threads = router_threads;
  BuiltinRouterServer router(options, clock, sink);
  if (auto error = router.start()) {
    std::cerr << "router: " << *error << "\n";
    return 1;
  }
  if (auto error = router.set_pools(Role::Stable, endpoints)) {
    std::cerr << "router: " << *error << "\n";
    return 1;
  }
  router.set_split({100, 0, 0}, false);

  const auto haproxy_port = testing::free_port();
  Haproxy haproxy(ports, haproxy_threads, haproxy_port);
  if (!haproxy.running() || !wait_listening(haproxy_port)) {
    std::cerr << "haproxy did not start (is it installed? tools/setup)\n";
    return 1;
  }

  std::cout << "wrk -t" << wrk_threads << " -c" << connections << " -d" << duration << "s, "
            << backends << " backends (" << backend_threads << " thread), router threads "
            << router_threads << ", haproxy nbthread " << haproxy_threads << ", " << rounds
            << " alternating rounds\n";
  std::vector<double> rps[2], p99[2], cpu_us[2];
  const char* names[2] = {"builtin", "haproxy"};
  const unsigned short targets[2] = {router.port(), haproxy_port};
  for (int round = 0; round < rounds; ++round) {
    for (int t = 0; t < 2; ++t) {
      auto cpu = [&] { return t == 0 ? self_cpu_seconds() : process_cpu_seconds(haproxy.pid()); };
      const double cpu_before = cpu();
      const auto r = run_wrk(targets[t], wrk_threads, connections, duration);
      const double cpu_used = cpu() - cpu_before;
      if (!r) {
        std::cerr << "wrk failed against " << names[t] << "\n";
        return 1;
      }
      if (verbose) std::cout << r->raw;
      if (r->non_2xx || r->socket_errors)
        std::cerr << names[t] << ": " << r->non_2xx << " non-2xx, " << r->socket_errors
                  << " socket errors\n";
      rps[t].push_back(r->rps);
      p99[t].push_back(r->p99_ms);
      const double us_per_request = r->requests ? cpu_used * 1e6 / r->requests : 0;
      cpu_us[t].push_back(us_per_request);
      std::printf("  round %d %-8s %10.0f req/s  p99 %7.2f ms  proxy CPU %5.1f us/req\n", round + 1,
                  names[t], r->rps, r->p99_ms, us_per_request);
    }
  }
  const double rps_b = median(rps[0]), rps_h = median(rps[1]);
  const double p99_b = median(p99[0]), p99_h = median(p99[1]);
  const double cpu_b = median(cpu_us[0]), cpu_h = median(cpu_us[1]);
  std::printf("builtin  %10.0f req/s  p99 %7.2f ms  proxy CPU %5.1f us/req\n", rps_b, p99_b, cpu_b);
  std::printf("haproxy  %10.0f req/s  p99 %7.2f ms  proxy CPU %5.1f us/req\n", rps_h, p99_h, cpu_h);
  std::printf("throughput ratio %.2f (target >= 0.90)  p99 ratio %.2f (target <= 1.20)\n",
              rps_b / rps_h, p99_b / p99_h);
  std::printf("proxy CPU per request ratio %.2f (lower is cheaper; robust to other load)\n",
              cpu_b / cpu_h);
  std::printf("router outcomes recorded: %ld (%ld failed)\n", sink.count, sink.failures);

  router.drain_and_stop(Duration{1000});
  return 0;
}
