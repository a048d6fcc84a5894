#pragma once
// The crop classifier's features for every pixel of one block, read through
// the same WindowReader and speckle filter as the water-regime stage. Both
// `paddymrv train` (at the reference pixels) and `paddymrv run --model`
// (everywhere) call this one function, so a model is applied to exactly the
// features it was trained on, and the result does not depend on block size
// (the speckle filter and the cloud dilation read their halo).
#include <opencv2/core.hpp>

#include <utility>

#include "kernels/crop_features.hpp"
#include "pipeline/block_engine.hpp"
#include "pipeline/crop_post_processing.hpp"

namespace paddymrv {

struct CropFeatureOptions {
  kernels::CropFeatureLayout layout;
  int cloud_dilation = 1;
  // With a radius > 0 each row also carries the radar features' guided mean
  // over this many pixels around it (kernels/context_features.hpp), after
  // the pixel's own features; 0 = the pixel's own features only.
  int context_radius = 0;
  double context_bandwidth = 0.1;
  bool baseline = false;  // also compute the benchmark's plain baseline features (per pixel, never averaged)
  int row_width() const { return layout.row_width(context_radius); }
};

struct BlockCropFeatures {
  cv::Mat features;  // w.pixels() × row_width(), CV_32F, rows in pixel order
  cv::Mat baseline;  // w.pixels() × baseline size when requested
};

// `s1`, when given, is the raw radar stack these features need, already read
// by the caller (process_block shares one read with the water regimes): what
// crop_s1_stack_window(in, context_window(in, w, opt.context_radius)) and
// crop_s1_day_range(in) select, exactly as read_s1_stack returns it. It is
// consumed (despeckled in place).
BlockCropFeatures read_crop_features(const EngineInputs& in, const PixelWindow& w, const CropFeatureOptions& opt,
                                     S1Stack* s1 = nullptr);

// The window the features of `w` are computed from: `w` grown by the context
// radius (clipped to the grid), the neighbours a pixel's radar features are
// averaged over.
PixelWindow context_window(const EngineInputs& in, const PixelWindow& w, int context_radius);

// The window and the day range [first, end) of the radar stack the crop
// features of window `w` read: the speckle filter's halo around `w`, and the
// look-back days before the season up to its last day.
PixelWindow crop_s1_stack_window(const EngineInputs& in, const PixelWindow& w);
std::pair<int, int> crop_s1_day_range(const EngineInputs& in);
// The window classify_crops computes features on: `w` grown to whole tiles
// of the segment_tile lattice when segment voting is on, then the majority
// filter's halo.
PixelWindow classify_window(const EngineInputs& in, const PixelWindow& w, const CropPostProcessing& pp);

// The crop map of one block: the model's class code per pixel (0 where it
// predicts a code outside its class table), then the post-processing `pp`
// (pipeline/crop_post_processing.hpp): the k×k majority filter when
// majority_window > 1 — majority_of "classes" counts classes, "votes" sums
// the forest's tree votes, "guided" weighs those votes by how alike the two
// pixels' Sentinel-2 index series are (guide_bandwidth) — and, when
// segment_tile > 0, field-level voting: the tree votes summed inside
// segments of the S2 index series (kernels/segment_vote.hpp). The filter
// sees predictions on a halo, so the map does not depend on block size or
// thread count.
// `s1`: as for read_crop_features, on context_window(in, classify_window(in, w, pp), model.context_radius).
std::vector<std::uint8_t> classify_crops(const EngineInputs& in, const PixelWindow& w, const CropModel& model,
                                         const CropPostProcessing& pp, S1Stack* s1 = nullptr);

}  // namespace paddymrv
