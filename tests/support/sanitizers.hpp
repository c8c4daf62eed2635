#pragma once
// Whether this test binary is the sanitizer build (tools/build asan: ASan and UBSan together),
// for the few tests whose measure the sanitizers change.
namespace rollguard::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
#else
inline constexpr bool kSanitizedBuild = false;
#endif

}  // namespace rollguard::testing
