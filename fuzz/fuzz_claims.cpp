// libFuzzer target: the GeoJSON claims reader (pipeline/polygon_layer), the
// way `run --claims` uses it: read, reproject to the grid CRS, rasterise.
// The input is served from GDAL's in-memory file system (/vsimem/), so the
// reader runs unchanged. Only InputError (naming the file) may escape.
#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/analysis_grid.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/polygon_layer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace paddymrv;
  static const OGRSpatialReference* utm = [] {
    gdal_init(64);
    auto* s = new OGRSpatialReference;
    parse_crs("EPSG:32648", *s);
    return s;
  }();
  const char* path = "/vsimem/fuzz/claims.geojson";
  VSILFILE* f = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), static_cast<vsi_l_offset>(size), FALSE);
  if (!f) return 0;
  VSIFCloseL(f);
  try {
    const PolygonLayer claims(path, "claim_id", "practice", *utm, "claims.id_field / claims.practice_field");
    // A small grid over the first 64 × 64 px of the layer's bounds.
    const Bounds b = claims.bounds();
    char* wkt = nullptr;
    utm->exportToWkt(&wkt);
    try {
      const AnalysisGrid grid = AnalysisGrid::from_bounds(wkt, 10.0, b.xmin, b.ymin, std::min(b.xmax, b.xmin + 640),
                                                          std::min(b.ymax, b.ymin + 640));
      std::vector<std::int32_t> rows;
      claims.rasterize(grid, {0, 0, grid.width, grid.height}, rows);
    } catch (const ConfigError&) {
      // an empty extent (a degenerate polygon): the run says so before any work
    }
    CPLFree(wkt);
  } catch (const InputError& e) {
    if (std::string(e.what()).find(path) == std::string::npos) __builtin_trap();
  }
  VSIUnlink(path);
  return 0;
}
