#include "controller/store/sqlite_check.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "controller/store/sqlite_schema.hpp"

namespace rollguard::sqlite {
namespace {

// The header's fields are big-endian (https://www.sqlite.org/fileformat.html, 1.3).
std::uint32_t big_endian(const std::array<unsigned char, 100>& h, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | h[at + static_cast<std::size_t>(i)];
  return v;
}

// The tables migration `version` leaves behind.
std::vector<std::string> tables_of(int version) {
  std::vector<std::string> tables;
  if (version >= 1) tables = {"rollouts", "revisions", "events"};
  if (version >= 2) tables.push_back("measurements");
  return tables;
}

}  // namespace

std::string check_file(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return "cannot read it: " + ec.message();
  // SQLite itself would take an empty file for a new database and write a schema into it; we
  // only ever create the file whole (SqliteStore::open), so an empty one lost its content.
  if (size == 0) return "the file is empty (0 bytes), not a rollguard store";
  std::array<unsigned char, 100> header{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (!in)
    return "cannot read it: " +
           std::string(in.eof() ? "shorter than an SQLite header" : "read error");
  static constexpr char kMagic[] = "SQLite format 3";  // with its NUL: 16 bytes
  if (!std::equal(std::begin(kMagic), std::end(kMagic), header.begin()))
    return "it is not an SQLite database (its first bytes are not an SQLite header)";
  std::uint32_t page_size = big_endian(header, 16, 2);
  if (page_size == 1) page_size = 65536;
  const std::uint32_t pages = big_endian(header, 28, 4);
  // The page count is trustworthy when it was written with the current change counter.
  const bool counted = big_endian(header, 24, 4) == big_endian(header, 92, 4);
  const std::uintmax_t expected = static_cast<std::uintmax_t>(page_size) * pages;
  if (counted && pages > 0 && size < expected)
    return "the file is truncated: its header says " + std::to_string(expected) +
           " bytes, it has " + std::to_string(size);
  return {};
}

std::string check_store(Database& db) {
  if (sqlite3_db_readonly(db.handle(), "main") == 1)
    return "it can only be opened read-only (a read-only file or file system)";
  const int version = schema_version(db);
  if (version < 0) return "cannot read it: " + db.last_error();
  if (version > latest_schema_version()) {
    return "the data was written by a newer rollguard (schema version " + std::to_string(version) +
           ", this one knows up to " + std::to_string(latest_schema_version()) + ")";
  }
  std::string e;
  Statement list = db.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name",
      e);
  std::set<std::string> present;
  while (e.empty() && list.step(e)) present.insert(list.text(0));
  if (!e.empty()) return "cannot read its schema: " + e;
  if (version == 0 && !present.empty()) {
    std::string names;
    for (const std::string& t : present) names += (names.empty() ? "" : ", ") + t;
    return "it is not a rollguard store: it holds tables (" + names +
           ") but no rollguard schema version";
  }
  for (const std::string& table : tables_of(version)) {
    if (!present.contains(table))
      return "schema version " + std::to_string(version) + " but no table \"" + table +
             "\": damaged, or not a rollguard store";
  }
  // What a start reads (every rollout, revision and event) must be whole. The measurements
  // table, the largest by far, is left out: checking it would make a start take as long as
  // reading every measurement of the retention window, and a damaged page there costs only
  // measurements, reported when they are written or read.
  for (const std::string& table : tables_of(std::min(version, 1))) {
    Statement check = db.prepare("PRAGMA quick_check(\"" + table + "\")", e);
    if (e.empty() && check.step(e) && check.text(0) != "ok")
      return "it is damaged (table " + table + ": " + check.text(0) + ")";
    if (!e.empty()) return "it is damaged (table " + table + ": " + e + ")";
  }
  return {};
}

}  // namespace rollguard::sqlite
