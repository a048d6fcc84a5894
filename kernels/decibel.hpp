#pragma once
// Linear power ↔ decibels. Backscatter is averaged in linear power (speckle
// is multiplicative and its mean is the physical quantity); decibels are for
// thresholds and plots.
#include <cmath>
#include <limits>

namespace paddymrv::kernels {

inline float to_db(float linear) {
  return linear > 0.0f ? 10.0f * std::log10(linear) : std::numeric_limits<float>::quiet_NaN();
}
inline float to_linear(float db) { return std::pow(10.0f, db / 10.0f); }

}  // namespace paddymrv::kernels
