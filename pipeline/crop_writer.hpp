#pragma once
// The crop classifier's part of the result (DESIGN §4): per-commune crop
// areas (pixel counts), their error-adjusted areas with 95 % intervals
// (Olofsson et al. 2014, kernels/area_estimate.hpp) and the model's
// validation, so that a verifier sees the accuracy next to every area.
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/analysis_grid.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/result_writer.hpp"

namespace paddymrv {

// The commune (row of `communes`) of each of the model's validation pixels,
// by the run's own rule (the commune holding the pixel centre on `grid`);
// −1 outside every commune or off the grid.
std::vector<int> validation_pixel_communes(const CropModel& model, const PolygonLayer& communes,
                                           const AnalysisGrid& grid);

// crop_pixels[commune × class] in the model's class order. post_processing:
// CropPostProcessing::from(config).describe() of this run; the areas are adjusted with
// the model's validation of the map made that way when it has one (train
// with the same classifier settings), else with its per-pixel validation,
// and the result says which. `validation_commune` (validation_pixel_communes)
// places the validation pixels: each commune's areas are then corrected with
// the errors of the pixels inside it (kernels/domain_area_estimate.hpp);
// empty (a model from before) → the province's errors on each commune's map.
// Returns the relative standard error of the
// error-adjusted rice area (province), which the methane Monte Carlo
// propagates; 0 when rice is not in the model.
double write_crop_results(ResultWriter& out, const CropModel& model, const std::string& model_path,
                          const std::string& post_processing, const std::vector<std::int64_t>& crop_pixels,
                          std::size_t communes, double pixel_area_ha, const std::vector<int>& validation_commune);

}  // namespace paddymrv
