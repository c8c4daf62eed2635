#pragma once
// A thin RAII layer over libpq: one connection, statements with text parameters, results as
// text, errors as text (never exceptions), so the PostgreSQL store can return them as data
// the way the SQLite one does. A connection the server dropped is re-established by the next
// call (`reconnect`), so a database restart costs the calls made while it was down.
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rollguard::pg {

// One statement parameter, sent as text; nullopt is SQL NULL.
using Param = std::optional<std::string>;
Param param(const std::string& text);
Param param(std::int64_t value);
inline Param param(int value) {
  return param(static_cast<std::int64_t>(value));
}
Param param(double value);
// A text[] parameter ($1::text[]), each element quoted.
Param text_array(const std::vector<std::string>& values);

class Result {
 public:
  Result() = default;
  explicit Result(PGresult* result, std::string error)
      : result_(result, &PQclear), error_(std::move(error)) {}

  // Empty when the statement succeeded.
  const std::string& error() const { return error_; }
  // The SQLSTATE of a failure ("23505" for a unique violation), empty when none.
  std::string sqlstate() const;
  int rows() const { return result_ ? PQntuples(result_.get()) : 0; }
  std::int64_t affected() const;  // rows an INSERT/UPDATE/DELETE touched

  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<double> real(int row, int column) const;  // nullopt for NULL
  bool boolean(int row, int column) const { return text(row, column) == "t"; }

 private:
  std::shared_ptr<PGresult> result_;
  std::string error_;
};

class Connection {
 public:
  // Connects to a libpq URI or key=value string; the connection, or why not.
  static std::variant<Connection, std::string> open(const std::string& uri);

  Connection() = default;
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // Runs one statement (parameters as $1, $2, ...); a multi-statement script when there are
  // no parameters.
  Result exec(const std::string& sql, const std::vector<Param>& params = {});
  // False once the server closed the connection (libpq notices on the next statement).
  bool usable() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  // Re-establishes a closed connection (a new session); empty when it is usable again.
  std::string reconnect();
  std::string last_error() const;

  // LISTEN/NOTIFY: the socket to wait on, then the notifications that arrived.
  int socket() const { return conn_ ? PQsocket(conn_.get()) : -1; }
  struct Notification {
    std::string channel;
    std::string payload;
  };
  // Reads what the server sent; error() set when the connection broke.
  std::vector<Notification> notifications(std::string& error);

 private:
  explicit Connection(PGconn* conn) : conn_(conn, &PQfinish) {}
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_{nullptr, &PQfinish};
};

// BEGIN ... COMMIT, rolled back unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  const std::string& begin_error() const { return begin_error_; }
  std::string commit();

 private:
  Connection& db_;
  std::string begin_error_;
  bool done_ = false;
};

}  // namespace rollguard::pg
