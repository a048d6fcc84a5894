#pragma once
// Per-commune totals over streamed blocks, in the reset / accumulate /
// merge shape of OTB's persistent filters. Each block fills its own
// accumulator; the writer stage merges them in block order. All sums are
// integers (pixel counts), so the merge is exactly associative and the
// totals cannot depend on the thread count or block size. Areas in hectares
// are derived at the end from counts × pixel area.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace paddymrv::kernels {

struct CommuneTotals {
  std::int64_t pixels = 0;          // pixels of the analysis grid in the commune
  std::int64_t s1_observations = 0;  // Σ usable S1 dates over its pixels
  std::int64_t s2_clear = 0;         // Σ clear S2 dates over its pixels
  std::int64_t s1_unobserved_pixels = 0;  // pixels with no usable S1 date at all
  std::int64_t rice_pixels = 0;
  // Rice pixels per water regime: continuously flooded, single drainage,
  // multiple drainage, undetermined (the columns of water_regime_area_ha).
  std::array<std::int64_t, 4> regime_pixels{};
  // Σ cultivation days of those pixels (pixel·days), per regime: IPCC's t × A.
  std::array<std::int64_t, 4> regime_days{};

  CommuneTotals& operator+=(const CommuneTotals& o) {
    pixels += o.pixels;
    s1_observations += o.s1_observations;
    s2_clear += o.s2_clear;
    s1_unobserved_pixels += o.s1_unobserved_pixels;
    rice_pixels += o.rice_pixels;
    for (std::size_t k = 0; k < 4; ++k) regime_pixels[k] += o.regime_pixels[k], regime_days[k] += o.regime_days[k];
    return *this;
  }
  bool operator==(const CommuneTotals&) const = default;
};

class CommuneAccumulator {
 public:
  explicit CommuneAccumulator(std::size_t n_communes) : rows_(n_communes) {}

  // commune[i] is the row of pixel i (−1 outside every commune);
  // water_regime[i] uses the /maps/water_regime codes (0 = not rice);
  // cultivation_days[i] the pixel's cultivation period.
  void add_block(std::span<const std::int32_t> commune, std::span<const std::uint16_t> s1_count,
                 std::span<const std::uint16_t> s2_count, std::span<const std::uint8_t> water_regime,
                 std::span<const std::uint16_t> cultivation_days);
  void merge(const CommuneAccumulator& other);

  std::size_t size() const { return rows_.size(); }
  const CommuneTotals& operator[](std::size_t i) const { return rows_[i]; }
  const std::vector<CommuneTotals>& rows() const { return rows_; }

 private:
  std::vector<CommuneTotals> rows_;
};

}  // namespace paddymrv::kernels
