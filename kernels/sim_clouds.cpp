#include "kernels/sim_clouds.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/sim_random.hpp"

namespace paddymrv::kernels::sim {

namespace {

double lattice(std::uint64_t seed, std::int64_t i, std::int64_t j) {
  return hash_unit(mix64(seed ^ mix64(static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ULL ^
                                      mix64(static_cast<std::uint64_t>(j)))));
}

double value_noise(std::uint64_t seed, double x, double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  const auto i = static_cast<std::int64_t>(fx), j = static_cast<std::int64_t>(fy);
  double tx = x - fx, ty = y - fy;
  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  const double a = lattice(seed, i, j), b = lattice(seed, i + 1, j);
  const double c = lattice(seed, i, j + 1), d = lattice(seed, i + 1, j + 1);
  return (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty;
}

// The value with a fraction `above` of the values at or above it.
double upper_quantile(std::vector<float>& v, double above) {
  if (v.empty() || above <= 0) return 2.0;
  if (above >= 1) return -1.0;
  const auto k = static_cast<std::size_t>(std::floor((1.0 - above) * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(k, v.size() - 1)), v.end());
  return v[std::min(k, v.size() - 1)];
}

}  // namespace

double fractal_noise(std::uint64_t seed, double x, double y, double scale, int octaves) {
  double sum = 0, norm = 0, amp = 1, s = scale;
  for (int o = 0; o < octaves; ++o) {
    sum += amp * value_noise(mix64(seed + static_cast<std::uint64_t>(o)), x / s, y / s);
    norm += amp;
    amp *= 0.5;
    s *= 0.5;
  }
  return norm > 0 ? std::min(sum / norm, 0.999999) : 0.0;
}

CloudThresholds cloud_thresholds(std::vector<float> values, double cover, double cirrus_share, double high_share) {
  CloudThresholds t;
  cover = std::clamp(cover, 0.0, 1.0);
  t.cirrus = upper_quantile(values, cover);
  t.cloud = upper_quantile(values, cover * (1.0 - cirrus_share));
  t.high = upper_quantile(values, cover * (1.0 - cirrus_share) * high_share);
  return t;
}

}  // namespace paddymrv::kernels::sim
