#pragma once
// The simulator's random numbers: xoshiro256** (Blackman and Vigna; 32 bytes of state, so a
// run's four streams cost nothing to seed, where a Mersenne Twister fills 2.5 KB each) and
// samplers written here rather than std::*_distribution, whose algorithms differ between
// standard libraries. Same seed, same numbers, on any platform with IEEE doubles and the same
// libm.
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <vector>

namespace rollguard::sim {

// A Poisson distribution's P(X <= k), tabulated until 1 - 1e-15 (means up to ~700, where
// P(X = 0) is still a normal double), drawn from by inversion with a guide table (Chen and
// Asau): the search starts at the first k that can hold u, a step or two from the answer.
class PoissonTable {
 public:
  explicit PoissonTable(double mean);
  double mean() const { return mean_; }
  // The first k with P(X <= k) >= u; past the table the search goes on term by term.
  std::int64_t draw(double u) const;

 private:
  double mean_;
  std::vector<double> cdf_;
  std::vector<std::uint32_t> guide_;  // guide_[i]: the first k with P(X <= k) >= i / size
};

class Random {
 public:
  explicit Random(std::uint64_t seed);

  // An independent-looking stream for `purpose` within run `seed` (SplitMix64 of both).
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t purpose);

  // (0, 1): never 0, so log(uniform()) is finite. 53 random bits, half a step off zero.
  // Inline, like next(): a simulated hour draws tens of thousands.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  double normal();       // standard normal (Marsaglia's polar method, one value per call)
  double exponential();  // rate 1
  // Inversion through a table of the distribution once a mean is asked a second time in a row
  // (a steady rate asks the same mean bucket after bucket): one uniform and a step or two of
  // search; Hörmann's PTRS for one-off means and means above the tables' range.
  std::int64_t poisson(double mean);
  std::int64_t binomial(std::int64_t n, double p);
  double gamma(double shape);  // scale 1 (Marsaglia and Tsang)
  double beta(double a, double b);

 private:
  std::int64_t poisson_small(double mean);
  std::int64_t poisson_ptrs(double mean);
  const PoissonTable* poisson_table(double mean);
  std::int64_t binomial_inversion(std::int64_t n, double p);
  std::int64_t binomial_btrs(std::int64_t n, double p);

  std::uint64_t next() {  // xoshiro256**
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }

  std::array<std::uint64_t, 4> state_;

  std::array<std::optional<PoissonTable>, 4> tables_;
  std::size_t tables_next_ = 0;   // the slot a new table replaces
  double untabulated_mean_ = -1;  // asked once: tabulated if asked again

  // PTRS's constants for the last mean (a steady mean above the tables' range recurs bucket
  // after bucket, and the logs and square root would cost as much as the draw).
  struct PtrsSetup {
    double mean = -1, slam = 0, loglam = 0, b = 0, a = 0, log_invalpha = 0, vr = 0;
  } ptrs_;
};

// log(k!) exactly enough for the rejection tests (a table, then Stirling's series).
double log_factorial(std::int64_t k);

}  // namespace rollguard::sim
