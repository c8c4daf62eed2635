// ctest: integration
// HTTPS with --tls-cert/--tls-key: a certificate made here with the openssl CLI, trusted by
// the CLI's client through --ca-cert.
#include <gtest/gtest.h>

#include <cstdlib>

#include "controller/cli/client_http.hpp"
#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

class ApiTlsTest : public ApiFixture {
 protected:
  void SetUp() override {
    cert_ = dir_.path() + "/cert.pem";
    key_ = dir_.path() + "/key.pem";
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
        key_ + " -out " + cert_ + " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  std::string cert_, key_;
};

TEST_F(ApiTlsTest, ServesHttpsToAClientThatTrustsTheCertificate) {
  ApiOptions options = default_options();
  options.tls_cert = cert_;
  options.tls_key = key_;
  start(options);
  EXPECT_TRUE(server_->tls());
  cli::ClientOptions client_options;
  client_options.server = "https://127.0.0.1:" + std::to_string(port());
  client_options.ca_file = cert_;
  client_options.token = kViewerToken;
  cli::ApiClient client(client_options);
  const cli::ClientResponse r = client.request("GET", "/v1/rollouts");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["rollouts"].size(), 0u);
}

TEST_F(ApiTlsTest, AClientWithoutTheCaRefusesTheCertificate) {
  ApiOptions options = default_options();
  options.tls_cert = cert_;
  options.tls_key = key_;
  start(options);
  cli::ClientOptions client_options;
  client_options.server = "https://127.0.0.1:" + std::to_string(port());
  cli::ApiClient client(client_options);
  EXPECT_THROW(client.request("GET", "/healthz"), cli::ClientUnreachable);
}

TEST_F(ApiTlsTest, PlainHttpToATlsServerGetsNoAnswer) {
  ApiOptions options = default_options();
  options.tls_cert = cert_;
  options.tls_key = key_;
  start(options);
  EXPECT_THROW(request_once(port(), "GET", "/healthz"), boost::system::system_error);
}

TEST_F(ApiTlsTest, AMissingKeyIsAStartError) {
  ApiOptions options = default_options();
  options.tls_cert = cert_;
  options.tls_key = dir_.path() + "/missing.pem";
  ApiServer server(service_, options);
  auto error = server.start();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("cannot load the TLS certificate"), std::string::npos) << *error;
}

}  // namespace
}  // namespace rollguard::testing
