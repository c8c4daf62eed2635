#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements with bound
// parameters, and errors as text (never exceptions), so the store can return them as data.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace rollguard::sqlite {

class Statement;

class Database {
 public:
  Database() = default;
  ~Database();
  Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;

  // Opens (creating) the file; an empty string on success, else why not.
  std::string open(const std::string& path);
  bool is_open() const { return db_ != nullptr; }

  // Runs one or more statements without results; empty on success.
  std::string exec(const std::string& sql);
  // Prepares one statement; `error` is set when it cannot be.
  Statement prepare(const std::string& sql, std::string& error);
  std::string last_error() const;
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;

  Statement& bind(int index, const std::string& text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind_null(int index);

  // Steps once: true with a row, false when done; `error` is set on failure.
  bool step(std::string& error);
  // Steps to the end; empty on success.
  std::string run();
  void reset();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::optional<double> real(int column) const;  // nullopt for NULL

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  const std::string& begin_error() const { return begin_error_; }
  std::string commit();

 private:
  Database& db_;
  std::string begin_error_;
  bool done_ = false;
};

}  // namespace rollguard::sqlite
