#pragma once
// Per-pixel observation bookkeeping over a season's time stack: how many
// usable Sentinel-1 dates and clear Sentinel-2 dates each pixel got, and the
// longest stretch without a usable radar date. These are the QA layers a
// verifier checks before trusting a water-regime call: a drainage that falls
// inside a long gap cannot be seen (DESIGN §5).
#include <cstddef>
#include <cstdint>
#include <vector>
#include <span>

#include "kernels/scl_mask.hpp"

namespace paddymrv::kernels {

// A Sentinel-1 pixel is usable when both polarisations hold a finite,
// positive linear power. Zero or negative power cannot come from a real
// backscatter measurement; it marks border noise or nodata.
inline bool s1_usable(float vv, float vh) {
  return vv > 0.0f && vh > 0.0f && vv < 1e30f && vh < 1e30f;  // false for NaN too
}

// Adds 1 to count[i] where both vv[i] and vh[i] are usable; sets usable[i].
void add_s1_observations(std::span<const float> vv, std::span<const float> vh,
                         std::span<std::uint16_t> count, std::span<std::uint8_t> usable);

// Adds 1 to count[i] where scl[i] is a usable scene class.
void add_s2_clear(std::span<const std::uint8_t> scl, const SclMask& usable,
                  std::span<std::uint16_t> count);

// Longest run of days without a usable observation, per pixel. Feed the dates
// in increasing order with their usable mask, then finish() at season end.
// Day numbers are days since the season start.
class GapTracker {
 public:
  explicit GapTracker(std::size_t n_pixels, int season_start_day = 0);
  void add(int day, std::span<const std::uint8_t> usable);
  // Closes the last gap at season_end_day and writes the maximum gap in
  // days (saturated at 65535) per pixel.
  void finish(int season_end_day, std::span<std::uint16_t> max_gap_days) const;

 private:
  std::size_t n_;
  std::vector<int> last_day_;
  std::vector<int> max_gap_;
};

}  // namespace paddymrv::kernels
