#include "kernels/s2_indices.hpp"

#include <algorithm>
#include <utility>

namespace paddymrv::kernels {

std::vector<std::uint8_t> clear_sky_mask(const std::vector<std::uint8_t>& scl, int w, int h, const SclMask& usable,
                                         int dilation) {
  ClearSkyBuffers buffers;
  clear_sky_mask(scl, w, h, usable, dilation, buffers);
  return std::move(buffers.mask);
}

const std::vector<std::uint8_t>& clear_sky_mask(const std::vector<std::uint8_t>& scl, int w, int h,
                                                const SclMask& usable, int dilation, ClearSkyBuffers& buffers) {
  const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  // Every element of the three buffers is written below before it is read.
  auto& bad = buffers.bad;
  auto& tmp = buffers.dilated_rows;
  auto& out = buffers.mask;
  bad.resize(n);
  tmp.resize(n);
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) bad[i] = is_cloud_or_shadow(scl[i]);
  // Separable dilation (a square is the product of two segments): rows, then columns.
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t v = 0;
      for (int dx = std::max(0, x - dilation); dx <= std::min(w - 1, x + dilation) && !v; ++dx)
        v = bad[static_cast<std::size_t>(y) * w + dx];
      tmp[static_cast<std::size_t>(y) * w + x] = v;
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t v = 0;
      for (int dy = std::max(0, y - dilation); dy <= std::min(h - 1, y + dilation) && !v; ++dy)
        v = tmp[static_cast<std::size_t>(dy) * w + x];
      const std::size_t i = static_cast<std::size_t>(y) * w + x;
      out[i] = usable.usable(scl[i]) && !v;
    }
  return out;
}

}  // namespace paddymrv::kernels
