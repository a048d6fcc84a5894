#pragma once
// The analysis grid: north-up, square pixels in one CRS, every product map
// lives on it. Its extent comes from the config or from the communes'
// bounds, snapped outward to whole pixels from the CRS origin so that grids
// of the same resolution always align (and align with Sentinel-2's 10 m
// UTM lattice when the CRS is the tile's UTM zone).
#include <array>
#include <string>
#include <vector>

namespace paddymrv {

struct PixelWindow {
  int x0 = 0, y0 = 0, width = 0, height = 0;
  std::size_t pixels() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
  bool operator==(const PixelWindow&) const = default;
};

struct AnalysisGrid {
  std::string crs_wkt;
  double origin_x = 0, origin_y = 0;  // top-left corner
  double resolution = 10;
  int width = 0, height = 0;

  // Snaps [xmin, xmax] × [ymin, ymax] outward to multiples of resolution;
  // bounds within 1e-6 pixel of a multiple keep it (reprojection noise must
  // not add a row). Throws ConfigError when the grid would be empty or
  // absurdly large (> 2^31 pixels).
  static AnalysisGrid from_bounds(const std::string& crs_wkt, double resolution, double xmin, double ymin,
                                  double xmax, double ymax);

  std::array<double, 6> geotransform() const { return {origin_x, resolution, 0, origin_y, 0, -resolution}; }
  std::array<double, 6> geotransform(const PixelWindow& w) const {
    return {origin_x + w.x0 * resolution, resolution, 0, origin_y - w.y0 * resolution, 0, -resolution};
  }
  double pixel_area_ha() const { return resolution * resolution / 1e4; }
  std::size_t pixels() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }

  // Row-major tiling into blocks of block_size (edge blocks smaller).
  std::vector<PixelWindow> blocks(int block_size) const;
};

}  // namespace paddymrv
