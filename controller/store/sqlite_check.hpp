#pragma once
// Before anything is written to a store file that already exists: is it a rollguard store this
// binary can use, and is it whole? A file that is not (garbage, truncated, another program's
// database, a newer schema) is refused before the first write, so that it is left exactly as
// it was found: what is in it may be someone's only record of their rollouts.
#include <string>

#include "controller/store/sqlite_db.hpp"

namespace rollguard::sqlite {

// From the file's bytes alone, without SQLite: empty, not a SQLite file, or shorter than its
// header says. Empty when the file looks whole.
std::string check_file(const std::string& path);

// On `db` opened on that file, reading only: writable, a schema version this binary knows,
// rollguard's tables for that version, their pages intact. Empty when usable.
std::string check_store(Database& db);

}  // namespace rollguard::sqlite
