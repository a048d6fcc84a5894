#pragma once
// Simulated Sentinel-1 IW GRD scenes (VV, VH; linear power, float32,
// nodata −32768) on their own 10 m grid, deliberately not aligned with the
// analysis grid: shifted by (+3 m, −4 m) from the 10 m lattice and covering
// the area plus a 25-px margin, as a real scene would be after terrain
// correction. The world is sampled at each scene pixel's centre.
#include <vector>

#include "pipeline/sim_raster_io.hpp"
#include "pipeline/sim_schedule.hpp"
#include "pipeline/sim_world.hpp"

namespace paddymrv::sim {

constexpr float kS1Nodata = -32768.0f;

RasterGrid s1_grid(const SimulationParams& params);

struct S1Scene {
  std::vector<float> vv, vh;  // s1_grid(params).pixels() each
};

// Noise-free backscatter of every field on the acquisition day, with the
// field's level offsets, then gamma speckle per pixel (one random stream per
// scene row). Pixels beyond a swath edge are nodata.
S1Scene render_s1(const SimWorld& world, const RasterGrid& grid, const Acquisition& acq,
                  const SimulationParams& params);

}  // namespace paddymrv::sim
