#include "controller/os/command_path.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rollguard {
namespace {

namespace fs = std::filesystem;

class CommandPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rollguard-path-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write(dir_ / "beside-tool", fs::perms::owner_all);
    write(dir_ / "not-executable", fs::perms::owner_read | fs::perms::owner_write);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void write(const fs::path& path, fs::perms perms) {
    std::ofstream(path) << "#!/bin/sh\n";
    fs::permissions(path, perms);
  }

  fs::path dir_;
};

TEST_F(CommandPathTest, Resolves) {
  const std::string beside = (dir_ / "beside-tool").string();
  struct Case {
    const char* name;
    std::string command, search_path, fallback, expected;
  } cases[] = {
      {"OnPathStaysAsWritten", "sh", "/usr/bin:/bin", dir_.string(), "sh"},
      {"NotOnPathFoundBeside", "beside-tool", "/usr/bin:/bin", dir_.string(), beside},
      {"OnPathWinsOverBeside", "beside-tool", dir_.string(), "/nonexistent", "beside-tool"},
      {"WithASlashAsWritten", "./beside-tool", "/usr/bin", dir_.string(), "./beside-tool"},
      {"NotExecutableBesideIsNotFound", "not-executable", "/usr/bin", dir_.string(),
       "not-executable"},
      {"NowhereStaysAsWritten", "rollguard-nowhere", "/usr/bin", dir_.string(),
       "rollguard-nowhere"},
      {"NoFallbackDirectory", "beside-tool", "/usr/bin", "", "beside-tool"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(resolve_command(c.command, c.search_path, c.fallback), c.expected) << c.name;
}

TEST_F(CommandPathTest, TheFallbackIsTheRunningBinarysDirectory) {
  EXPECT_EQ(executable_directory(), fs::canonical("/proc/self/exe").parent_path().string());
}

}  // namespace
}  // namespace rollguard
