#pragma once
// Who is calling: bearer tokens from a CSV file like Kubernetes' static token file,
// `token,name,role` per line, `#` starts a comment, role `viewer` (reads) or `operator` (also
// acts). The token's name is the actor recorded with every action it takes.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollguard {

// Ordered: a route names the least role that may call it.
enum class ApiRole { Anonymous, Viewer, Operator };
std::string_view to_string(ApiRole r);

struct Caller {
  std::string name;  // the actor; "anonymous" without a token
  ApiRole role = ApiRole::Anonymous;
};

class TokenTable {
 public:
  bool add(std::string token, Caller caller);  // false when the token is already there
  std::optional<Caller> find(std::string_view token) const;
  std::size_t size() const { return callers_.size(); }

 private:
  std::map<std::string, Caller, std::less<>> callers_;
};

// Each line's problem as "FILE:LINE: what is wrong"; the table is set only without errors.
struct LoadedTokens {
  std::optional<TokenTable> table;
  std::vector<std::string> errors;
};
LoadedTokens parse_tokens(std::string_view text, const std::string& label);
LoadedTokens load_tokens_file(const std::string& path);

// The caller behind an Authorization header. Without a token table (a loopback-only server)
// everyone is an operator named "local"; with one, a missing or unknown token is anonymous.
// A header that is present but not "Bearer TOKEN" throws Unauthenticated.
Caller authenticate(const TokenTable* tokens, std::string_view authorization);

}  // namespace rollguard
