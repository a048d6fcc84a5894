#pragma once
// /claims of the result: every claimed field verified on its field-averaged
// Sentinel-1 series (kernels/flood_cycle, kernels/claim_verdict), with the
// reason, the dated dry periods, the field's clear-sky Sentinel-2 NDVI/LSWI
// (/claims/optical) and one evidence picture per claim.
#include <chrono>
#include <vector>

#include "kernels/field_series.hpp"
#include "kernels/flood_cycle.hpp"
#include "kernels/optical_field_series.hpp"
#include "pipeline/config.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/result_writer.hpp"
#include "pipeline/scene.hpp"

namespace paddymrv {

// `series` holds the claims' Sentinel-1 means on `days` (from the season
// start); `optical` their Sentinel-2 means on the dates of `s2_scenes`.
void write_claims(ResultWriter& out, const PolygonLayer& claims, const kernels::FieldSeriesAccumulator& series,
                  const std::vector<int>& days, const kernels::OpticalFieldAccumulator& optical,
                  const std::vector<const Scene*>& s2_scenes, std::chrono::sys_days season_start,
                  std::chrono::sys_days season_end, const Config& cfg, const kernels::FloodCycleParams& flood);

}  // namespace paddymrv
