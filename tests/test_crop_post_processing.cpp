// The crop map's post-processing settings: every setting classify_crops
// reads comes from the config through CropPostProcessing::from and shows in
// describe() — the line that decides whether a model's map validation holds
// for a run (pipeline/crop_post_processing.hpp).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "pipeline/config.hpp"
#include "pipeline/crop_post_processing.hpp"

using namespace paddymrv;

namespace {

std::string line(const Config& c) { return CropPostProcessing::from(c).describe(); }

Config with_segments() {
  Config c;
  c.classifier_majority_window = 9;
  c.classifier_majority_of = "guided";
  c.classifier_segment_tile = 64;
  return c;
}

}  // namespace

TEST(CropPostProcessing, DefaultLineIsTheOneStoredInModels) {
  // Models keep this line (map_post_processing): its format must not drift,
  // or every model trained before would fall back to the per-pixel matrix.
  Config c;
  c.classifier_majority_window = 9;
  c.classifier_majority_of = "guided";
  c.classifier_guide_bandwidth = 0.1;
  c.classifier_segment_tile = 0;
  EXPECT_EQ(line(c), "majority_window=9 majority_of=guided guide_bandwidth=0.1 segment_tile=off");
  c.classifier_majority_window = 0;
  EXPECT_EQ(line(c), "majority_window=off segment_tile=off");
}

TEST(CropPostProcessing, EverySettingTheMapReadsChangesTheLine) {
  const std::vector<std::pair<std::string, std::function<void(Config&)>>> changes = {
      {"majority_window", [](Config& c) { c.classifier_majority_window = 7; }},
      {"majority_of", [](Config& c) { c.classifier_majority_of = "votes"; }},
      {"guide_bandwidth", [](Config& c) { c.classifier_guide_bandwidth = 0.2; }},
      {"segment_tile", [](Config& c) { c.classifier_segment_tile = 32; }},
      {"segment_mode", [](Config& c) { c.classifier_segment_mode = "vote"; }},
      {"segment_max_cost", [](Config& c) { c.classifier_segment_max_cost = 8.0; }},
      {"segment_max_pixels", [](Config& c) { c.classifier_segment_max_pixels = 512; }},
      {"segment_min_pixels", [](Config& c) { c.classifier_segment_min_pixels = 9; }},
  };
  const Config base = with_segments();
  for (const auto& [name, change] : changes) {
    Config c = base;
    change(c);
    EXPECT_NE(line(c), line(base)) << name;
  }
}

TEST(CropPostProcessing, SettingsOfASwitchedOffStepDoNotInvalidate) {
  // Off steps read nothing, so their settings must not reject a validation.
  Config off;
  off.classifier_majority_window = 0;
  off.classifier_segment_tile = 0;
  Config other = off;
  other.classifier_majority_of = "classes";
  other.classifier_guide_bandwidth = 0.3;
  other.classifier_segment_mode = "vote";
  other.classifier_segment_max_cost = 4.0;
  EXPECT_EQ(line(other), line(off));
  // The bandwidth weighs votes only in the guided filter.
  Config votes = with_segments();
  votes.classifier_majority_of = "votes";
  Config votes_bw = votes;
  votes_bw.classifier_guide_bandwidth = 0.5;
  EXPECT_EQ(line(votes_bw), line(votes));
}
