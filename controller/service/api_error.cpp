#include "controller/service/api_error.hpp"

#include <nlohmann/json.hpp>

namespace rollguard {
namespace {

// Messages quote the request (a JSON parse error names the byte it stopped at), which need not
// be UTF-8: such bytes are written as U+FFFD rather than make dump() throw while an error is
// being answered.
std::string dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json diagnostic_json(const Diagnostic& d) {
  nlohmann::json j{{"path", d.path}, {"message", d.message}};
  if (d.line > 0) {
    j["line"] = d.line;
    j["column"] = d.column;
  }
  if (!d.hint.empty()) j["hint"] = d.hint;
  return j;
}

std::string body_of(const ApiError& e) {
  nlohmann::json error{{"code", e.code()}, {"message", e.what()}};
  if (!e.details().empty()) {
    const Diagnostic& first = e.details().front();
    error["path"] = first.path;
    if (first.line > 0) {
      error["line"] = first.line;
      error["column"] = first.column;
    }
    nlohmann::json details = nlohmann::json::array();
    for (const Diagnostic& d : e.details()) details.push_back(diagnostic_json(d));
    error["details"] = std::move(details);
  }
  return dump(nlohmann::json{{"error", std::move(error)}});
}

}  // namespace

std::string error_body(const std::string& code, const std::string& message) {
  return dump(nlohmann::json{{"error", {{"code", code}, {"message", message}}}});
}

ErrorReply error_reply(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const BadRequest& e) {
    return {400, body_of(e)};
  } catch (const Unauthenticated& e) {
    return {401, body_of(e)};
  } catch (const Forbidden& e) {
    return {403, body_of(e)};
  } catch (const NotFound& e) {
    return {404, body_of(e)};
  } catch (const MethodNotAllowed& e) {
    return {405, body_of(e)};
  } catch (const Conflict& e) {
    return {409, body_of(e)};
  } catch (const PayloadTooLarge& e) {
    return {413, body_of(e)};
  } catch (const UnsupportedMediaType& e) {
    return {415, body_of(e)};
  } catch (const Unprocessable& e) {
    return {422, body_of(e)};
  } catch (const Unavailable& e) {
    return {503, body_of(e)};
  } catch (const ApiError& e) {
    return {500, body_of(e)};
  } catch (const std::exception& e) {
    return {500, error_body("Internal", e.what())};
  } catch (...) {
    return {500, error_body("Internal", "unknown error")};
  }
}

}  // namespace rollguard
