#pragma once
// Where `serve` keeps its state: SQLite in a data directory it locks (the embedded default),
// or a PostgreSQL database named by a libpq URI. Opening migrates the schema either way.
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "controller/os/directory_lock.hpp"
#include "controller/store/pg_store.hpp"
#include "controller/store/store.hpp"

namespace rollguard {

struct StoreLocation {
  std::string uri;       // postgresql://USER@HOST:PORT/DB; empty: SQLite under data_dir
  std::string data_dir;  // holds rollguard.db and rollguard.lock
  std::string holder;    // names this server to another one the database refuses
  // Replicas sharing a PostgreSQL database: every write fenced by the rollout's lease
  // (pg_store.hpp) instead of one server taking the whole database.
  std::optional<LeaseFence> fence;
};

struct OpenedStore {
  std::unique_ptr<Store> store;
  std::optional<DirectoryLock> lock;  // SQLite's data directory, held while the store is used
};

// Why `uri` is not a store URI this build can open; nullopt when it is.
std::optional<std::string> check_store_uri(const std::string& uri);

// `uri` with its password (if any) replaced by "***", for logs.
std::string redacted(const std::string& uri);

std::variant<OpenedStore, std::string> open_store(const StoreLocation& where);

}  // namespace rollguard
