#pragma once
// Real `rollguard serve --replica` processes on one database for a test, with a 1 s lease
// renewed every 200 ms so that failovers take about a second; each logs to
// DIR/replicaI.log. start_replicas returns once every one is ready (a test failure if not).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "controller/service/serve_process.hpp"
#include "support/temp_dir.hpp"

namespace rollguard::testing {

inline const std::vector<std::string> kTestReplicaFlags{"--replica", "--lease-ttl", "1s",
                                                        "--renew-every", "200ms"};

inline void start_replicas(std::vector<std::unique_ptr<ServeProcess>>& replicas,
                           const std::string& uri, TempDir& dir, int count) {
  for (int i = 0; i < count; ++i) {
    replicas.push_back(std::make_unique<ServeProcess>(
        uri, dir.file("replica" + std::to_string(i) + ".log"), kTestReplicaFlags));
    ASSERT_EQ(replicas.back()->start(), "");
  }
  for (auto& r : replicas) ASSERT_TRUE(r->wait_ready(std::chrono::seconds(30))) << r->log_tail();
}

}  // namespace rollguard::testing
