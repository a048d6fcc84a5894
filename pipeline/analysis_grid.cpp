#include "pipeline/analysis_grid.hpp"

#include <cmath>
#include <string>

#include "pipeline/errors.hpp"

namespace paddymrv {

AnalysisGrid AnalysisGrid::from_bounds(const std::string& crs_wkt, double res, double xmin, double ymin,
                                       double xmax, double ymax) {
  if (!(res > 0) || !std::isfinite(xmin) || !std::isfinite(ymin) || !std::isfinite(xmax) || !std::isfinite(ymax)) {
    throw ConfigError("analysis grid: invalid bounds or resolution");
  }
  constexpr double tol = 1e-6;
  const double cx0 = std::floor(xmin / res + tol), cx1 = std::ceil(xmax / res - tol);
  const double cy0 = std::floor(ymin / res + tol), cy1 = std::ceil(ymax / res - tol);
  const double w = cx1 - cx0, h = cy1 - cy0;
  if (w < 1 || h < 1) throw ConfigError("analysis grid: the extent is empty");
  if (w * h > 2147483647.0) {
    throw ConfigError("analysis grid: " + std::to_string(w) + " x " + std::to_string(h) +
                      " pixels is too large; check grid.crs units and grid.resolution");
  }
  AnalysisGrid g;
  g.crs_wkt = crs_wkt;
  g.resolution = res;
  g.origin_x = cx0 * res;
  g.origin_y = cy1 * res;
  g.width = static_cast<int>(w);
  g.height = static_cast<int>(h);
  return g;
}

std::vector<PixelWindow> AnalysisGrid::blocks(int block_size) const {
  std::vector<PixelWindow> out;
  for (int y = 0; y < height; y += block_size) {
    for (int x = 0; x < width; x += block_size) {
      out.push_back({x, y, std::min(block_size, width - x), std::min(block_size, height - y)});
    }
  }
  return out;
}

}  // namespace paddymrv
