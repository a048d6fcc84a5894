#pragma once
// How alike two pixels look, as a weight in [0, 1]: exp(−D²/h²), D² the mean
// over `dims` guide values (the Sentinel-2 NDVI/LSWI/NDRE series of the crop
// features) of their squared difference, h the bandwidth. The range weight
// of a cross (joint) bilateral filter (Tomasi & Manduchi 1998, ICCV;
// Petschnigg et al. 2004, ACM TOG 23(3)): pixels of one field share their
// spectra and phenology and weigh ≈ 1 to each other, a neighbouring field
// little. The guided vote filter (majority_filter.hpp) and the context
// features (context_features.hpp) weigh neighbours with this one function,
// so both take the same pixels for "the same field".
#include <array>
#include <cmath>
#include <cstddef>

namespace paddymrv::kernels {

namespace guide_detail {
// exp(−e) tabulated in steps of 1/64 (the weight is at most 0.8 % off, far
// below what separates a field's pixels from its neighbours' — and it is the
// same table everywhere, so results stay exact across blocks), up to e = 20:
// beyond, the weight is 0 (e⁻²⁰ = 2·10⁻⁹). The exp was a third of the
// guided vote filter's time.
constexpr double kSpan = 20.0;
constexpr int kSteps = 64;
inline const std::array<double, static_cast<std::size_t>(kSpan * kSteps) + 1> kExp = [] {
  std::array<double, static_cast<std::size_t>(kSpan * kSteps) + 1> t{};
  for (std::size_t q = 0; q < t.size(); ++q) t[q] = std::exp(-static_cast<double>(q) / kSteps);
  return t;
}();

// Σ (a_k − b_k)² in four running sums (a fixed order: the same value for the
// same pixels wherever the block boundaries fall).
inline double squared_distance(const float* a, const float* b, int n) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int k = 0;
  for (; k + 4 <= n; k += 4) {
    const float d0 = a[k] - b[k], d1 = a[k + 1] - b[k + 1], d2 = a[k + 2] - b[k + 2], d3 = a[k + 3] - b[k + 3];
    s0 += d0 * d0, s1 += d1 * d1, s2 += d2 * d2, s3 += d3 * d3;
  }
  for (; k < n; ++k) {
    const float d = a[k] - b[k];
    s0 += d * d;
  }
  return static_cast<double>((s0 + s1) + (s2 + s3));
}
}  // namespace guide_detail

class GuideWeight {
 public:
  // dims > 0, bandwidth > 0 (the caller checks and names its own parameter).
  GuideWeight(int dims, double bandwidth) : dims_(dims), inv_h2_(1.0 / (bandwidth * bandwidth * dims)) {}
  // a, b: `dims` guide values each. NaN in a guide gives 0.
  double operator()(const float* a, const float* b) const {
    const double e = guide_detail::squared_distance(a, b, dims_) * inv_h2_;
    return e < guide_detail::kSpan ? guide_detail::kExp[static_cast<std::size_t>(e * guide_detail::kSteps + 0.5)] : 0.0;
  }

 private:
  int dims_;
  double inv_h2_;
};

}  // namespace paddymrv::kernels
