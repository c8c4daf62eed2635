// ctest: integration
// The real `rollguard serve --data DIR` on data it cannot use (issue 14): a read-only data
// directory, a store file that is garbage, truncated, another program's database or from a
// newer rollguard. Each time it refuses to start, says which file and what is wrong, exits 4
// and leaves the file byte for byte as it was. On a full disk it starts, and a change that
// cannot be written is answered 503 StoreUnavailable with the store's reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "controller/service/serve_process.hpp"
#include "controller/store/sqlite_store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_client.hpp"
#include "support/tmpfs_mount.hpp"
#include "tests/health/run_until.hpp"

namespace rollguard {
namespace serve_store_faults {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::TmpfsMount;

// A store as a previous `serve` left it, with one rollout in it.
void make_store(const std::string& path) {
  auto opened = SqliteStore::open(path);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<SqliteStore>>(opened));
  RolloutRecord r;
  r.name = "shop";
  r.revision = 1;
  r.spec.metadata.name = "shop";
  r.spec.canary = "2.0.0";
  r.spec.stable = "1.0.0";
  r.applied = r.spec;
  r.state.knownGood = r.state.stableVersion = "1.0.0";
  r.state.canaryVersion = "2.0.0";
  for (int i = 0; i < 50; ++i) r.state.message += "a long enough message to fill pages. ";
  auto& store = *std::get<std::unique_ptr<SqliteStore>>(opened);
  ASSERT_TRUE(std::holds_alternative<std::vector<StoredEvent>>(store.begin_revision(r, "ci", {})));
}

// Starts serve on `data`, expects it to exit 4 on its own, returns what it printed.
std::string refused_start(const std::string& data, const std::string& log) {
  testing::ServeProcess serve(data, log);
  EXPECT_EQ(serve.start(), "");
  const auto status = serve.wait_exit(20s);
  EXPECT_TRUE(status) << "serve did not exit: " << serve.log_tail();
  if (!status) return serve.log_tail();
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 4) << serve.log_tail();
  EXPECT_THAT(serve.log_tail(), ::testing::Not(HasSubstr("listening on"))) << "it served";
  return serve.log_tail();
}

struct FileCase {
  std::string name;
  std::function<void(const std::string& db)> make;
  std::string says;
};
void PrintTo(const FileCase& c, std::ostream* os) {
  *os << c.name;
}

class ServeStoreFile : public ::testing::TestWithParam<FileCase> {};

TEST_P(ServeStoreFile, RefusesToStartAndLeavesTheFileAsItWas) {
  TempDir dir("serve-store");
  const std::filesystem::path data = dir.path() / "data";
  std::filesystem::create_directories(data);
  const std::string db = (data / "rollguard.db").string();
  GetParam().make(db);
  const std::string before = testing::file_bytes(db);

  const std::string said = refused_start(data.string(), dir.file("serve.log"));
  EXPECT_THAT(said, HasSubstr("rollguard serve: " + db + ": " + GetParam().says));
  EXPECT_THAT(said, HasSubstr("the file was left as it is: restore it from a backup, or move it "
                              "away to start with an empty store"));
  EXPECT_EQ(testing::file_bytes(db), before) << "serve changed the file it refused";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ServeStoreFile,
    ::testing::Values(FileCase{"Garbage",
                               [](const std::string& db) {
                                 std::ofstream(db, std::ios::binary) << std::string(10000, '\x01');
                               },
                               "it is not an SQLite database"},
                      FileCase{"Truncated",
                               [](const std::string& db) {
                                 make_store(db);
                                 std::filesystem::resize_file(
                                     db, std::filesystem::file_size(db) - 4096);
                               },
                               "the file is truncated"},
                      FileCase{"AnotherProgramsDatabase",
                               [](const std::string& db) {
                                 sqlite::Database raw;
                                 ASSERT_EQ(raw.open(db), "");
                                 ASSERT_EQ(raw.exec("CREATE TABLE accounts (id INTEGER)"), "");
                               },
                               "it is not a rollguard store: it holds tables (accounts)"},
                      FileCase{"FromANewerRollguard",
                               [](const std::string& db) {
                                 make_store(db);
                                 sqlite::Database raw;
                                 ASSERT_EQ(raw.open(db), "");
                                 ASSERT_EQ(raw.exec("PRAGMA user_version = 7"), "");
                               },
                               "the data was written by a newer rollguard (schema version 7"}),
    [](const auto& info) { return info.param.name; });

TEST(ServeStoreFaults, AReadOnlyDataDirectoryRefusesToStart) {
  TempDir dir("serve-store");
  TmpfsMount disk(dir.path() / "data", "size=4m");
  if (!disk.ok())
    GTEST_SKIP() << "a read-only data directory needs a mount of its own: " << disk.why();
  const std::string db = (disk.path() / "rollguard.db").string();
  make_store(db);
  const std::string before = testing::file_bytes(db);
  // chmod 0555 would not do: root writes through it.
  ASSERT_EQ(disk.remount(true), "");

  const std::string said = refused_start(disk.path().string(), dir.file("serve.log"));
  EXPECT_THAT(said, HasSubstr("rollguard serve: " + disk.path().string() +
                              ": the data directory is not writable (Read-only file system)"));
  EXPECT_EQ(testing::file_bytes(db), before);
  ASSERT_EQ(disk.remount(false), "");
  EXPECT_EQ(testing::file_bytes(db), before);
}

TEST(ServeStoreFaults, OnAFullDiskAChangeIsAnswered503WithTheStoresReason) {
  TempDir dir("serve-store");
  TmpfsMount disk(dir.path() / "data", "size=512k");
  if (!disk.ok()) GTEST_SKIP() << "a full disk needs a tmpfs of its own: " << disk.why();
  testing::ServeProcess serve(disk.path().string(), dir.file("serve.log"));
  ASSERT_EQ(serve.start(), "");
  const auto port = serve.wait_listening(20s);
  ASSERT_TRUE(port) << serve.log_tail();
  testing::TestHttpClient client(*port, 10s);
  ASSERT_TRUE(testing::eventually([&] { return client.get("/readyz").status == 200; }))
      << serve.log_tail();
  ASSERT_GT(disk.fill(), 0u);

  const std::string manifest =
      "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: shop}\nspec:\n"
      "  stable: {version: \"1.0.0\"}\n  canary: {version: \"2.0.0\"}\n"
      "  target: {static: {stable: [\"127.0.0.1:9\"], canary: [\"127.0.0.1:9\"]}}\n"
      "  traffic: {none: {}}\n  strategy: {canary: {steps: [{setWeight: 50}]}}\n";
  auto reply =
      client.request("PUT", "/v1/rollouts/shop", manifest, {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_EQ(reply.json()["error"]["code"], "StoreUnavailable") << reply.body;
  EXPECT_THAT(reply.json()["error"]["message"].get<std::string>(),
              HasSubstr("database or disk is full"));
  EXPECT_EQ(client.get("/v1/rollouts/shop").status, 404) << "nothing was applied";
  EXPECT_THAT(serve.log_tail(), HasSubstr("database or disk is full"));

  disk.unfill();
  reply =
      client.request("PUT", "/v1/rollouts/shop", manifest, {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(WEXITSTATUS(serve.kill(SIGTERM)), 0) << serve.log_tail();
}

}  // namespace serve_store_faults
}  // namespace rollguard
