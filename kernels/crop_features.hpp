#pragma once
// The crop classifier's feature vector, declared once: its layout (names) is
// stored with every model, and train and run both compute it through
// compute_crop_features(), so a model never sees features in another order.
//
// Per pixel, over the season [start, end):
//  - Sentinel-2 NDVI, LSWI (NIR−SWIR1, Xiao et al. 2005, RSE 95:480 — the
//    flooding signal of paddies) and NDRE (NIR−red-edge B05, sensitive to
//    canopy chlorophyll, separating canopies with similar NDVI), each
//    composited and gap-filled on `s2_steps` regular steps;
//  - Sentinel-1 VV and VH in dB: 10th/50th/90th percentiles, amplitude
//    (p90 − p10), minimum and its date (fraction of the season: the flooding
//    of paddies at transplanting), the median VH−VV ratio, and the VH
//    profile on `s1_steps` steps (the flooded → growing trajectory; Nguyen
//    et al. 2016 and Lasko et al. 2018 use the same radar signatures).
// Everything is NaN-free: a pixel never seen clear gets neutral values.
#include <string>
#include <vector>

#include "kernels/time_grid.hpp"

namespace paddymrv::kernels {

struct CropFeatureLayout {
  int s2_steps = 12;
  int s1_steps = 6;
  std::vector<std::string> names() const;
  int size() const { return first_s1_feature() + s1_count(); }
  // Features [0, first_s1_feature()) are the Sentinel-2 index series (NDVI,
  // LSWI, NDRE in that order), the s1_count() after them Sentinel-1.
  int first_s1_feature() const { return 3 * s2_steps; }
  int s1_count() const { return 2 * 6 + 1 + s1_steps; }
  // With a field context (kernels/context_features.hpp) a row holds the
  // pixel's size() features followed by the context means of its s1_count()
  // radar features: context_row_width() floats. A forest trained on the
  // context view (the optical series the pixel's own, the radar features
  // their means) reads its feature j from column context_columns()[j].
  int context_row_width() const { return size() + s1_count(); }
  // The row width with or without a context (radius > 0).
  int row_width(int context_radius) const { return context_radius > 0 ? context_row_width() : size(); }
  std::vector<int> context_columns() const;
};

// One pixel's observations. S2 arrays are per S2 date (NaN = masked); S1
// arrays per S1 date, backscatter in dB (NaN = no data).
struct PixelObservations {
  const std::vector<double>* s2_days = nullptr;
  std::vector<float> ndvi, lswi, ndre;
  const std::vector<double>* s1_days = nullptr;
  std::vector<float> vv_db, vh_db;
};

// Writes layout.size() floats to out. season = [start, end) in day numbers.
void compute_crop_features(const CropFeatureLayout& layout, double season_start, double season_end,
                           const PixelObservations& obs, float* out);

// The plain per-pixel baseline of the accuracy benchmark: season median and
// 10/90th percentiles of NDVI and LSWI over clear dates, and VV/VH
// percentiles — no time grid, no timing, no red edge.
std::vector<std::string> baseline_feature_names();
void compute_baseline_features(const PixelObservations& obs, float* out);

}  // namespace paddymrv::kernels
