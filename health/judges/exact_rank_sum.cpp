#include "health/judges/exact_rank_sum.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace rollguard {
namespace {

struct Group {
  std::int64_t size = 0, canary = 0;
};

}  // namespace

std::optional<double> exact_rank_sum_p(std::span<const double> xs, std::span<const double> ys,
                                       std::size_t max_states) {
  const auto m = static_cast<std::int64_t>(xs.size()), n = static_cast<std::int64_t>(ys.size());
  const std::int64_t total = m + n;
  // Tie groups in ascending order, each with its size and the canary's share of it.
  std::vector<Group> groups;
  {
    std::size_t i = 0, j = 0;
    while (i < xs.size() || j < ys.size()) {
      const double v = (j == ys.size() || (i < xs.size() && xs[i] <= ys[j])) ? xs[i] : ys[j];
      Group g;
      while (i < xs.size() && xs[i] == v) ++i, ++g.canary, ++g.size;
      while (j < ys.size() && ys[j] == v) ++j, ++g.size;
      groups.push_back(g);
    }
  }
  // An upper bound of the states the count will hold: the product of the groups' choices.
  double reachable = 1;
  for (const Group& g : groups) {
    reachable *= static_cast<double>(std::min(g.size, m) + 1);
    if (reachable > static_cast<double>(max_states)) return std::nullopt;
  }
  // 2U as an integer: a canary value in group g beats the b_before baseline values below it
  // and ties with the group's baseline values, so it adds 2 b_before + (size - a) for a
  // canary values in the group.
  std::int64_t observed = 0, before = 0, canary_before = 0;
  for (const Group& g : groups) {
    observed += g.canary * (2 * (before - canary_before) + (g.size - g.canary));
    before += g.size;
    canary_before += g.canary;
  }
  const std::int64_t centre = m * n;  // 2 · mn/2
  const std::int64_t distance = std::llabs(observed - centre);

  std::vector<double> log_factorial(static_cast<std::size_t>(total) + 1, 0.0);
  for (std::int64_t k = 1; k <= total; ++k)
    log_factorial[static_cast<std::size_t>(k)] =
        log_factorial[static_cast<std::size_t>(k - 1)] + std::log(static_cast<double>(k));
  const auto log_choose = [&](std::int64_t a, std::int64_t b) {
    return log_factorial[static_cast<std::size_t>(a)] - log_factorial[static_cast<std::size_t>(b)] -
           log_factorial[static_cast<std::size_t>(a - b)];
  };
  // The probability of each (canary values placed, 2U so far), group after group: given k
  // canary values among the first S, the group's canary count a is hypergeometric over the
  // N - S values left, m - k of them the canary's.
  const auto key = [&](std::int64_t k, std::int64_t two_u) { return k * (2 * m * n + 1) + two_u; };
  std::unordered_map<std::int64_t, double> states{{key(0, 0), 1.0}}, next;
  before = 0;
  for (const Group& g : groups) {
    next.clear();
    const std::int64_t left = total - before;
    for (const auto& [state, p] : states) {
      const std::int64_t k = state / (2 * m * n + 1), two_u = state % (2 * m * n + 1);
      const std::int64_t slots = m - k;  // canary values still to place
      const double log_norm = log_choose(left, slots);
      const std::int64_t low = std::max<std::int64_t>(0, g.size - (left - slots));
      const std::int64_t high = std::min(g.size, slots);
      for (std::int64_t a = low; a <= high; ++a) {
        const double q =
            std::exp(log_choose(g.size, a) + log_choose(left - g.size, slots - a) - log_norm);
        next[key(k + a, two_u + a * (2 * (before - k) + (g.size - a)))] += p * q;
      }
    }
    states.swap(next);
    before += g.size;
  }
  double p = 0;
  for (const auto& [state, q] : states)
    if (std::llabs(state % (2 * m * n + 1) - centre) >= distance) p += q;
  return std::min(1.0, p);
}

}  // namespace rollguard
