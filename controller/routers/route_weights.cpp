#include "controller/routers/route_weights.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rollguard {

namespace {

double worst_error(const TrafficSplit& want, const TrafficSplit& got) {
  double worst = 0;
  for (Role r : kRoles) worst = std::max(worst, std::abs(want[r] - got[r]));
  return worst;
}

}  // namespace

TrafficSplit effective_split(const RoleWeights& weights, const RoleCounts& servers) {
  double total = 0;
  for (Role r : kRoles) total += double(weights[r]) * servers[r];
  TrafficSplit out{0, 0, 0};
  if (total <= 0) return out;
  out.stable = 100.0 * weights.stable * servers.stable / total;
  out.canary = 100.0 * weights.canary * servers.canary / total;
  out.baseline = 100.0 * weights.baseline * servers.baseline / total;
  return out;
}

RoleWeights integer_weights(const TrafficSplit& split, const RoleCounts& servers, int max_weight) {
  double top_share = 0;
  for (Role r : kRoles)
    if (split[r] > 0 && servers[r] > 0) top_share = std::max(top_share, split[r] / servers[r]);
  RoleWeights best;
  if (top_share <= 0 || max_weight < 1) return best;
  double best_error = -1;
  for (int top = 1; top <= max_weight; ++top) {
    RoleWeights candidate;
    for (Role r : kRoles) {
      if (split[r] <= 0 || servers[r] <= 0) continue;
      const double exact = top * (split[r] / servers[r]) / top_share;
      candidate[r] = std::clamp(static_cast<int>(std::lround(exact)), 1, max_weight);
    }
    const double error = worst_error(split, effective_split(candidate, servers));
    if (best_error < 0 || error < best_error - 1e-9) {
      best = candidate;
      best_error = error;
    }
  }
  return best;
}

std::string percent_text(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", std::round(value * 1000) / 1000);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

}  // namespace rollguard
