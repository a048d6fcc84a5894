#pragma once
// `paddymrv train` as a function: catalogue → grid → reference polygons →
// features at their pixels (pipeline/crop_features_block, the very function
// `run --model` uses) → split by polygon → cv::ml::RTrees → model file and
// validation report.
#include <string>
#include <vector>

#include "kernels/accuracy_assessment.hpp"
#include "pipeline/config.hpp"

namespace paddymrv {

struct TrainOptions {
  std::string model_path;   // where the model goes
  std::string report_path;  // JSON validation report ("" = none)
  bool baseline = false;    // also train and validate the plain per-pixel baseline forest
  bool baseline_map = false;  // with baseline: also classify every pixel of the grid with it (benchmark)
};

struct TrainSummary {
  std::vector<CropClass> classes;  // matrix order
  kernels::ConfusionMatrix validation;
  kernels::AccuracyReport accuracy;
  // The same pixels on the post-processed map (what `run` writes with this
  // config's classifier settings, described by map_post_processing).
  kernels::ConfusionMatrix map_validation;
  kernels::AccuracyReport map_accuracy;
  std::string map_post_processing;
  std::string radar_context;                     // CropModel::describe_context() of the model written
  kernels::ConfusionMatrix baseline_validation;  // when requested
  kernels::AccuracyReport baseline_accuracy;
  std::size_t train_polygons = 0, validation_polygons = 0, train_pixels = 0, validation_pixels = 0;
  // Where the validation pixels are (row-major index on the analysis grid,
  // matrix order) and their reference class: lets a caller score a map —
  // e.g. the majority-filtered one — on exactly the pixels the forests were
  // validated on.
  std::vector<std::size_t> validation_cells;
  std::vector<int> validation_labels;
  // The baseline's class code per pixel of the analysis grid (row-major,
  // 0 = a code outside the class table) when options.baseline_map is set.
  std::vector<std::uint8_t> baseline_map;
  double seconds = 0;
  std::string report_json;
};

TrainSummary train_job(const Config& config, const TrainOptions& options);

// The report as text: OA, kappa, per-class P/R/F1 and the confusion matrix.
std::string format_train_report(const TrainSummary& s);

}  // namespace paddymrv
