#pragma once
// The ground truth of a simulated season, on the analysis grid (truth/):
// class, water regime, in-season drainage events, field and commune of every
// pixel, the observation counts the pipeline's QA layers must reproduce, and
// per-field, per-commune and per-claim tables, and how observable each rice
// field's drainage events were (truth/observability.csv).
#include <cstdint>
#include <filesystem>
#include <vector>

#include "pipeline/sim_communes.hpp"
#include "pipeline/sim_raster_io.hpp"
#include "pipeline/sim_samples.hpp"
#include "pipeline/sim_schedule.hpp"
#include "pipeline/sim_world.hpp"

namespace paddymrv::sim {

RasterGrid analysis_grid(const SimulationParams& params);

struct TruthInput {
  const SimulationParams* params = nullptr;
  const SimWorld* world = nullptr;
  const CommunePartition* communes = nullptr;
  const std::vector<Claim>* claims = nullptr;
  const std::vector<std::uint16_t>* s1_count = nullptr;  // analysis grid
  const std::vector<std::uint16_t>* s2_count = nullptr;
  const std::vector<Acquisition>* s1_acquisitions = nullptr;  // for truth/observability.csv
};

// Writes truth/*.tif and truth/*.csv; returns the number of fields listed
// (those with at least one pixel in the area).
int write_truth(const std::filesystem::path& truth_dir, const TruthInput& in);

}  // namespace paddymrv::sim
