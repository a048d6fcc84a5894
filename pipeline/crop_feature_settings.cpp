#include "pipeline/crop_feature_settings.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "pipeline/config.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/toml_text.hpp"

namespace paddymrv {

CropFeatureSettings CropFeatureSettings::from(const Config& c) {
  std::vector<int> scl = c.s2_usable_scl;  // a set of classes: order and repeats change nothing
  std::sort(scl.begin(), scl.end());
  scl.erase(std::unique(scl.begin(), scl.end()), scl.end());
  return {c.grid_resolution, c.speckle_window, c.s1_looks, c.s1_resampling, c.season_lookback_days, scl};
}

std::string CropFeatureSettings::describe() const {
  // Every member, by name: a member added to the struct breaks this line
  // until the line prints it.
  const auto& [resolution, window, looks, resampling, lookback, scl] = *this;
  std::string s = "resolution=" + toml_float(resolution);
  s += window > 1 ? " speckle_window=" + std::to_string(window) + " s1_looks=" + toml_float(looks)
                  : " speckle_window=off";
  s += " s1_resampling=" + resampling + " lookback_days=" + std::to_string(lookback) + " usable_scl=";
  for (std::size_t i = 0; i < scl.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(scl[i]);
  }
  return s;
}

void check_crop_feature_settings(const CropModel& model, const std::string& model_path, const Config& config) {
  const std::string here = CropFeatureSettings::from(config).describe();
  const auto stored = model.metadata.find("feature_settings");
  if (stored == model.metadata.end()) {
    spdlog::warn(
        "{}: the model does not record the settings its features were computed with (trained before "
        "they were stored); this run computes them with '{}' — train again to have them checked",
        model_path, here);
    return;
  }
  // A line in an earlier format (before the grid resolution was pinned)
  // cannot be matched by any setting: only training again helps.
  if (stored->second != here && stored->second.rfind("resolution=", 0) != 0)
    throw ConfigError(model_path + ": the model records its feature settings in an earlier format ('" +
                      stored->second + "'); train the model again");
  if (stored->second != here)
    throw ConfigError(model_path + ": the model was trained on crop features computed with '" + stored->second +
                      "', this run would compute them with '" + here +
                      "' (grid.resolution, water_regime.speckle_window, water_regime.s1_looks, "
                      "sentinel1.resampling, season.lookback_days, sentinel2.usable_scl): set them back or train "
                      "the model again");
}

}  // namespace paddymrv
