#pragma once
// A small tmpfs mounted for one test, for the faults a real disk has: full (`size=512k`, then
// fill()) or read-only (remount). Mounting needs root (CI runs as root); without it ok() is
// false and why() says what mount(2) answered, for a GTEST_SKIP.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rollguard::testing {

class TmpfsMount {
 public:
  TmpfsMount(std::filesystem::path at, std::string options)
      : at_(std::move(at)), options_(std::move(options)) {
    std::filesystem::create_directories(at_);
    if (::mount("tmpfs", at_.c_str(), "tmpfs", 0, options_.c_str()) == 0) {
      mounted_ = true;
    } else {
      why_ = std::string("mount -t tmpfs -o ") + options_ + " " + at_.string() + ": " +
             std::strerror(errno) + (::geteuid() == 0 ? "" : " (not root)");
    }
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;

  bool ok() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::filesystem::path& path() const { return at_; }

  // Read-only (true) or writable again; empty on success, else why not.
  std::string remount(bool read_only) {
    const unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    if (::mount("tmpfs", at_.c_str(), "tmpfs", flags, options_.c_str()) == 0) return {};
    return std::string("remount: ") + std::strerror(errno);
  }

  // Writes `file` (inside the mount) until the file system has no byte left; the bytes written.
  std::size_t fill(const std::string& file = "filler") {
    const std::string path = (at_ / file).string();
    std::FILE* f = std::fopen(path.c_str(), "ab");
    if (!f) return 0;
    std::setvbuf(f, nullptr, _IONBF, 0);
    std::size_t written = 0;
    const std::vector<char> block(4096, 'x');
    for (std::size_t chunk : {block.size(), std::size_t{1}}) {
      while (std::fwrite(block.data(), 1, chunk, f) == chunk) written += chunk;
      std::clearerr(f);
    }
    std::fclose(f);
    return written;
  }
  void unfill(const std::string& file = "filler") { std::filesystem::remove(at_ / file); }

 private:
  std::filesystem::path at_;
  std::string options_;
  bool mounted_ = false;
  std::string why_;
};

// The bytes of a file (empty when it cannot be read), to show a refused file was not touched.
inline std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace rollguard::testing
