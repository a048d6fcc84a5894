#include "kernels/context_features.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels/guide_weight.hpp"

namespace paddymrv::kernels {

void guided_context_rows(const ContextInput& in, std::size_t first, std::size_t count, float* out) {
  if (in.features == nullptr || in.cols <= 0 || in.guide_dims <= 0 || in.guide_dims > in.cols ||
      in.first_smoothed < 0 || in.smoothed < 0 || in.first_smoothed + in.smoothed > in.cols || in.radius < 0 ||
      !(in.bandwidth > 0) || in.width <= 0 || in.x0 < 0 || in.y0 < 0 || in.x0 + in.width > in.outer_width)
    throw std::invalid_argument("guided_context_rows: inconsistent input");
  const GuideWeight weight(in.guide_dims, in.bandwidth);
  const auto cols = static_cast<std::size_t>(in.cols);
  const auto from = static_cast<std::size_t>(in.first_smoothed), m = static_cast<std::size_t>(in.smoothed);
  std::vector<double> sum(m);
  for (std::size_t r = 0; r < count; ++r) {
    const std::size_t i = first + r;
    const int ox = in.x0 + static_cast<int>(i % static_cast<std::size_t>(in.width));
    const int oy = in.y0 + static_cast<int>(i / static_cast<std::size_t>(in.width));
    if (oy >= in.outer_height) throw std::invalid_argument("guided_context_rows: row outside the outer window");
    const float* centre = in.features + (static_cast<std::size_t>(oy) * in.outer_width + ox) * cols;
    std::fill(sum.begin(), sum.end(), 0.0);
    double total = 0;
    for (int y = std::max(0, oy - in.radius); y <= std::min(in.outer_height - 1, oy + in.radius); ++y)
      for (int x = std::max(0, ox - in.radius); x <= std::min(in.outer_width - 1, ox + in.radius); ++x) {
        const float* q = in.features + (static_cast<std::size_t>(y) * in.outer_width + x) * cols;
        // The centre weighs 1 even when its guide holds NaN.
        const double w = q == centre ? 1.0 : weight(centre, q);
        if (w == 0.0) continue;
        total += w;
        for (std::size_t k = 0; k < m; ++k) sum[k] += w * q[from + k];
      }
    float* o = out + r * (cols + m);
    std::copy_n(centre, cols, o);
    for (std::size_t k = 0; k < m; ++k) o[cols + k] = static_cast<float>(sum[k] / total);
  }
}

}  // namespace paddymrv::kernels
