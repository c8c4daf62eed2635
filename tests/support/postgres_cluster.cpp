#include "support/postgres_cluster.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fstream>

#include "support/free_port.hpp"
#include "support/shell_command.hpp"

namespace rollguard::testing {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

PostgresCluster::PostgresCluster() {
  CommandRun config = run_shell("pg_config --bindir 2>&1");
  if (config.exit_code != 0) {
    error_ =
        "pg_config not found (tools/setup installs libpq-dev and postgresql): " + config.output;
    return;
  }
  bindir_ = trimmed(config.output);
  char pattern[] = "/tmp/rollguard-pg-XXXXXX";
  if (!::mkdtemp(pattern)) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      error_ = "no `postgres` user to run the server as (tools/setup installs postgresql)";
      return;
    }
  }
  CommandRun init =
      run_shell(as_postgres(bin("initdb") + " -D " + quoted((dir_ / "data").string()) +
                            " -U rollguard --auth=trust -N -E UTF8 --no-locale") +
                " 2>&1");
  if (init.exit_code != 0) {
    error_ = "initdb failed: " + init.output;
    return;
  }
  // A port that was free may be taken before the server binds it: try a few.
  for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
    port_ = free_port();
    if (start()) error_.clear();
  }
}

PostgresCluster::~PostgresCluster() {
  if (running_)
    run_shell(as_postgres(bin("pg_ctl") + " -D " + quoted((dir_ / "data").string()) +
                          " -m immediate stop") +
              " >/dev/null 2>&1");
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresCluster::as_postgres(const std::string& command) const {
  return ::geteuid() == 0 ? "runuser -u postgres -- " + command : command;
}

std::string PostgresCluster::bin(const std::string& tool) const {
  return quoted(bindir_ + "/" + tool);
}

bool PostgresCluster::start() {
  const std::string options = "-p " + std::to_string(port_) + " -k " + quoted(dir_.string()) +
                              " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300";
  CommandRun run = run_shell(as_postgres(bin("pg_ctl") + " -D " + quoted((dir_ / "data").string()) +
                                         " -l " + quoted((dir_ / "log").string()) +
                                         " -w -t 60 -o " + quoted(options) + " start") +
                             " 2>&1");
  running_ = run.exit_code == 0;
  if (!running_) {
    std::ifstream log(dir_ / "log");
    error_ = "pg_ctl start failed: " + run.output +
             std::string(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
  }
  return running_;
}

bool PostgresCluster::stop() {
  CommandRun run = run_shell(
      as_postgres(bin("pg_ctl") + " -D " + quoted((dir_ / "data").string()) + " -m fast -w stop") +
      " 2>&1");
  if (run.exit_code == 0) running_ = false;
  return run.exit_code == 0;
}

int PostgresCluster::server_pid() const {
  std::ifstream pid_file(dir_ / "data" / "postmaster.pid");
  int pid = 0;
  pid_file >> pid;
  return running_ ? pid : 0;
}

std::string PostgresCluster::uri(const std::string& db) const {
  return "postgresql://rollguard@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PostgresCluster::psql(const std::string& db, const std::string& sql) const {
  CommandRun run = run_shell("psql -X -q -A -t -v ON_ERROR_STOP=1 " + quoted(uri(db)) + " -c " +
                             quoted(sql) + " 2>&1");
  return run.exit_code == 0 ? trimmed(run.output) : "psql failed: " + run.output;
}

std::string PostgresCluster::fresh_database() {
  const std::string name =
      "test_" + std::to_string(::getpid()) + "_" + std::to_string(databases_++);
  const std::string out = psql("postgres", "CREATE DATABASE " + name);
  if (out.rfind("psql failed", 0) == 0) {
    error_ = out;
    return {};
  }
  return uri(name);
}

PostgresCluster& shared_postgres() {
  static PostgresCluster cluster;
  return cluster;
}

}  // namespace rollguard::testing
