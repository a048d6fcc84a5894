#pragma once
// Raster grids of the simulator and how its rasters are written: scenes as
// Cloud Optimized GeoTIFFs (GDAL's COG driver, by CreateCopy from a MEM
// dataset), truth maps as tiled GeoTIFFs, all in EPSG:32648, DEFLATE, and
// without timestamps so that a rerun gives byte-identical files.
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

namespace paddymrv::sim {

// A north-up grid: top-left corner, square pixels.
struct RasterGrid {
  double origin_x = 0, origin_y = 0, pixel = 10;
  int width = 0, height = 0;

  std::array<double, 6> geotransform() const { return {origin_x, pixel, 0, origin_y, 0, -pixel}; }
  double x_center(int col) const { return origin_x + (col + 0.5) * pixel; }
  double y_center(int row) const { return origin_y - (row + 0.5) * pixel; }
  // The pixel containing a point (half-open), possibly outside the grid.
  int col_of(double x) const { return static_cast<int>(std::floor((x - origin_x) / pixel)); }
  int row_of(double y) const { return static_cast<int>(std::floor((origin_y - y) / pixel)); }
  bool contains(int col, int row) const { return col >= 0 && row >= 0 && col < width && row < height; }
  std::size_t pixels() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
};

enum class RasterFormat { cog, gtiff };

struct RasterOptions {
  RasterFormat format = RasterFormat::cog;
  std::optional<double> nodata;
  const char* resampling = "AVERAGE";  // COG overviews
  bool overviews = true;               // COG only
};

// Writes one single-band raster in EPSG:32648. Throws paddymrv::Error
// (internal, exit 70) naming the file when GDAL fails.
void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const float> data,
                  const RasterOptions& options);
void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const std::uint16_t> data,
                  const RasterOptions& options);
void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const std::uint8_t> data,
                  const RasterOptions& options);
void write_raster(const std::filesystem::path& path, const RasterGrid& grid, std::span<const std::int32_t> data,
                  const RasterOptions& options);

}  // namespace paddymrv::sim
