#pragma once
// Exact, order-independent sums of per-pixel values over fields: values are
// kept in fixed point (2^-32 of a unit) in 64-bit integers, so addition is
// exact and associative and a field's mean does not depend on block size,
// thread count or merge order (kernels/field_series, optical_field_series).
#include <cmath>
#include <cstdint>

namespace paddymrv::kernels::fixed_point {

inline constexpr double kScale = 4294967296.0;  // 2^32

inline std::int64_t from_value(double v) { return static_cast<std::int64_t>(std::llround(v * kScale)); }
// Mean of n values whose fixed-point sum is `sum` (n > 0).
inline double mean(std::int64_t sum, std::int64_t n) {
  return static_cast<double>(sum) / kScale / static_cast<double>(n);
}

}  // namespace paddymrv::kernels::fixed_point
