#pragma once
// Reads one asset of one scene as a window of the analysis grid.
// Aligned sources (same CRS, pixel size an integer multiple of the grid's,
// whole-pixel offset — Sentinel-2 on its own UTM zone) are read directly with
// RasterIO, 20 m bands replicated to 10 m; anything else goes through GDAL's
// warper. Pixels the source does not cover, and source nodata, come back as
// NaN (float) or 0 (integer bands, the Sentinel-2 nodata).
//
// Cost (issue #6): a reader is cheap to construct again and again for the
// same file. Each thread keeps the sources it has opened (the GDAL dataset,
// its geotransform and nodata, the alignment decision and the coordinate
// transformer to the grid) in a small pool keyed by path, inode, size and
// modification time (files modified in the last seconds are never pooled),
// so the block engine's "one reader per scene per block"
// opens and parses each file once per thread, not once per block. A reader
// checks its source out of the pool and returns it on destruction: one
// dataset is never used by two readers at once (GDAL datasets are not
// thread-safe), and a file replaced on disk is opened afresh.
// Warps use one transformer per source for the whole grid, shifted by the
// window's integer offset: the same arithmetic whatever the block size, so
// results do not depend on the blocking.
#include <cstdint>
#include <memory>
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
  ~WindowReader();
  WindowReader(WindowReader&&) noexcept;
  WindowReader& operator=(WindowReader&&) = delete;
  WindowReader(const WindowReader&) = delete;
  WindowReader& operator=(const WindowReader&) = delete;

  void read(const PixelWindow& w, Resampling r, std::vector<float>& out);
  void read(const PixelWindow& w, Resampling r, std::vector<std::uint16_t>& out);
  void read(const PixelWindow& w, Resampling r, std::vector<std::uint8_t>& out);

  // Values are decibels: read() returns linear power 10^(dB/10).
  void set_decibels(bool db) { decibels_ = db; }

  // True when the fast aligned path applies.
  bool aligned() const;
  const std::string& path() const { return path_; }

  // Drops this thread's pool of open sources (tests; memory pressure).
  static void release_thread_cache();

  struct Source;  // an open dataset with what was derived from it for one grid

 private:
  template <class T>
  void read_any(const PixelWindow& w, Resampling r, std::vector<T>& out);
  template <class T>
  void read_aligned(const PixelWindow& w, std::vector<T>& out);
  template <class T>
  void read_warped(const PixelWindow& w, Resampling r, std::vector<T>& out);

  std::string path_;
  const AnalysisGrid& grid_;
  std::unique_ptr<Source> src_;
  std::optional<double> nodata_;
  bool decibels_ = false;
};

}  // namespace paddymrv
