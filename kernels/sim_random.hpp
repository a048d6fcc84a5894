#pragma once
// Deterministic random streams for the season simulator.
//
// Every random quantity is drawn from a stream named by a path of integers
// (what, item, band, row, …) hashed together with the seed. A value
// therefore never depends on how many draws happened elsewhere, on the
// thread count or on the order in which work is done, and one more
// parameter or one more scene does not reshuffle the rest of the world.
//
// The distributions are written out here (not std::*_distribution, whose
// algorithms differ between standard libraries) so that a seed gives the
// same season with any compiler.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>

#include "kernels/split_mix.hpp"

namespace paddymrv::kernels::sim {

// What a stream is for: the first element of every stream path.
enum Stream : std::uint64_t {
  kStreamZones = 1,
  kStreamFields,
  kStreamRice,
  kStreamWeather,
  kStreamSchedule,
  kStreamS1Pixels,
  kStreamS2Pixels,
  kStreamClouds,
  kStreamCommunes,
  kStreamReference,
  kStreamClaims,
  kStreamValidationPoints,  // new streams go last: the numbers above name existing seasons
};

constexpr std::uint64_t derive_seed(std::uint64_t seed, std::initializer_list<std::uint64_t> path) {
  std::uint64_t h = mix64(seed);
  for (std::uint64_t p : path) h = mix64(h ^ mix64(p));
  return h;
}

// Uniform in [0, 1) from a 64-bit hash (53 significant bits).
constexpr double hash_unit(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

class Rng {
 public:
  Rng(std::uint64_t seed, std::initializer_list<std::uint64_t> path) : engine_(derive_seed(seed, path)) {}

  double unit() { return hash_unit(engine_()); }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  // Integer in [lo, hi] (inclusive). The modulo bias is < 2^-40 for our ranges.
  int uniform_int(int lo, int hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int>(engine_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool bernoulli(double p) { return unit() < p; }

  // Standard normal, Marsaglia polar method (Marsaglia & Bray 1964, SIAM
  // Review 6(3)): Box–Muller without the trigonometry; both values of a
  // pair are used.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * unit() - 1.0;
      v = 2.0 * unit() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  // Gamma(shape, scale 1), Marsaglia & Tsang (2000), ACM TOMS 26(3):363–372;
  // shapes < 1 by their boosting rule Gamma(a) = Gamma(a+1)·U^(1/a).
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(1.0 - unit(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = 1.0 - unit();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  // Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b).
  double beta(double a, double b) {
    const double x = gamma(a);
    const double y = gamma(b);
    return (x + y) > 0 ? x / (x + y) : 0.5;
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace paddymrv::kernels::sim
