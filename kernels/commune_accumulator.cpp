#include "kernels/commune_accumulator.hpp"

#include <cassert>
#include <stdexcept>

namespace paddymrv::kernels {

void CommuneAccumulator::add_block(std::span<const std::int32_t> commune,
                                   std::span<const std::uint16_t> s1_count,
                                   std::span<const std::uint16_t> s2_count,
                                   std::span<const std::uint8_t> water_regime,
                                   std::span<const std::uint16_t> cultivation_days) {
  assert(commune.size() == s1_count.size() && commune.size() == s2_count.size() &&
         commune.size() == water_regime.size());
  const auto n = static_cast<std::int32_t>(rows_.size());
  for (std::size_t i = 0; i < commune.size(); ++i) {
    const std::int32_t c = commune[i];
    if (c < 0 || c >= n) continue;
    CommuneTotals& r = rows_[static_cast<std::size_t>(c)];
    ++r.pixels;
    r.s1_observations += s1_count[i];
    r.s2_clear += s2_count[i];
    r.s1_unobserved_pixels += (s1_count[i] == 0);
    const std::uint8_t wr = water_regime[i];
    if (wr == 0) continue;
    ++r.rice_pixels;
    const std::size_t k = wr >= 1 && wr <= 3 ? wr - 1u : 3u;
    ++r.regime_pixels[k];
    r.regime_days[k] += cultivation_days[i];
  }
}

void CommuneAccumulator::merge(const CommuneAccumulator& other) {
  if (other.rows_.size() != rows_.size()) {
    throw std::invalid_argument("CommuneAccumulator::merge: different commune counts");
  }
  for (std::size_t i = 0; i < rows_.size(); ++i) rows_[i] += other.rows_[i];
}

}  // namespace paddymrv::kernels
