// Durations as manifests write them (parse_duration, manifests/duration.hpp): text that is not
// one is nullopt. One that is lies between 0 and a century, and its canonical spelling
// (format_duration) reads back as the same duration.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "manifests/duration.hpp"

using namespace rollguard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<Duration> d = parse_duration(text);
  if (!d) return 0;
  constexpr long long kCenturyMs = 1000LL * 3600 * 24 * 365 * 100;
  fuzz::check(d->count() >= 0 && d->count() <= kCenturyMs,
              "duration out of range: " + std::to_string(d->count()) + "ms");
  const std::string canonical = format_duration(*d);
  fuzz::check(parse_duration(canonical) == d, "\"" + canonical + "\" does not read back");
  (void)format_time(TimePoint{*d});
  return 0;
}
