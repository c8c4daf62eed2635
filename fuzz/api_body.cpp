// The body of PUT /v1/rollouts/{name} (manifest_from_body, controller/service/manifest_body.hpp)
// with the media type picked by the first byte. Bad input is one of the ApiErrors it documents
// (400, 415, 422), which error_reply turns into the JSON error body; any other exception
// escapes and is a finding. An accepted manifest's JSON can be written (the store does).
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/service/api_error.hpp"
#include "controller/service/manifest_body.hpp"
#include "fuzz/fuzz_check.hpp"
#include "manifests/manifest_json.hpp"

using namespace rollguard;

namespace {

const char* const kMediaTypes[] = {
    "",          "application/json", "application/yaml",         "application/x-yaml",
    "text/yaml", "text/plain",       "application/octet-stream", "image/png"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string content_type = kMediaTypes[data[0] % std::size(kMediaTypes)];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const RolloutSpec spec = manifest_from_body(content_type, body);
    (void)to_json(spec).dump();  // the store keeps it so; GET /v1/rollouts/{name} answers it
  } catch (const ApiError&) {
    const ErrorReply reply = error_reply(std::current_exception());
    fuzz::check(reply.status == 400 || reply.status == 415 || reply.status == 422,
                "a manifest body refused with " + std::to_string(reply.status));
    fuzz::check(!reply.body.empty(), "an error reply without a body");
  }
  return 0;
}
