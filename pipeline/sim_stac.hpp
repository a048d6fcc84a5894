#pragma once
// The simulated scenes as a STAC ItemCollection (items.json): STAC 1.0.0
// Items with the sar/sat/proj/raster (Sentinel-1) and eo/proj/raster
// (Sentinel-2 L2A) extension fields the pipeline reads (DESIGN §3), relative
// hrefs, footprints in EPSG:4326.
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/sim_raster_io.hpp"
#include "pipeline/sim_schedule.hpp"
#include "pipeline/sim_sentinel2.hpp"

namespace paddymrv::sim {

// Relative hrefs (and file names under the output folder).
std::string s1_href(const Acquisition& acq, const std::string& pol);  // s1/<id>_vv.tif
std::string s2_href(const Acquisition& acq, const std::string& band);  // s2/<id>_B02.tif, band ESA name or SCL

struct StacInput {
  const SimulationParams* params = nullptr;
  const std::vector<Acquisition>* s1 = nullptr;
  RasterGrid s1_grid;
  const std::vector<Acquisition>* s2 = nullptr;
  std::vector<double> s2_cloud_cover_percent;  // per S2 acquisition
  S2Grids s2_grids;
};

void write_items_json(const std::filesystem::path& path, const StacInput& in);

}  // namespace paddymrv::sim
