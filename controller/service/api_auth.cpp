#include "controller/service/api_auth.hpp"

#include <fstream>
#include <sstream>

#include "controller/service/api_error.hpp"
#include "health/text.hpp"

namespace rollguard {
namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

std::optional<ApiRole> parse_api_role(std::string_view s) {
  if (s == "viewer") return ApiRole::Viewer;
  if (s == "operator") return ApiRole::Operator;
  return std::nullopt;
}

bool printable_token(std::string_view token) {
  for (unsigned char c : token)
    if (c <= 0x20 || c >= 0x7f) return false;
  return true;
}

}  // namespace

std::string_view to_string(ApiRole r) {
  switch (r) {
    case ApiRole::Anonymous:
      return "anonymous";
    case ApiRole::Viewer:
      return "viewer";
    case ApiRole::Operator:
      return "operator";
  }
  return "anonymous";
}

LoadedTokens parse_tokens(std::string_view text, const std::string& label) {
  LoadedTokens out;
  TokenTable table;
  std::istringstream lines{std::string(text)};
  std::string raw;
  for (int number = 1; std::getline(lines, raw); ++number) {
    std::string_view line = raw;
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const std::string where = label + ":" + std::to_string(number) + ": ";
    const auto fields = split_fields(line);
    if (fields.size() != 3) {
      out.errors.push_back(where + "expected 3 fields \"token,name,role\", got " +
                           std::to_string(fields.size()));
      continue;
    }
    const auto role = parse_api_role(fields[2]);
    if (fields[0].empty() || !printable_token(fields[0]))
      out.errors.push_back(where + "the token is empty or has spaces or control characters");
    else if (fields[1].empty())
      out.errors.push_back(where + "the name is empty (it is the actor recorded with actions)");
    else if (!role)
      out.errors.push_back(where + "unknown role \"" + std::string(fields[2]) +
                           "\" (expected viewer or operator)");
    else if (!table.add(std::string(fields[0]), Caller{std::string(fields[1]), *role}))
      out.errors.push_back(where + "this token is already listed on an earlier line");
  }
  if (out.errors.empty() && table.size() == 0)
    out.errors.push_back(label + ": no tokens (every request would be refused)");
  if (out.errors.empty()) out.table = std::move(table);
  return out;
}

LoadedTokens load_tokens_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return LoadedTokens{std::nullopt, {path + ": cannot read the tokens file"}};
  std::stringstream text;
  text << in.rdbuf();
  return parse_tokens(text.str(), path);
}

bool TokenTable::add(std::string token, Caller caller) {
  return callers_.emplace(std::move(token), std::move(caller)).second;
}

std::optional<Caller> TokenTable::find(std::string_view token) const {
  auto it = callers_.find(token);
  if (it == callers_.end()) return std::nullopt;
  return it->second;
}

Caller authenticate(const TokenTable* tokens, std::string_view authorization) {
  if (!tokens) return Caller{"local", ApiRole::Operator};
  if (authorization.empty()) return Caller{"anonymous", ApiRole::Anonymous};
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() || authorization.substr(0, kBearer.size()) != kBearer)
    throw Unauthenticated("Unauthenticated", "expected \"Authorization: Bearer TOKEN\"");
  if (auto caller = tokens->find(trim(authorization.substr(kBearer.size())))) return *caller;
  throw Unauthenticated("Unauthenticated", "unknown bearer token");
}

}  // namespace rollguard
