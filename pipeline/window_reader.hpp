#pragma once
// Reads one asset of one scene as a window of the analysis grid.
// Aligned sources (same CRS, pixel size an integer multiple of the grid's,
// whole-pixel offset — Sentinel-2 on its own UTM zone) are read directly with
// RasterIO, 20 m bands replicated to 10 m; anything else goes through GDAL's
// warper. Pixels the source does not cover, and source nodata, come back as
// NaN (float) or 0 (integer bands, the Sentinel-2 nodata).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/analysis_grid.hpp"
#include "pipeline/gdal_handle.hpp"

namespace paddymrv {

enum class Resampling { nearest, bilinear };

class WindowReader {
 public:
  // Opens the raster (allow-listed drivers); InputError naming the file on failure.
  WindowReader(const std::string& path, std::optional<double> nodata, const AnalysisGrid& grid);

  void read(const PixelWindow& w, Resampling r, std::vector<float>& out);
  void read(const PixelWindow& w, Resampling r, std::vector<std::uint16_t>& out);
  void read(const PixelWindow& w, Resampling r, std::vector<std::uint8_t>& out);

  // Values are decibels: read() returns linear power 10^(dB/10).
  void set_decibels(bool db) { decibels_ = db; }

  // True when the fast aligned path applies.
  bool aligned() const { return aligned_; }
  const std::string& path() const { return path_; }

 private:
  template <class T>
  void read_any(const PixelWindow& w, Resampling r, std::vector<T>& out);
  template <class T>
  void read_aligned(const PixelWindow& w, std::vector<T>& out);
  template <class T>
  void read_warped(const PixelWindow& w, Resampling r, std::vector<T>& out);

  std::string path_;
  GDALDatasetUniquePtr ds_;
  const AnalysisGrid& grid_;
  std::optional<double> nodata_;
  double src_gt_[6] = {};
  bool aligned_ = false;
  bool decibels_ = false;
  int factor_ = 1;  // source pixel = factor × grid pixel (aligned path)
  long long src_x_of_grid0_ = 0, src_y_of_grid0_ = 0;  // grid origin in source grid pixels × factor
};

}  // namespace paddymrv
