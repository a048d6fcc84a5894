#include "kernels/optical_field_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/fixed_point.hpp"
#include "kernels/s2_indices.hpp"

namespace paddymrv::kernels {

namespace {
// Indices are clamped to their physical range before summing (see the header).
std::int64_t fixed(float v) { return fixed_point::from_value(std::clamp(v, -1.0f, 1.0f)); }
}  // namespace

OpticalFieldAccumulator::Sums& OpticalFieldAccumulator::sums(std::int32_t field) {
  auto [it, fresh] = fields_.try_emplace(field);
  if (fresh) it->second.dates = fixed_point::DatedPairSums(n_dates_);
  return it->second;
}

void OpticalFieldAccumulator::add_date(std::size_t d, std::span<const std::int32_t> field,
                                       std::span<const std::uint8_t> scl, const SclMask& usable,
                                       const BandWindow& red, const BandWindow& nir, const BandWindow& swir16) {
  if (d >= n_dates_) throw std::out_of_range("OpticalFieldAccumulator::add_date: date index out of range");
  const std::size_t n = field.size();
  if (scl.size() != n || red.dn.size() != n || nir.dn.size() != n || swir16.dn.size() != n)
    throw std::invalid_argument("OpticalFieldAccumulator::add_date: windows differ in size");
  for (std::size_t i = 0; i < n; ++i) {
    if (field[i] < 0 || !usable.usable(scl[i])) continue;
    const float v = reflectance(nir.dn[i], nir.scale, nir.offset);
    const float ndvi = normalized_difference(v, reflectance(red.dn[i], red.scale, red.offset));
    const float lswi = normalized_difference(v, reflectance(swir16.dn[i], swir16.scale, swir16.offset));
    if (std::isnan(ndvi) || std::isnan(lswi)) continue;
    Sums& s = sums(field[i]);
    s.dates.add(d, fixed(ndvi), fixed(lswi));
  }
}

void OpticalFieldAccumulator::add_pixels(std::span<const std::int32_t> field) {
  for (const std::int32_t f : field)
    if (f >= 0) ++sums(f).pixels;
}

void OpticalFieldAccumulator::merge(const OpticalFieldAccumulator& other) {
  if (other.n_dates_ != n_dates_) throw std::invalid_argument("OpticalFieldAccumulator::merge: date counts differ");
  for (const auto& [id, o] : other.fields_) {
    Sums& s = sums(id);
    s.dates.merge(o.dates);
    s.pixels += o.pixels;
  }
}

OpticalFieldAccumulator::Series OpticalFieldAccumulator::series(std::int32_t field) const {
  Series out;
  out.ndvi.assign(n_dates_, std::numeric_limits<double>::quiet_NaN());
  out.lswi = out.ndvi;
  out.clear_pixels.assign(n_dates_, 0);
  const auto it = fields_.find(field);
  if (it == fields_.end()) return out;
  const Sums& s = it->second;
  for (std::size_t d = 0; d < n_dates_; ++d) {
    out.clear_pixels[d] = s.dates.n[d];
    if (s.dates.n[d] == 0) continue;
    out.ndvi[d] = fixed_point::mean(s.dates.a[d], s.dates.n[d]);
    out.lswi[d] = fixed_point::mean(s.dates.b[d], s.dates.n[d]);
  }
  out.pixels = s.pixels;
  return out;
}

}  // namespace paddymrv::kernels
