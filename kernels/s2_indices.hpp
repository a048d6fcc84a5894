#pragma once
// Sentinel-2 L2A surface reflectance, clear-sky masking and spectral indices.
// Pure per-pixel arithmetic on in-memory arrays (no I/O).
#include <cstdint>
#include <vector>

#include "kernels/scl_mask.hpp"

namespace paddymrv::kernels {

// Reflectance = DN × scale + offset (STAC raster:bands; processing baseline
// ≥ 04.00 carries offset −0.1 = −1000 DN). DN 0 is the L2A nodata → NaN.
inline float reflectance(std::uint16_t dn, double scale, double offset) {
  if (dn == 0) return __builtin_nanf("");
  return static_cast<float>(dn * scale + offset);
}

// (a − b)/(a + b); NaN when either input is NaN or the sum is not positive
// (negative reflectances after the offset are noise over dark targets).
inline float normalized_difference(float a, float b) {
  const float s = a + b;
  if (!(s > 1e-4f)) return __builtin_nanf("");
  return (a - b) / s;
}

// SCL codes whose neighbourhood is suspect as well: cloud shadow 3, cloud
// medium 8, high 9, thin cirrus 10. The L2A cloud mask misses cloud edges
// and thin shadow rims, so a small dilation around them is the common
// practice (e.g. Baetens et al. 2019, Remote Sens. 11:433, on L2A masks).
inline bool is_cloud_or_shadow(std::uint8_t scl) { return scl == 3 || scl == 8 || scl == 9 || scl == 10; }

// Clear-sky mask of a w×h SCL window: 1 where the class is usable and no
// cloud/shadow pixel lies within `dilation` pixels (square neighbourhood).
// The caller reads the window with a halo of `dilation` pixels so that the
// mask of the core does not depend on where blocks are cut.
std::vector<std::uint8_t> clear_sky_mask(const std::vector<std::uint8_t>& scl, int w, int h, const SclMask& usable,
                                         int dilation);

// The same into buffers the caller keeps from one date to the next (a block
// masks every S2 date of its window: each fresh buffer cost page faults and
// a zero fill before being overwritten). Returns buffers.mask.
struct ClearSkyBuffers {
  std::vector<std::uint8_t> bad, dilated_rows, mask;
};
const std::vector<std::uint8_t>& clear_sky_mask(const std::vector<std::uint8_t>& scl, int w, int h,
                                                const SclMask& usable, int dilation, ClearSkyBuffers& buffers);

}  // namespace paddymrv::kernels
