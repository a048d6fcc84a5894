#pragma once
// Exact, order-independent sums of per-pixel values over fields: values are
// kept in fixed point (2^-32 of a unit) in 64-bit integers, so addition is
// exact and associative and a field's mean does not depend on block size,
// thread count or merge order (kernels/field_series, optical_field_series).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace paddymrv::kernels::fixed_point {

inline constexpr double kScale = 4294967296.0;  // 2^32

inline std::int64_t from_value(double v) { return static_cast<std::int64_t>(std::llround(v * kScale)); }
// Mean of n values whose fixed-point sum is `sum` (n > 0).
inline double mean(std::int64_t sum, std::int64_t n) {
  return static_cast<double>(sum) / kScale / static_cast<double>(n);
}

// One field's sums of two values per date (S1 VV/VH, S2 NDVI/LSWI) with
// the count of pixels summed: the cell both field accumulators keep.
struct DatedPairSums {
  std::vector<std::int64_t> a, b, n;
  explicit DatedPairSums(std::size_t dates = 0) : a(dates, 0), b(dates, 0), n(dates, 0) {}
  void add(std::size_t d, std::int64_t fixed_a, std::int64_t fixed_b) {
    a[d] += fixed_a;
    b[d] += fixed_b;
    ++n[d];
  }
  void merge(const DatedPairSums& o) {
    for (std::size_t d = 0; d < n.size(); ++d) a[d] += o.a[d], b[d] += o.b[d], n[d] += o.n[d];
  }
};

}  // namespace paddymrv::kernels::fixed_point
