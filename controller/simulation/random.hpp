#pragma once
// The simulator's random numbers: xoshiro256** (Blackman and Vigna; 32 bytes of state, so a
// run's four streams cost nothing to seed, where a Mersenne Twister fills 2.5 KB each) and
// samplers written here rather than std::*_distribution, whose algorithms differ between
// standard libraries. Same seed, same numbers, on any platform with IEEE doubles and the same
// libm.
#include <array>
#include <cstdint>

namespace rollguard::sim {

class Random {
 public:
  explicit Random(std::uint64_t seed);

  // An independent-looking stream for `purpose` within run `seed` (SplitMix64 of both).
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t purpose);

  double uniform();      // (0, 1): never 0, so log(uniform()) is finite
  double normal();       // standard normal (Marsaglia's polar method, one value per call)
  double exponential();  // rate 1
  std::int64_t poisson(double mean);
  std::int64_t binomial(std::int64_t n, double p);
  double gamma(double shape);  // scale 1 (Marsaglia and Tsang)
  double beta(double a, double b);

 private:
  std::int64_t poisson_small(double mean);
  std::int64_t poisson_ptrs(double mean);
  std::int64_t binomial_inversion(std::int64_t n, double p);
  std::int64_t binomial_btrs(std::int64_t n, double p);

  std::uint64_t next();  // xoshiro256**

  std::array<std::uint64_t, 4> state_;
  // PTRS's constants for the last few means: a steady rate asks for the same mean bucket
  // after bucket for each role, and the logs and square root would cost as much as the draw.
  struct PtrsSetup {
    double mean = -1, slam = 0, loglam = 0, b = 0, a = 0, log_invalpha = 0, vr = 0;
  };
  const PtrsSetup& ptrs_setup(double mean);
  std::array<PtrsSetup, 4> ptrs_;
  std::size_t ptrs_next_ = 0;  // the slot a new mean replaces
};

// log(k!) exactly enough for the rejection tests (a table, then Stirling's series).
double log_factorial(std::int64_t k);

}  // namespace rollguard::sim
