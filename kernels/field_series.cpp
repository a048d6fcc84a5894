#include "kernels/field_series.hpp"

#include "kernels/fixed_point.hpp"
#include "kernels/observation_count.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace paddymrv::kernels {

namespace {
std::int64_t fixed(float v) { return fixed_point::from_value(v); }
}  // namespace

FieldSeriesAccumulator::Sums& FieldSeriesAccumulator::sums(std::int32_t field) {
  auto [it, fresh] = fields_.try_emplace(field);
  if (fresh) it->second.dates = fixed_point::DatedPairSums(n_dates_);
  return it->second;
}

void FieldSeriesAccumulator::add_date(std::size_t d, std::span<const std::int32_t> field, std::span<const float> vv,
                                      std::span<const float> vh) {
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] < 0) continue;
    // Field means use the same usability rule as the observation counts.
    if (!s1_usable(vv[i], vh[i])) continue;
    Sums& s = sums(field[i]);
    s.dates.add(d, fixed(vv[i]), fixed(vh[i]));
  }
}

void FieldSeriesAccumulator::add_pixels(std::span<const std::int32_t> field, std::span<const std::uint8_t> rice) {
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] < 0) continue;
    Sums& s = sums(field[i]);
    ++s.pixels;
    s.rice_pixels += rice[i] != 0;
  }
}

void FieldSeriesAccumulator::merge(const FieldSeriesAccumulator& other) {
  if (other.n_dates_ != n_dates_) throw std::invalid_argument("FieldSeriesAccumulator::merge: date counts differ");
  for (const auto& [id, o] : other.fields_) {
    Sums& s = sums(id);
    s.dates.merge(o.dates);
    s.pixels += o.pixels;
    s.rice_pixels += o.rice_pixels;
  }
}

FieldSeriesAccumulator::Series FieldSeriesAccumulator::series(std::int32_t field) const {
  Series out;
  out.vv.assign(n_dates_, std::numeric_limits<float>::quiet_NaN());
  out.vh = out.vv;
  const auto it = fields_.find(field);
  if (it == fields_.end()) return out;
  const Sums& s = it->second;
  for (std::size_t d = 0; d < n_dates_; ++d) {
    if (s.dates.n[d] == 0) continue;
    out.vv[d] = static_cast<float>(fixed_point::mean(s.dates.a[d], s.dates.n[d]));
    out.vh[d] = static_cast<float>(fixed_point::mean(s.dates.b[d], s.dates.n[d]));
    out.max_usable_pixels = std::max(out.max_usable_pixels, static_cast<double>(s.dates.n[d]));
  }
  out.pixels = s.pixels;
  out.rice_pixels = s.rice_pixels;
  return out;
}

std::vector<std::int32_t> FieldSeriesAccumulator::fields() const {
  std::vector<std::int32_t> out;
  for (const auto& [id, s] : fields_) out.push_back(id);
  return out;
}

}  // namespace paddymrv::kernels
