#include "controller/store/open_store.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <regex>

#include "controller/store/pg_store.hpp"
#include "controller/store/sqlite_store.hpp"

namespace rollguard {

std::optional<std::string> check_store_uri(const std::string& uri) {
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) return std::nullopt;
  return "\"" + uri + "\" is not a PostgreSQL URI (postgresql://USER@HOST:PORT/DB); " +
         "for SQLite, use --data DIR";
}

std::string redacted(const std::string& uri) {
  static const std::regex password("(://[^:@/]*):[^@/]*@");
  return std::regex_replace(uri, password, "$1:***@");
}

std::variant<OpenedStore, std::string> open_store(const StoreLocation& where) {
  OpenedStore out;
  if (!where.uri.empty()) {
    if (auto bad = check_store_uri(where.uri)) return *bad;
    auto opened = PgStore::open(where.uri, where.holder, where.fence);
    if (auto* e = std::get_if<StoreError>(&opened)) return e->message;
    out.store = std::get<std::unique_ptr<PgStore>>(std::move(opened));
    return out;
  }
  std::error_code ec;
  std::filesystem::create_directories(where.data_dir, ec);
  if (ec) return where.data_dir + ": " + ec.message();
  // Said plainly up front: otherwise the first file that cannot be made names the problem.
  if (::access(where.data_dir.c_str(), W_OK) != 0) {
    return where.data_dir + ": the data directory is not writable (" + std::strerror(errno) +
           "); serve keeps its store there and writes every transition before acting on it";
  }
  auto lock = DirectoryLock::acquire(where.data_dir);
  if (auto* refused = std::get_if<std::string>(&lock)) return *refused;
  out.lock.emplace(std::get<DirectoryLock>(std::move(lock)));
  auto opened =
      SqliteStore::open((std::filesystem::path(where.data_dir) / "rollguard.db").string());
  if (auto* e = std::get_if<StoreError>(&opened)) return e->message;
  out.store = std::get<std::unique_ptr<SqliteStore>>(std::move(opened));
  return out;
}

}  // namespace rollguard
