#include "kernels/crop_features.hpp"

#include <algorithm>
#include <cmath>

namespace paddymrv::kernels {

namespace {

// Neutral values for a pixel without any valid observation (never NaN: the
// forest would not accept it). Chosen mid-range, not zero, so that "never
// seen" does not look like bare water.
constexpr float kNoIndex = 0.0f;
constexpr float kNoDb = -15.0f;

// Linear-interpolated percentile (q in [0,1]) of the valid values; `fallback` when none.
float percentile(std::vector<float> v, double q, float fallback) {
  v.erase(std::remove_if(v.begin(), v.end(), [](float x) { return std::isnan(x); }), v.end());
  if (v.empty()) return fallback;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  const double t = pos - static_cast<double>(lo);
  return static_cast<float>(v[lo] + t * (v[hi] - v[lo]));
}

const char* const kS1Stats[] = {"p10", "p50", "p90", "amplitude", "min", "min_time"};

}  // namespace

int CropFeatureLayout::size() const { return 3 * s2_steps + 2 * 6 + 1 + s1_steps; }

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
    const float p10 = percentile(*series, 0.10, kNoDb), p50 = percentile(*series, 0.50, kNoDb),
                p90 = percentile(*series, 0.90, kNoDb);
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
  std::vector<float> ratio(obs.vh_db.size());
  for (std::size_t i = 0; i < ratio.size() && i < obs.vv_db.size(); ++i) ratio[i] = obs.vh_db[i] - obs.vv_db[i];
  *o++ = percentile(ratio, 0.5, -7.0f);
  composite_and_fill(TimeGrid{season_start, season_end, layout.s1_steps}, s1_days, obs.vh_db, kNoDb, o);
}

std::vector<std::string> baseline_feature_names() {
  return {"ndvi_p10", "ndvi_p50", "ndvi_p90", "lswi_p10", "lswi_p50", "lswi_p90",
          "vv_p10",   "vv_p50",   "vv_p90",   "vh_p10",   "vh_p50",   "vh_p90"};
}

void compute_baseline_features(const PixelObservations& obs, float* out) {
  float* o = out;
  for (const auto* s : {&obs.ndvi, &obs.lswi})
    for (double q : {0.1, 0.5, 0.9}) *o++ = percentile(*s, q, kNoIndex);
  for (const auto* s : {&obs.vv_db, &obs.vh_db})
    for (double q : {0.1, 0.5, 0.9}) *o++ = percentile(*s, q, kNoDb);
}

}  // namespace paddymrv::kernels
