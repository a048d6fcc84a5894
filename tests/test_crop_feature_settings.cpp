// A crop model is only applied to features computed the way it was trained
// on (pipeline/crop_feature_settings.hpp).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "pipeline/config.hpp"
#include "pipeline/crop_feature_settings.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/errors.hpp"

using namespace paddymrv;

TEST(CropFeatureSettings, EverySettingChangesTheLine) {
  const Config base;
  const std::vector<std::pair<std::string, std::function<void(Config&)>>> changes = {
      {"grid_resolution", [](Config& c) { c.grid_resolution = 20; }},
      {"speckle_window", [](Config& c) { c.speckle_window += 2; }},
      {"s1_looks", [](Config& c) { c.s1_looks += 0.5; }},
      {"s1_resampling", [](Config& c) { c.s1_resampling = c.s1_resampling == "nearest" ? "bilinear" : "nearest"; }},
      {"season_lookback_days", [](Config& c) { c.season_lookback_days += 10; }},
      {"s2_usable_scl",
       [](Config& c) {
         c.s2_usable_scl = {4, 5};
       }},
  };
  for (const auto& [name, change] : changes) {
    Config c = base;
    change(c);
    EXPECT_NE(CropFeatureSettings::from(c).describe(), CropFeatureSettings::from(base).describe()) << name;
  }
}

TEST(CropFeatureSettings, SettingsThatChangeNothingDoNotRefuse) {
  // The SCL classes are a set; without the filter its looks are not read.
  Config a, b;
  a.s2_usable_scl = {4, 5, 6, 7};
  b.s2_usable_scl = {7, 6, 5, 4, 4};
  EXPECT_EQ(CropFeatureSettings::from(a).describe(), CropFeatureSettings::from(b).describe());
  a.speckle_window = b.speckle_window = 1;
  b.s1_looks = a.s1_looks + 1;
  EXPECT_EQ(CropFeatureSettings::from(a).describe(), CropFeatureSettings::from(b).describe());
  EXPECT_NE(CropFeatureSettings::from(a).describe().find("speckle_window=off"), std::string::npos);
}

TEST(CropFeatureSettings, RunRefusesAModelTrainedOnOtherFeatures) {
  const Config trained;
  CropModel model;
  model.metadata["feature_settings"] = CropFeatureSettings::from(trained).describe();
  EXPECT_NO_THROW(check_crop_feature_settings(model, "m.yml", trained));
  Config run = trained;
  run.s2_usable_scl = {4, 5, 6};  // water pixels (SCL 6) still count, unclassified (7) no longer
  try {
    check_crop_feature_settings(model, "m.yml", run);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("m.yml: ", 0), 0u) << what;  // names the file first
    EXPECT_NE(what.find("usable_scl=4,5,6,7"), std::string::npos) << what;
    EXPECT_NE(what.find("usable_scl=4,5,6'"), std::string::npos) << what;
  }
  // A line in the first format (no grid resolution): no setting can match
  // it, so the message says to train again rather than to set them back.
  CropModel first;
  first.metadata["feature_settings"] = "speckle_window=5 s1_looks=4.4 s1_resampling=nearest lookback_days=30 "
                                       "usable_scl=4,5,6,7";
  try {
    check_crop_feature_settings(first, "first.yml", trained);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("earlier format"), std::string::npos) << e.what();
  }
  // A model from before the settings were stored: nothing to check against.
  CropModel old;
  EXPECT_NO_THROW(check_crop_feature_settings(old, "old.yml", run));
}
