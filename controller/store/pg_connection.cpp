#include "controller/store/pg_connection.hpp"

#include <charconv>
#include <cstdlib>
#include <variant>

namespace rollguard::pg {
namespace {

// libpq's messages end in a newline and sometimes span lines; one line reads better in logs.
std::string one_line(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s.empty() ? "unknown error" : s;
}

}  // namespace

Param param(const std::string& text) {
  return text;
}

Param text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Param param(std::int64_t value) {
  return std::to_string(value);
}

Param param(double value) {
  // The shortest text that reads back as the same double.
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string Result::sqlstate() const {
  if (!result_) return {};
  const char* state = PQresultErrorField(result_.get(), PG_DIAG_SQLSTATE);
  return state ? state : "";
}

std::int64_t Result::affected() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t Result::integer(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

std::optional<double> Result::real(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return std::strtod(PQgetvalue(result_.get(), row, column), nullptr);
}

std::variant<Connection, std::string> Connection::open(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (!conn) return std::string("out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = one_line(PQerrorMessage(conn));
    PQfinish(conn);
    return why;
  }
  return Connection(conn);
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  if (!conn_) return Result(nullptr, "not connected");
  PGresult* r = nullptr;
  if (params.empty()) {
    r = PQexec(conn_.get(), sql.c_str());
  } else {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    r = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                     values.data(), nullptr, nullptr, 0);
  }
  const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Result(r, {});
  std::string why = one_line(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
  return Result(r, why);
}

std::string Connection::reconnect() {
  if (!conn_) return "not connected";
  PQreset(conn_.get());
  if (PQstatus(conn_.get()) == CONNECTION_OK) return {};
  return one_line(PQerrorMessage(conn_.get()));
}

std::string Connection::last_error() const {
  return conn_ ? one_line(PQerrorMessage(conn_.get())) : "not connected";
}

std::vector<Connection::Notification> Connection::notifications(std::string& error) {
  std::vector<Notification> out;
  if (!conn_ || PQconsumeInput(conn_.get()) == 0) {
    error = last_error();
    return out;
  }
  while (PGnotify* n = PQnotifies(conn_.get())) {
    out.push_back(Notification{n->relname, n->extra ? n->extra : ""});
    PQfreemem(n);
  }
  return out;
}

Transaction::Transaction(Connection& db) : db_(db) {
  begin_error_ = db_.exec("BEGIN").error();
  done_ = !begin_error_.empty();
}

Transaction::~Transaction() {
  if (!done_) db_.exec("ROLLBACK");
}

std::string Transaction::commit() {
  done_ = true;
  return db_.exec("COMMIT").error();
}

}  // namespace rollguard::pg
