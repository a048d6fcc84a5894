#pragma once
// The crop classifier's part of the result (DESIGN §4): per-commune crop
// areas (pixel counts), their error-adjusted areas with 95 % intervals
// (Olofsson et al. 2014, kernels/area_estimate.hpp) and the model's
// validation, so that a verifier sees the accuracy next to every area.
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/crop_model.hpp"
#include "pipeline/result_writer.hpp"

namespace paddymrv {

// crop_pixels[commune × class] in the model's class order. post_processing:
// CropPostProcessing::from(config).describe() of this run; the areas are adjusted with
// the model's validation of the map made that way when it has one (train
// with the same classifier settings), else with its per-pixel validation,
// and the result says which. Returns the relative standard error of the
// error-adjusted rice area (province), which the methane Monte Carlo
// propagates; 0 when rice is not in the model.
double write_crop_results(ResultWriter& out, const CropModel& model, const std::string& model_path,
                          const std::string& post_processing, const std::vector<std::int64_t>& crop_pixels,
                          std::size_t communes, double pixel_area_ha);

}  // namespace paddymrv
