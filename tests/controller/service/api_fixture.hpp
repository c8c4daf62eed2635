#pragma once
// An ApiServer listening on 127.0.0.1:0 over an in-memory RolloutService, with a tokens file
// holding a viewer ("vera") and an operator ("otto").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "controller/service/api_server.hpp"
#include "tests/support/memory_rollout_service.hpp"
#include "tests/support/test_http_client.hpp"

namespace rollguard::testing {

inline const std::string kViewerToken = "viewer-token-1";
inline const std::string kOperatorToken = "operator-token-1";

inline std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// A valid manifest for `name` moving to `canary`, in YAML.
inline std::string manifest_yaml(const std::string& name, const std::string& canary = "2.0.0") {
  return "apiVersion: rollguard.dev/v1\n"
         "kind: Rollout\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "spec:\n"
         "  stable: {version: \"1.0.0\"}\n"
         "  canary: {version: \"" +
         canary +
         "\"}\n"
         "  target:\n"
         "    static: {stable: [\"127.0.0.1:9001\"], canary: [\"127.0.0.1:9002\"]}\n"
         "  strategy:\n"
         "    canary:\n"
         "      steps:\n"
         "        - setWeight: 10\n"
         "        - pause: {duration: 1m}\n"
         "        - setWeight: 50\n";
}

class ApiTempDir {  // a mkdtemp directory for the API tests (not support/temp_dir.hpp's TempDir)
 public:
  ApiTempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "rollguard-api-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ApiTempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name, const std::string& content) const {
    const std::string p = (std::filesystem::path(path_) / name).string();
    std::ofstream(p) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ApiFixture : public ::testing::Test {
 protected:
  ApiOptions default_options() {
    ApiOptions o;
    o.port = 0;
    o.threads = 2;
    o.log_requests = false;
    o.tokens_file = dir_.file("tokens.csv", "# test tokens\n" + kViewerToken + ",vera,viewer\n" +
                                                kOperatorToken + ",otto,operator\n");
    return o;
  }

  void start(ApiOptions options) {
    server_ = std::make_unique<ApiServer>(service_, std::move(options));
    auto error = server_->start();
    ASSERT_FALSE(error) << *error;
  }
  void start() { start(default_options()); }

  unsigned short port() const { return server_->port(); }

  TestResponse as_operator(const std::string& method, const std::string& target,
                           const std::string& body = {},
                           std::map<std::string, std::string> headers = {}) {
    headers.merge(bearer(kOperatorToken));
    return request_once(port(), method, target, body, headers);
  }

  TestResponse put_yaml(const std::string& name, const std::string& yaml) {
    return as_operator("PUT", "/v1/rollouts/" + name, yaml, {{"Content-Type", "application/yaml"}});
  }

  ApiTempDir dir_;
  MemoryRolloutService service_;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace rollguard::testing
