#include "health/judges/judge_result.hpp"

#include <charconv>
#include <cmath>

#include "manifests/enum_names.hpp"

namespace rollguard {

std::string_view to_string(JudgeClass c) {
  switch (c) {
    case JudgeClass::Pass:
      return "Pass";
    case JudgeClass::High:
      return "High";
    case JudgeClass::Low:
      return "Low";
    case JudgeClass::Inconclusive:
      return "Inconclusive";
  }
  return "?";
}

std::string_view to_string(JudgeKind k) {
  return enum_name(judge_names(), k);  // the manifest's one table of names
}

std::string_view to_string(CompareAgainst a) {
  return enum_name(compare_against_names(), a);
}

bool is_bad(JudgeClass c, Direction d) {
  switch (c) {
    case JudgeClass::High:
      return d == Direction::Increase || d == Direction::Either;
    case JudgeClass::Low:
      return d == Direction::Decrease || d == Direction::Either;
    case JudgeClass::Pass:
    case JudgeClass::Inconclusive:
      return false;
  }
  return false;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // std::to_chars with a precision writes what printf's "%.3g" does, several times faster
  // (a simulated hour formats a few hundred of these).
  char buf[32];
  return {buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 3).ptr};
}

std::string format_ratio(double r) {
  if (std::isinf(r) && r > 0) return "inf";
  // A ratio of 107.4 reads better as "107x" than as "1.07e+02x".
  char buf[32];
  const bool whole = std::fabs(r) >= 100 && std::fabs(r) < 1e9;
  char* end = whole
                  ? std::to_chars(buf, buf + sizeof buf - 1, r, std::chars_format::fixed, 0).ptr
                  : std::to_chars(buf, buf + sizeof buf - 1, r, std::chars_format::general, 3).ptr;
  *end++ = 'x';
  return {buf, end};
}

std::string judge_reason(double canary, double compared, CompareAgainst against, JudgeKind judge,
                         std::string_view details) {
  std::string r = "canary " + format_number(canary) + " vs ";
  r += to_string(against);
  r += " " + format_number(compared);
  r += " (";
  r += to_string(judge);
  if (!details.empty()) {
    r += ", ";
    r += details;
  }
  r += ")";
  return r;
}

JudgeClass ratio_class(double ratio, const CompareSpec& spec) {
  // A ratio within rounding of a bound is on it, and a bound is allowed: 0.04 / 0.05 is
  // 0.7999999999999999 in doubles, which a reason prints as "0.8x" like the bound.
  constexpr double kRounding = 1e-9;
  if (ratio > spec.allowedIncrease * (1 + kRounding)) return JudgeClass::High;
  if (ratio < spec.allowedDecrease * (1 - kRounding)) return JudgeClass::Low;
  return JudgeClass::Pass;
}

std::string ratio_clause(double ratio, const CompareSpec& spec) {
  std::string r = "ratio " + format_ratio(ratio);
  const JudgeClass side = ratio_class(ratio, spec);
  if (side == JudgeClass::High) return r + " > " + format_ratio(spec.allowedIncrease);
  if (side == JudgeClass::Low) return r + " < " + format_ratio(spec.allowedDecrease);
  return r + " within " + format_ratio(spec.allowedDecrease) + ".." +
         format_ratio(spec.allowedIncrease);
}

}  // namespace rollguard
