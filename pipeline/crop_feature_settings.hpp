#pragma once
// The settings outside a crop model's feature layout that change the
// features themselves: the speckle filter the radar stack goes through
// (window, looks), how the radar is resampled to the grid, how far before
// the season scenes count, and which SCL classes count as clear sky.
//
// A forest applied to features computed otherwise than at training
// classifies something it never learned, and nothing in the map shows it.
// So `train` stores describe() in the model's metadata ("feature_settings")
// and `run` refuses a model whose line differs from its own
// (check_crop_feature_settings). The season's length is not pinned: a model
// is meant to classify other seasons, and its time grid spans each season.
// water_regime.s1_looks is shared with the flood-cycle detector, so tuning
// it for the water regimes means training the crop model again.
#include <string>
#include <vector>

namespace paddymrv {

struct Config;
struct CropModel;

struct CropFeatureSettings {
  double grid_resolution = 0;     // grid.resolution: the filter window and the resampling work in pixels
  int speckle_window = 0;         // water_regime.speckle_window (≤ 1: no filter)
  double s1_looks = 0;            // water_regime.s1_looks: the filter's, and the water-regime detector's
  std::string s1_resampling;      // sentinel1.resampling
  int season_lookback_days = 0;   // season.lookback_days
  std::vector<int> s2_usable_scl;  // sentinel2.usable_scl, sorted, without repeats (a set)

  static CropFeatureSettings from(const Config& config);
  // e.g. "resolution=10.0 speckle_window=5 s1_looks=4.4 s1_resampling=nearest
  // lookback_days=30 usable_scl=4,5,6,7". Settings a switched-off step does
  // not read are left out (s1_looks without the filter).
  std::string describe() const;
};

// ConfigError naming the model file and both lines when the model was
// trained with other feature settings than `config` has. A model written
// before the settings were stored passes, with a warning.
void check_crop_feature_settings(const CropModel& model, const std::string& model_path, const Config& config);

}  // namespace paddymrv
