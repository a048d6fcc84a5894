#include "kernels/observation_count.hpp"

#include <algorithm>
#include <cassert>

namespace paddymrv::kernels {

void add_s1_observations(std::span<const float> vv, std::span<const float> vh,
                         std::span<std::uint16_t> count, std::span<std::uint8_t> usable) {
  assert(vv.size() == vh.size() && vv.size() == count.size() && vv.size() == usable.size());
  for (std::size_t i = 0; i < vv.size(); ++i) {
    const bool ok = s1_usable(vv[i], vh[i]);
    usable[i] = ok;
    count[i] = static_cast<std::uint16_t>(count[i] + ok);
  }
}

void add_s2_clear(std::span<const std::uint8_t> scl, const SclMask& mask,
                  std::span<std::uint16_t> count) {
  assert(scl.size() == count.size());
  for (std::size_t i = 0; i < scl.size(); ++i) {
    count[i] = static_cast<std::uint16_t>(count[i] + mask.usable(scl[i]));
  }
}

GapTracker::GapTracker(std::size_t n_pixels, int season_start_day)
    : n_(n_pixels), last_day_(n_pixels, season_start_day), max_gap_(n_pixels, 0) {}

void GapTracker::add(int day, std::span<const std::uint8_t> usable) {
  assert(usable.size() == n_);
  for (std::size_t i = 0; i < n_; ++i) {
    if (!usable[i]) continue;
    max_gap_[i] = std::max(max_gap_[i], day - last_day_[i]);
    last_day_[i] = day;
  }
}

void GapTracker::finish(int season_end_day, std::span<std::uint16_t> out) const {
  assert(out.size() == n_);
  for (std::size_t i = 0; i < n_; ++i) {
    const int gap = std::max(max_gap_[i], season_end_day - last_day_[i]);
    out[i] = static_cast<std::uint16_t>(std::clamp(gap, 0, 65535));
  }
}

}  // namespace paddymrv::kernels
