#include "controller/routers/haproxy/haproxy_server_state.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <map>
#include <sstream>

namespace rollguard {

namespace {

// srv_admin_state bits (HAProxy's SRV_ADMF_*): forced, inherited, configured, resolution and
// hostname maintenance, and forced or inherited drain. Any of them stops new traffic.
constexpr int kNoTrafficAdminBits = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40;

std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string field; in >> field;) out.push_back(field);
  return out;
}

bool to_int(const std::string& text, int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool same_address(const std::string& a, const std::string& b) {
  boost::system::error_code ea, eb;
  const auto x = boost::asio::ip::make_address(a, ea);
  const auto y = boost::asio::ip::make_address(b, eb);
  return ea || eb ? a == b : x == y;
}

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

}  // namespace

HaproxyStateTable parse_servers_state(std::string_view answer) {
  HaproxyStateTable table;
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= answer.size();) {
    const auto end = answer.find('\n', start);
    const auto line = answer.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (lines.size() < 2 || lines[1].substr(0, 2) != "# ") {
    table.error = answer.empty() ? "an empty answer" : "\"" + first_line(answer) + "\"";
    return table;
  }
  std::map<std::string, std::size_t> column;
  const auto header = fields(lines[1].substr(2));
  for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (const char* needed : {"srv_name", "srv_addr", "srv_port", "srv_uweight", "srv_admin_state"})
    if (!column.count(needed)) {
      table.error = std::string("no ") + needed + " column in the server state header";
      return table;
    }
  for (std::size_t i = 2; i < lines.size(); ++i) {
    const auto row = fields(lines[i]);
    if (row.size() < header.size()) {
      table.error = "a short server state line: \"" + std::string(lines[i]) + "\"";
      return table;
    }
    HaproxyServerState server;
    server.name = row[column["srv_name"]];
    server.address = row[column["srv_addr"]];
    if (!to_int(row[column["srv_port"]], server.port) ||
        !to_int(row[column["srv_uweight"]], server.weight) ||
        !to_int(row[column["srv_admin_state"]], server.admin_state)) {
      table.error = "an unreadable server state line: \"" + std::string(lines[i]) + "\"";
      return table;
    }
    table.servers.push_back(std::move(server));
  }
  return table;
}

std::string verify_servers_state(const std::string& backend, const HaproxyPlan& plan,
                                 const HaproxyStateTable& state) {
  if (!state.error.empty()) return "show servers state " + backend + " answered " + state.error;
  for (const auto& want : plan.servers) {
    const std::string id = backend + "/" + want.name;
    const HaproxyServerState* got = nullptr;
    for (const auto& s : state.servers)
      if (s.name == want.name) got = &s;
    if (got == nullptr) return "server " + id + " is not in show servers state";
    if (got->weight != want.weight)
      return "server " + id + " has weight " + std::to_string(got->weight) + " after set weight " +
             std::to_string(want.weight);
    if (want.address &&
        (!same_address(got->address, want.address->host) || got->port != want.address->port))
      return "server " + id + " points at " + got->address + ":" + std::to_string(got->port) +
             " after set server addr " + want.address->host + " port " +
             std::to_string(want.address->port);
    if (want.weight > 0 && (got->admin_state & kNoTrafficAdminBits) != 0) {
      std::ostringstream bits;
      bits << std::hex << got->admin_state;
      return "server " + id +
             " should take traffic but is in maintenance or draining (admin state 0x" + bits.str() +
             ")";
    }
  }
  return "";
}

}  // namespace rollguard
