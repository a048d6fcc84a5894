#pragma once
// Field-averaged Sentinel-1 series of polygons (claimed fields), built block
// by block: per field and date, the sum of linear VV and VH over the field's
// usable pixels and their count. Averaging linear power over a field raises
// the equivalent number of looks by the pixel count (DESIGN §5).
//
// Sums are kept in fixed point (2^-32 of a linear power unit) in 64-bit
// integers: addition is then exact and associative, so the series do not
// depend on block size, thread count or merge order.
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "kernels/fixed_point.hpp"

namespace paddymrv::kernels {

class FieldSeriesAccumulator {
 public:
  explicit FieldSeriesAccumulator(std::size_t n_dates = 0) : n_dates_(n_dates) {}

  // field[i]: field row of pixel i (−1 none). Adds date `d`'s usable pixels.
  void add_date(std::size_t d, std::span<const std::int32_t> field, std::span<const float> vv,
                std::span<const float> vh);
  // Counts each field's pixels and, among them, those in the rice mask.
  void add_pixels(std::span<const std::int32_t> field, std::span<const std::uint8_t> rice);
  void merge(const FieldSeriesAccumulator& other);

  struct Series {
    std::vector<float> vv, vh;  // mean linear power per date, NaN when no usable pixel
    std::int64_t pixels = 0, rice_pixels = 0;
    double max_usable_pixels = 0;  // most usable pixels on any date: the series' looks = this × pixel looks
  };
  Series series(std::int32_t field) const;
  std::vector<std::int32_t> fields() const;  // fields seen, increasing

 private:
  struct Sums {
    fixed_point::DatedPairSums dates;  // a = vv, b = vh
    std::int64_t pixels = 0, rice_pixels = 0;
  };
  Sums& sums(std::int32_t field);
  std::size_t n_dates_;
  std::map<std::int32_t, Sums> fields_;  // sparse: a block touches few fields
};

}  // namespace paddymrv::kernels
