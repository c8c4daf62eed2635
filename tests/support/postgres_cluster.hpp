#pragma once
// A throwaway PostgreSQL cluster for one test process: initdb into a temp dir and pg_ctl start
// on a free loopback port, as the unprivileged `postgres` user when the tests run as root
// (the server refuses root). Trust authentication, fsync off: nothing here outlives the
// test. Each test takes a database of its own from the process's one cluster.
#include <cstdint>
#include <filesystem>
#include <string>

namespace rollguard::testing {

class PostgresCluster {
 public:
  PostgresCluster();  // initdb + start; a failure fails the test that asked for it
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;

  bool running() const { return running_; }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  // A libpq URI of database `db` as the cluster's superuser.
  std::string uri(const std::string& db) const;
  // A new, empty database; its URI (empty when it could not be made: see error()).
  std::string fresh_database();
  // Runs SQL on `db` through psql; its output, or "psql failed: ..." on failure.
  std::string psql(const std::string& db, const std::string& sql) const;

  // pg_ctl stop -m fast / start again on the same port and data: a database restart.
  bool stop();
  bool start();
  // The postmaster's pid (0 when not running).
  int server_pid() const;

 private:
  std::string as_postgres(const std::string& command) const;
  std::string bin(const std::string& tool) const;

  std::filesystem::path dir_;
  std::string bindir_;
  std::uint16_t port_ = 0;
  bool running_ = false;
  int databases_ = 0;
  std::string error_;
};

// The test process's cluster, started on first use and stopped at exit.
PostgresCluster& shared_postgres();

}  // namespace rollguard::testing
