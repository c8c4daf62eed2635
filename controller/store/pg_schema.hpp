#pragma once
// The PostgreSQL schema as an ordered list of migrations, like SQLite's (sqlite_schema.hpp):
// the table rollguard_schema holds how many have been applied, and opening a database applies
// the rest, each in one transaction with the version bump. Replicas starting together take
// turns through an advisory lock, so a migration runs once. A migration, once released, is
// never edited: a change is a new migration at the end.
#include <string>
#include <vector>

#include "controller/store/pg_connection.hpp"

namespace rollguard::pg {

// migrations()[i] takes a database from version i to version i + 1.
const std::vector<std::string>& migrations();
inline int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

// Brings the database to `target` (default: the latest); empty on success. A database newer
// than this binary knows is refused rather than written to.
std::string migrate(Connection& db, int target = latest_schema_version());
// -1 when it cannot be read; 0 for an empty database.
int schema_version(Connection& db);

}  // namespace rollguard::pg
