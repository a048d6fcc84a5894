#pragma once
// The crop classifier as a file: the random forest plus everything needed to
// apply and audit it — the feature list (names, in order), the feature
// settings, the class table, the validation confusion matrix (for the
// Olofsson area estimate at run time) and training metadata. Stored with
// cv::FileStorage (YAML/XML/JSON by extension; human-readable).
#include <opencv2/ml.hpp>
#include <map>
#include <string>
#include <vector>

#include "kernels/accuracy_assessment.hpp"
#include "kernels/crop_features.hpp"
#include "kernels/flat_forest.hpp"
#include "kernels/validation_bootstrap.hpp"
#include "pipeline/config.hpp"

namespace paddymrv {

struct CropModel {
  // 3: with a field context (context_radius > 0) the model is two forests,
  // one on the pixel's own features and one with its radar features replaced
  // by their field context, whose votes are summed. Version 2 was one forest
  // on the context view alone (2026-12-06, an option off by default): it is
  // refused ("retrain"). A model without context stays version 1, readable
  // by binaries from before as it always was.
  static constexpr int kFormatVersion = 3;
  kernels::CropFeatureLayout layout;
  std::vector<std::string> feature_names;  // == layout.names() when written by this version
  int cloud_dilation = 1;
  // The context filter the context forest was trained with
  // (crop_features_block.hpp): run applies the model's, whatever its config
  // says. 0 in models written before it, which were trained per pixel.
  int context_radius = 0;
  double context_bandwidth = 0.1;
  // describe_radar_context of the model's: for reports and metadata.
  std::string describe_context() const;
  std::vector<CropClass> classes;        // class table at training; matrix order
  kernels::ConfusionMatrix validation;   // rows map, columns reference, `classes` order: the forest per pixel
  // The same validation pixels on the map as `run` writes it (the forest,
  // then the post-processing described by map_post_processing, the line of
  // CropPostProcessing::describe()). Empty (k = 0) in models written before it.
  kernels::ConfusionMatrix map_validation;
  std::string map_post_processing;
  // The same two validations per validation polygon (their sums are the
  // matrices), for the polygon bootstrap of the area intervals. Empty in
  // models written before it.
  std::vector<kernels::ValidationPolygon> validation_polygons, map_validation_polygons;
  // Every validation pixel: its cell centre in the grid CRS, its unit (index
  // into validation_polygons) and the class the forest and the map gave it
  // (matrix indices; map −1 when the model holds no map validation). Per
  // commune, the areas are corrected with the errors of the pixels inside
  // the commune (kernels/domain_area_estimate.hpp). Empty in models written
  // before it: the communes then get the province's errors.
  struct ValidationPixel {
    double x = 0, y = 0;
    int unit = 0, forest = 0, map = -1;
  };
  std::vector<ValidationPixel> validation_pixels;
  std::string validation_crs_wkt;  // the CRS of their coordinates: train's grid CRS
  std::map<std::string, std::string> metadata;  // created_utc, samples, seed, pixels, season …
  cv::Ptr<cv::ml::RTrees> forest;               // on the pixel's own features (what the file stores)
  cv::Ptr<cv::ml::RTrees> context_forest;       // on the context view; set iff context_radius > 0
  // What train and run predict with, on rows of row_width() floats (the
  // feature rows of crop_features_block.hpp): both forests' trees, their
  // votes summed. Built by set_forests.
  kernels::FlatForest flat_forest;

  // Sets the forests (`context` iff context_radius > 0; layout and
  // context_radius set before) and flattens them once into one committee.
  void set_forests(cv::Ptr<cv::ml::RTrees> pixel, cv::Ptr<cv::ml::RTrees> context = {});
  int row_width() const { return layout.row_width(context_radius); }
  // Row of class `code` in `classes`, −1 if absent.
  int class_index(int code) const;
  // The validation that describes a run with this post-processing: the
  // map's when train validated the map with the same settings, otherwise the
  // forest's per pixel (`of_map` tells which), with its polygons.
  struct ValidationView {
    const kernels::ConfusionMatrix& matrix;
    const std::vector<kernels::ValidationPolygon>& polygons;
    bool of_map;
  };
  ValidationView validation_for(const std::string& post_processing) const;
};

// "off" (radius 0), or "radius=R bandwidth=H".
std::string describe_radar_context(int radius, double bandwidth);

void save_crop_model(const CropModel& model, const std::string& path);
// Throws InputError naming the file when it is not a paddymrv crop model, or
// when its feature list differs from what this version computes.
CropModel load_crop_model(const std::string& path);

}  // namespace paddymrv
