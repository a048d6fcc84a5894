#include "kernels/time_grid.hpp"

#include <algorithm>
#include <cmath>

namespace paddymrv::kernels {

int TimeGrid::step_of(double day) const {
  if (!(day >= start && day < end) || steps <= 0) return -1;
  const int k = static_cast<int>((day - start) / (end - start) * steps);
  return k < steps ? k : steps - 1;
}

int composite_and_fill(const TimeGrid& grid, const std::vector<double>& days, const std::vector<float>& values,
                       float empty_value, float* out) {
  const int n = grid.steps;
  // Per-thread buffers: this runs several times for every pixel of a block.
  thread_local std::vector<double> sum;
  thread_local std::vector<int> count;
  sum.assign(static_cast<std::size_t>(std::max(n, 0)), 0.0);
  count.assign(static_cast<std::size_t>(std::max(n, 0)), 0);
  for (std::size_t i = 0; i < days.size() && i < values.size(); ++i) {
    if (std::isnan(values[i])) continue;
    const int k = grid.step_of(days[i]);
    if (k < 0) continue;
    sum[static_cast<std::size_t>(k)] += values[i];
    ++count[static_cast<std::size_t>(k)];
  }
  int filled = 0, prev = -1;
  for (int k = 0; k < n; ++k) {
    if (!count[static_cast<std::size_t>(k)]) continue;
    out[k] = static_cast<float>(sum[static_cast<std::size_t>(k)] / count[static_cast<std::size_t>(k)]);
    if (prev < 0) {
      for (int j = 0; j < k; ++j) out[j] = out[k];  // hold the first value backwards
    } else {
      for (int j = prev + 1; j < k; ++j) {
        const float t = static_cast<float>(j - prev) / static_cast<float>(k - prev);
        out[j] = out[prev] + t * (out[k] - out[prev]);
      }
    }
    prev = k;
    ++filled;
  }
  if (prev < 0) {
    for (int k = 0; k < n; ++k) out[k] = empty_value;
  } else {
    for (int j = prev + 1; j < n; ++j) out[j] = out[prev];  // hold the last value forwards
  }
  return filled;
}

}  // namespace paddymrv::kernels
