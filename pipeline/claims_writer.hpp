#pragma once
// /claims of the result: every claimed field verified on its field-averaged
// Sentinel-1 series (kernels/flood_cycle, kernels/claim_verdict), with the
// reason, the dated dry periods and one evidence picture per claim.
#include <chrono>
#include <vector>

#include "kernels/field_series.hpp"
#include "kernels/flood_cycle.hpp"
#include "pipeline/config.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/result_writer.hpp"

namespace paddymrv {

void write_claims(ResultWriter& out, const PolygonLayer& claims, const kernels::FieldSeriesAccumulator& series,
                  const std::vector<int>& days, std::chrono::sys_days season_start, std::chrono::sys_days season_end,
                  const Config& cfg, const kernels::FloodCycleParams& flood);

}  // namespace paddymrv
