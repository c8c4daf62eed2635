#include "controller/store/sqlite_db.hpp"

namespace rollguard::sqlite {

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

std::string Database::open(const std::string& path) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return path + ": " + why;
  }
  sqlite3_busy_timeout(db_, 5000);  // another process (a backup, a CLI) may hold the lock briefly
  return {};
}

std::string Database::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
  std::string why = message ? message : last_error();
  sqlite3_free(message);
  return why;
}

Statement Database::prepare(const std::string& sql, std::string& error) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    error = last_error();
    return {};
  }
  return Statement(db_, stmt);
}

std::string Database::last_error() const {
  return db_ ? sqlite3_errmsg(db_) : "database not open";
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::bind(int index, const std::string& text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step(std::string& error) {
  if (!stmt_) {
    error = "statement not prepared";
    return false;
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error = sqlite3_errmsg(db_);
  return false;
}

std::string Statement::run() {
  std::string error;
  while (step(error)) {
  }
  return error;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<double> Statement::real(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt_, column);
}

Transaction::Transaction(Database& db) : db_(db) {
  begin_error_ = db_.exec("BEGIN IMMEDIATE");
  done_ = !begin_error_.empty();
}

Transaction::~Transaction() {
  if (!done_) db_.exec("ROLLBACK");
}

std::string Transaction::commit() {
  if (done_) return begin_error_.empty() ? "transaction already finished" : begin_error_;
  std::string error = db_.exec("COMMIT");
  done_ = error.empty();
  return error;
}

}  // namespace rollguard::sqlite
