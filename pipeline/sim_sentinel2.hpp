#pragma once
// Simulated Sentinel-2 L2A scenes: ten surface-reflectance bands as uint16
// DN (baseline ≥ 04.00 offset), 10 m bands on the analysis grid's 10 m
// lattice, 20 m bands and the scene classification (SCL) on the 20 m
// lattice, both covering the area plus a 20-px (10 m) margin. Clouds are
// smooth blobs with cirrus rims and displaced shadows; SCL says which
// pixels are clear (4 vegetation, 5 bare, 6 water, 7 unclassified).
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/sim_reflectance.hpp"
#include "pipeline/sim_raster_io.hpp"
#include "pipeline/sim_schedule.hpp"
#include "pipeline/sim_world.hpp"

namespace paddymrv::sim {

struct S2Grids {
  RasterGrid g10, g20;  // same extent; g10 has exactly twice the columns and rows
};
S2Grids s2_grids(const SimulationParams& params);

struct S2Scene {
  // Spectrum band order (kernels::sim::S2Band); 10 m bands on g10, others on g20.
  std::array<std::vector<std::uint16_t>, kernels::sim::kS2BandCount> bands;
  std::vector<std::uint8_t> scl;  // g20
  double cloud_cover_percent = 0;  // SCL 8, 9, 10 share of the scene
};

S2Scene render_s2(const SimWorld& world, const S2Grids& grids, const Acquisition& acq,
                  const SimulationParams& params);

}  // namespace paddymrv::sim
