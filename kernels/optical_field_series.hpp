#pragma once
// Field-averaged clear-sky Sentinel-2 indices of polygons (claimed fields),
// built block by block: per field and Sentinel-2 date, the sums of NDVI and
// LSWI over the field's clear pixels and their count, plus the field's pixel
// count. What a verifier checks next to the radar series: a flooded field
// shows LSWI above NDVI early on (water under a sparse canopy, Xiao et al.
// 2005, Remote Sens. Environ. 95:480), then NDVI rising with the crop.
//
// A pixel counts on a date when its SCL class is usable (sentinel2.usable_scl)
// and both indices are defined (red, NIR and SWIR not nodata, positive sums).
// NDVI = (NIR − red)/(NIR + red), LSWI = (NIR − SWIR16)/(NIR + SWIR16)
// (kernels/s2_indices.hpp), each clamped to [−1, 1]: L2A reflectances after
// the −0.1 offset can be slightly negative over dark targets, which would
// otherwise push a ratio far outside its physical range.
//
// Sums are kept in fixed point (2^-32 of an index unit) in 64-bit integers,
// like kernels/field_series: addition is exact and associative, so the means
// do not depend on block size, thread count or merge order.
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "kernels/fixed_point.hpp"

#include "kernels/scl_mask.hpp"

namespace paddymrv::kernels {

// One Sentinel-2 band on a window: digital numbers (0 = nodata) and the
// asset's reflectance = DN × scale + offset.
struct BandWindow {
  std::span<const std::uint16_t> dn;
  double scale = 1e-4, offset = 0;
};

class OpticalFieldAccumulator {
 public:
  explicit OpticalFieldAccumulator(std::size_t n_dates = 0) : n_dates_(n_dates) {}

  // field[i]: field row of pixel i (−1 none). Adds date `d`'s clear pixels;
  // every span covers the same window.
  void add_date(std::size_t d, std::span<const std::int32_t> field, std::span<const std::uint8_t> scl,
                const SclMask& usable, const BandWindow& red, const BandWindow& nir, const BandWindow& swir16);
  // Counts each field's pixels (the denominator of the clear fraction).
  void add_pixels(std::span<const std::int32_t> field);
  void merge(const OpticalFieldAccumulator& other);

  struct Series {
    std::vector<double> ndvi, lswi;  // mean over the clear pixels per date, NaN when none
    std::vector<std::int64_t> clear_pixels;
    std::int64_t pixels = 0;
    double clear_fraction(std::size_t d) const {
      return pixels > 0 ? static_cast<double>(clear_pixels[d]) / static_cast<double>(pixels) : 0.0;
    }
  };
  Series series(std::int32_t field) const;
  std::size_t dates() const { return n_dates_; }

 private:
  struct Sums {
    fixed_point::DatedPairSums dates;  // a = ndvi, b = lswi
    std::int64_t pixels = 0;
  };
  Sums& sums(std::int32_t field);
  std::size_t n_dates_;
  std::map<std::int32_t, Sums> fields_;  // sparse: a block touches few fields
};

}  // namespace paddymrv::kernels
