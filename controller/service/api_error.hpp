#pragma once
// Errors at the HTTP edge. Handlers throw one of these typed exceptions; `error_reply` is the
// one place that turns any exception into a status and the JSON error body of
// docs/api.md, "Errors": {"error": {"code", "message", "path", "line", "column"}}.
#include <stdexcept>
#include <string>
#include <vector>

#include "manifests/diagnostic.hpp"

namespace rollguard {

class ApiError : public std::runtime_error {
 public:
  ApiError(std::string code, const std::string& message, Diagnostics details = {})
      : std::runtime_error(message), code_(std::move(code)), details_(std::move(details)) {}
  const std::string& code() const { return code_; }
  // Where in a manifest the problem is; the first one is also the error's path/line/column.
  const Diagnostics& details() const { return details_; }

 private:
  std::string code_;
  Diagnostics details_;
};

// One class per status so that a handler names the kind of failure, not a number.
struct BadRequest : ApiError {  // 400: unreadable request or body
  using ApiError::ApiError;
};
struct Unauthenticated : ApiError {  // 401: no valid bearer token
  using ApiError::ApiError;
};
struct Forbidden : ApiError {  // 403: a viewer that acts
  using ApiError::ApiError;
};
struct NotFound : ApiError {  // 404
  using ApiError::ApiError;
};
struct MethodNotAllowed : ApiError {  // 405: known path, other method
  using ApiError::ApiError;
};
struct Conflict : ApiError {  // 409: refused in this phase
  using ApiError::ApiError;
};
struct PayloadTooLarge : ApiError {  // 413: body over the limit
  using ApiError::ApiError;
};
struct UnsupportedMediaType : ApiError {  // 415: neither JSON nor YAML
  using ApiError::ApiError;
};
struct Unprocessable : ApiError {  // 422: well-formed but invalid manifest
  using ApiError::ApiError;
};
struct Unavailable : ApiError {  // 503: not ready, shutting down
  using ApiError::ApiError;
};

struct ErrorReply {
  int status = 500;
  std::string body;  // the JSON error object
};

// Call inside a catch block: maps the exception in flight. Anything that is not an ApiError
// is a 500 "Internal" whose message is the exception's text.
ErrorReply error_reply(std::exception_ptr error);

// The JSON body for `status` with this code and message (no manifest position).
std::string error_body(const std::string& code, const std::string& message);

}  // namespace rollguard
