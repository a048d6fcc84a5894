#include "kernels/crop_features.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace paddymrv::kernels {

namespace {

// Neutral values for a pixel without any valid observation (never NaN: the
// forest would not accept it). Chosen mid-range, not zero, so that "never
// seen" does not look like bare water.
constexpr float kNoIndex = 0.0f;
constexpr float kNoDb = -15.0f;

// Linear-interpolated percentiles (each q in [0,1]) of the valid values of
// `v`, from one sort into a per-thread buffer: this runs for every pixel, so
// it neither allocates nor sorts the same series once per percentile.
// `fallback` everywhere when no value is valid.
template <std::size_t K>
std::array<float, K> percentiles(const std::vector<float>& v, const std::array<double, K>& q, float fallback) {
  thread_local std::vector<float> sorted;
  sorted.clear();
  for (float x : v)
    if (!std::isnan(x)) sorted.push_back(x);
  std::array<float, K> out;
  if (sorted.empty()) {
    out.fill(fallback);
    return out;
  }
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t k = 0; k < K; ++k) {
    const double pos = q[k] * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double t = pos - static_cast<double>(lo);
    out[k] = static_cast<float>(sorted[lo] + t * (sorted[hi] - sorted[lo]));
  }
  return out;
}

constexpr std::array<double, 3> kDecilesAndMedian{0.10, 0.50, 0.90};

const char* const kS1Stats[] = {"p10", "p50", "p90", "amplitude", "min", "min_time"};

}  // namespace

std::vector<std::string> CropFeatureLayout::names() const {
  std::vector<std::string> n;
  for (const char* idx : {"ndvi", "lswi", "ndre"})
    for (int k = 0; k < s2_steps; ++k) n.push_back(std::string("s2_") + idx + "_t" + std::to_string(k));
  for (const char* pol : {"vv", "vh"})
    for (const char* s : kS1Stats) n.push_back(std::string("s1_") + pol + "_" + s);
  n.push_back("s1_vh_minus_vv_p50");
  for (int k = 0; k < s1_steps; ++k) n.push_back("s1_vh_t" + std::to_string(k));
  return n;
}

std::vector<int> CropFeatureLayout::context_columns() const {
  std::vector<int> c(static_cast<std::size_t>(size()));
  for (int j = 0; j < size(); ++j) c[static_cast<std::size_t>(j)] = j < first_s1_feature() ? j : j + s1_count();
  return c;
}

void compute_crop_features(const CropFeatureLayout& layout, double season_start, double season_end,
                           const PixelObservations& obs, float* out) {
  const TimeGrid s2_grid{season_start, season_end, layout.s2_steps};
  static const std::vector<double> kNoDays;
  const auto& s2_days = obs.s2_days ? *obs.s2_days : kNoDays;
  const auto& s1_days = obs.s1_days ? *obs.s1_days : kNoDays;
  float* o = out;
  for (const auto* series : {&obs.ndvi, &obs.lswi, &obs.ndre}) {
    composite_and_fill(s2_grid, s2_days, *series, kNoIndex, o);
    o += layout.s2_steps;
  }
  const double span = std::max(1.0, season_end - season_start);
  for (const auto* series : {&obs.vv_db, &obs.vh_db}) {
    const auto [p10, p50, p90] = percentiles(*series, kDecilesAndMedian, kNoDb);
    float mn = kNoDb, mn_time = 0.5f;
    bool any = false;
    for (std::size_t i = 0; i < series->size() && i < s1_days.size(); ++i) {
      const float v = (*series)[i];
      if (std::isnan(v) || (any && v >= mn)) continue;
      mn = v, any = true;
      mn_time = static_cast<float>(std::clamp((s1_days[i] - season_start) / span, 0.0, 1.0));
    }
    *o++ = p10, *o++ = p50, *o++ = p90, *o++ = p90 - p10, *o++ = mn, *o++ = mn_time;
  }
  thread_local std::vector<float> ratio;
  ratio.assign(obs.vh_db.size(), 0.0f);
  for (std::size_t i = 0; i < ratio.size() && i < obs.vv_db.size(); ++i) ratio[i] = obs.vh_db[i] - obs.vv_db[i];
  *o++ = percentiles(ratio, std::array<double, 1>{0.5}, -7.0f)[0];
  composite_and_fill(TimeGrid{season_start, season_end, layout.s1_steps}, s1_days, obs.vh_db, kNoDb, o);
}

std::vector<std::string> baseline_feature_names() {
  return {"ndvi_p10", "ndvi_p50", "ndvi_p90", "lswi_p10", "lswi_p50", "lswi_p90",
          "vv_p10",   "vv_p50",   "vv_p90",   "vh_p10",   "vh_p50",   "vh_p90"};
}

void compute_baseline_features(const PixelObservations& obs, float* out) {
  float* o = out;
  for (const auto* s : {&obs.ndvi, &obs.lswi, &obs.vv_db, &obs.vh_db}) {
    const auto p = percentiles(*s, kDecilesAndMedian, s == &obs.ndvi || s == &obs.lswi ? kNoIndex : kNoDb);
    o = std::copy(p.begin(), p.end(), o);
  }
}

}  // namespace paddymrv::kernels
