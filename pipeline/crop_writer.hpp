#pragma once
// The crop classifier's part of the result (DESIGN §4): per-commune crop
// areas (pixel counts), their error-adjusted areas with 95 % intervals
// (Olofsson et al. 2014, kernels/area_estimate.hpp) and the model's
// validation, so that a verifier sees the accuracy next to every area.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pipeline/analysis_grid.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/result_writer.hpp"

namespace paddymrv {

// Where the model's validation pixels lie on this run's grid: the cell
// (row-major index) of each, −1 off the grid. Empty, with the reason in
// `why_not`, when the model holds none, they are in another CRS, the grid is
// not train's pixel lattice, or none lies on it.
std::vector<std::int64_t> validation_pixel_cells(const CropModel& model, const AnalysisGrid& grid,
                                                 std::string* why_not = nullptr);

// What this run's own map says at the model's validation pixels: the commune
// and the class (matrix row) of each, −1 where unknown, taken block by block
// from the very arrays the run writes and counts (so the same rule places
// them as every mapped pixel). Only for a run of the model's own season on
// its pixel lattice; otherwise `why_not` says why (and it is warned).
struct ValidationOnRun {
  ValidationOnRun() = default;
  ValidationOnRun(const CropModel& model, const AnalysisGrid& grid, const std::string& season_start,
                  const std::string& season_end);
  // Called with each block of the run, in any order, once each.
  void take(const PixelWindow& w, std::span<const std::int32_t> block_commune,
            std::span<const std::uint8_t> block_class, const CropModel& model);
  // Every validation pixel on the grid has a class, and some are on it.
  bool complete() const;
  std::size_t used() const;  // validation pixels on this run's grid
  std::vector<std::int64_t> cell;
  std::vector<int> commune, mapped;
  std::string why_not;

 private:
  std::int64_t grid_width_ = 0;
  std::vector<std::size_t> by_cell_;  // pixels on the grid, by cell
};

// crop_pixels[commune × class] in the model's class order. post_processing:
// CropPostProcessing::from(config).describe() of this run; the areas are adjusted with
// the model's validation of the map made that way when it has one (train
// with the same classifier settings), else with its per-pixel validation,
// and the result says which. With `on_run` complete, the validation is
// this run's own map at the validation pixels instead, and each commune's
// areas are corrected with the errors of the pixels inside it
// (kernels/domain_area_estimate.hpp); otherwise (on_run.why_not: a model
// from before, another season, CRS or pixel lattice, no pixel on the grid)
// the province's errors on each commune's map.
// Returns the relative standard errors of the error-adjusted rice area, for
// the methane interval: the province's, and each commune's (empty without a
// per-commune estimate); 0 and empty when rice is not in the model.
struct RiceAreaError {
  double province_rel_sd = 0;
  std::vector<double> commune_rel_sd;
};

RiceAreaError write_crop_results(ResultWriter& out, const CropModel& model, const std::string& model_path,
                          const std::string& post_processing, const std::vector<std::int64_t>& crop_pixels,
                          std::size_t communes, double pixel_area_ha, const ValidationOnRun& on_run);

}  // namespace paddymrv
