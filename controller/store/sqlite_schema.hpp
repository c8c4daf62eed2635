#pragma once
// The SQLite schema as an ordered list of migrations. `PRAGMA user_version` holds how many
// have been applied; opening a file applies the rest, each in its own transaction together
// with the version bump, so a file is always at exactly one version. A migration, once
// released, is never edited: a change is a new migration at the end.
#include <string>
#include <vector>

#include "controller/store/sqlite_db.hpp"

namespace rollguard::sqlite {

// migrations()[i] takes a file from version i to version i + 1.
const std::vector<std::string>& migrations();
inline int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

// Brings `db` to `target` (default: the latest); empty on success. A file newer than this
// binary knows is refused rather than written to.
std::string migrate(Database& db, int target = latest_schema_version());
int schema_version(Database& db);

}  // namespace rollguard::sqlite
