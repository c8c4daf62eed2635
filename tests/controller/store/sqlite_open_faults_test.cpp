// A store file that is not what it should be (issue 14): garbage, empty, truncated, another
// program's database, a newer schema, a damaged page. Each is refused with a message naming
// the file and the problem, and left byte for byte as it was, with nothing created beside it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "controller/store/sqlite_schema.hpp"
#include "controller/store/sqlite_store.hpp"
#include "support/specs.hpp"
#include "support/temp_dir.hpp"
#include "support/tmpfs_mount.hpp"

namespace rollguard {
namespace sqlite_open_faults {

using ::testing::HasSubstr;
using testing::TempDir;

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A store as rollguard leaves it after a clean stop, with enough events to span pages.
void real_store(const std::string& path) {
  auto opened = SqliteStore::open(path);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<SqliteStore>>(opened));
  auto& store = *std::get<std::unique_ptr<SqliteStore>>(opened);
  RolloutRecord r;
  r.name = "shop";
  r.revision = 1;
  r.spec = testing::canary_spec({SetWeightStep{20}, PauseStep{10s}});
  r.spec.metadata.name = "shop";
  r.applied = r.spec;
  r.state.knownGood = r.state.stableVersion = "1.0.0";
  r.state.canaryVersion = r.spec.canary;
  ASSERT_TRUE(std::holds_alternative<std::vector<StoredEvent>>(store.begin_revision(r, "ci", {})));
  for (int i = 0; i < 200; ++i) {
    const Event e{TimePoint{std::chrono::seconds(i)},
                  EventKind::Note,
                  Phase::Progressing,
                  1,
                  "note " + std::to_string(i) + std::string(100, '.'),
                  "ci"};
    ASSERT_TRUE(
        std::holds_alternative<std::vector<StoredEvent>>(store.append("shop", 1, {e}, r.state)));
  }
}

std::int64_t query_int(const std::string& path, const std::string& sql) {
  sqlite::Database db;
  EXPECT_EQ(db.open(path), "");
  std::string e;
  auto s = db.prepare(sql, e);
  EXPECT_EQ(e, "");
  return s.step(e) ? s.integer(0) : -1;
}

struct FaultCase {
  std::string name;
  std::function<void(const std::string& path)> make;
  std::string says;
};
void PrintTo(const FaultCase& c, std::ostream* os) {
  *os << c.name;
}

class StoreFileFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(StoreFileFaults, AreRefusedAndLeftUntouched) {
  TempDir dir("store-faults");
  const std::string path = dir.file("rollguard.db");
  GetParam().make(path);
  const std::string before = testing::file_bytes(path);
  const auto entries_before = std::distance(std::filesystem::directory_iterator(dir.path()), {});

  auto opened = SqliteStore::open(path);
  ASSERT_TRUE(std::holds_alternative<StoreError>(opened)) << "opened a damaged file";
  const std::string message = std::get<StoreError>(opened).message;
  EXPECT_THAT(message, HasSubstr(path + ": "));
  EXPECT_THAT(message, HasSubstr(GetParam().says));
  EXPECT_THAT(message, HasSubstr("the file was left as it is"));
  EXPECT_EQ(testing::file_bytes(path), before) << "the refused file was changed";
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), entries_before)
      << "files were created beside it (a -wal, a -shm)";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StoreFileFaults,
    ::testing::Values(
        FaultCase{"GarbageBytes",
                  [](const std::string& p) { write_bytes(p, std::string(8192, '\x5a')); },
                  "it is not an SQLite database"},
        FaultCase{"ShorterThanAHeader", [](const std::string& p) { write_bytes(p, "SQLite"); },
                  "shorter than an SQLite header"},
        // An empty file is what SQLite would happily fill with a fresh schema.
        FaultCase{"Empty", [](const std::string& p) { write_bytes(p, ""); },
                  "the file is empty (0 bytes)"},
        FaultCase{"TruncatedToHalf",
                  [](const std::string& p) {
                    real_store(p);
                    std::filesystem::resize_file(p, std::filesystem::file_size(p) / 2);
                  },
                  "the file is truncated: its header says"},
        FaultCase{"TruncatedOffAPageBoundary",
                  [](const std::string& p) {
                    real_store(p);
                    std::filesystem::resize_file(p, std::filesystem::file_size(p) - 100);
                  },
                  "the file is truncated"},
        FaultCase{"AnotherProgramsDatabase",
                  [](const std::string& p) {
                    sqlite::Database db;
                    ASSERT_EQ(db.open(p), "");
                    ASSERT_EQ(db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);"
                                      "INSERT INTO invoices VALUES (1, 9.5)"),
                              "");
                  },
                  "it is not a rollguard store: it holds tables (invoices)"},
        // In the default (rollback) journal mode, as an older tool may leave it: switching it
        // to WAL before reading the version would have rewritten its header.
        FaultCase{"ANewerSchemaVersion",
                  [](const std::string& p) {
                    sqlite::Database db;
                    ASSERT_EQ(db.open(p), "");
                    ASSERT_EQ(sqlite::migrate(db), "");
                    ASSERT_EQ(db.exec("PRAGMA user_version = 99"), "");
                  },
                  "written by a newer rollguard (schema version 99"},
        FaultCase{"ASchemaVersionWithoutItsTables",
                  [](const std::string& p) {
                    sqlite::Database db;
                    ASSERT_EQ(db.open(p), "");
                    ASSERT_EQ(db.exec("CREATE TABLE rollouts (name TEXT); PRAGMA user_version = 2"),
                              "");
                  },
                  "schema version 2 but no table \"revisions\""},
        FaultCase{"ADamagedPageOfTheEventLog",
                  [](const std::string& p) {
                    real_store(p);
                    const auto page =
                        query_int(p, "SELECT rootpage FROM sqlite_schema WHERE name = 'events'");
                    const auto size = query_int(p, "PRAGMA page_size");
                    ASSERT_GT(page, 1);
                    std::fstream f(p, std::ios::binary | std::ios::in | std::ios::out);
                    f.seekp((page - 1) * size + 8);
                    const std::string junk(64, '\x7f');
                    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
                  },
                  "it is damaged (table events"}),
    [](const auto& info) { return info.param.name; });

TEST(StoreFileFaults, ANewFileIsCreatedWholeWithNothingLeftBeside) {
  TempDir dir("store-faults");
  const std::string path = dir.file("rollguard.db");
  write_bytes(path + ".new", "left by a start that died half-way");
  auto opened = SqliteStore::open(path);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<SqliteStore>>(opened))
      << std::get<StoreError>(opened).message;
  EXPECT_FALSE(std::filesystem::exists(path + ".new"));
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), sqlite::latest_schema_version());
}

TEST(StoreFileFaults, AWholeStoreStillOpensAfterTheChecks) {
  TempDir dir("store-faults");
  const std::string path = dir.file("rollguard.db");
  real_store(path);
  auto opened = SqliteStore::open(path);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<SqliteStore>>(opened))
      << std::get<StoreError>(opened).message;
  auto events = std::get<std::unique_ptr<SqliteStore>>(opened)->events("shop", 0);
  ASSERT_TRUE(std::holds_alternative<std::vector<StoredEvent>>(events));
  EXPECT_EQ(std::get<std::vector<StoredEvent>>(events).size(), 200u);
}

}  // namespace sqlite_open_faults
}  // namespace rollguard
