#pragma once
// What classify_crops makes of the forest's per-pixel predictions: the k×k
// majority filter and the field-level voting inside segments — every
// setting it reads, taken from the config in one place.
//
// `train` validates the map as `run` writes it and stores describe() with
// the model; `run` adjusts its areas with that validation only when its own
// describe() is the same. So a setting classify_crops reads must be a member
// here and be printed by describe(), or a run with another value would
// adjust its areas with a validation of a different map
// (tests/test_crop_post_processing.cpp changes each member in turn).
#include <string>

namespace paddymrv {

struct Config;

struct CropPostProcessing {
  int majority_window = 0;       // classifier.majority_window; ≤ 1 = off
  std::string majority_of;       // classifier.majority_of: classes, votes, guided
  double guide_bandwidth = 0;    // classifier.guide_bandwidth ("guided" only)
  int segment_tile = 0;          // classifier.segment_tile; 0 = no segment voting
  std::string segment_mode;      // classifier.segment_mode: pool, vote
  double segment_max_cost = 0;   // classifier.segment_max_cost
  int segment_max_pixels = 0;    // classifier.segment_max_pixels
  int segment_min_pixels = 0;    // classifier.segment_min_pixels

  static CropPostProcessing from(const Config& config);

  // The settings that change the map, as one line, e.g. "majority_window=9
  // majority_of=guided guide_bandwidth=0.1 segment_tile=off". Settings that
  // a switched-off step would not read are left out, so they do not
  // invalidate a validation. The line's format is stored in models: keep it.
  std::string describe() const;

  int halo() const { return majority_window > 1 ? majority_window / 2 : 0; }
  bool segments() const { return segment_tile > 0; }
};

}  // namespace paddymrv
