#include "pipeline/window_reader.hpp"

#include <gdalwarper.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <deque>
#include <limits>
#include <thread>
#include <type_traits>

#include "pipeline/errors.hpp"

namespace paddymrv {

struct WindowReader::Source {
  std::string key;  // path + inode, size, mtime: a replaced file is another source
  GDALDatasetUniquePtr ds;
  double gt[6] = {};
  double inv_gt[6] = {};
  std::optional<double> file_nodata;
  // Derived for one analysis grid (recomputed when a reader brings another).
  std::string grid_wkt;
  double grid_gt[6] = {};
  double inv_grid_gt[6] = {};
  bool aligned = false;
  int factor = 1;                       // source pixel = factor × grid pixel (aligned path)
  long long src_x_of_grid0 = 0, src_y_of_grid0 = 0;  // grid origin in source grid pixels × factor
  bool same_crs = false;                // warp with the affine map only
  TransformerPtr transformer;           // grid pixel → source pixel for the whole grid (other CRS)
};

namespace {

template <class T>
constexpr GDALDataType gdal_type() {
  if constexpr (std::is_same_v<T, float>) return GDT_Float32;
  if constexpr (std::is_same_v<T, std::uint16_t>) return GDT_UInt16;
  if constexpr (std::is_same_v<T, std::uint8_t>) return GDT_Byte;
}

template <class T>
constexpr T missing_value() {
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::quiet_NaN();
  return T{0};
}

bool near_integer(double v, double tol = 1e-6) { return std::fabs(v - std::round(v)) <= tol; }

// --- the per-thread pool of open sources.
// Files kept open per thread: all the scenes of a season when the cores are
// few, fewer on big servers so that threads × pool stays under the usual
// 1024 file-descriptor limit (a miss only costs a reopen, as before).
std::size_t pool_capacity() {
  static const std::size_t cap = [] {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    return std::clamp<std::size_t>(768 / hw, 16, 256);
  }();
  return cap;
}

struct Pool {
  std::deque<std::unique_ptr<WindowReader::Source>> idle;  // most recently returned at the back
};
Pool& pool() {
  thread_local Pool p;
  return p;
}

// Identity of the file behind `path`; empty when it cannot be stat'ed (e.g. a
// /vsi path): such sources are never pooled.
std::string file_key(const std::string& path) {
  struct stat st {};
  if (path.rfind("/vsi", 0) == 0 || ::stat(path.c_str(), &st) != 0) return {};
  // A file modified in the last seconds may still be rewritten in place with
  // the same size within the clock's granularity (tests, fixtures being
  // written): such files are read afresh every time, never pooled.
  if (std::time(nullptr) - st.st_mtim.tv_sec < 3) return {};
  return path + '\n' + std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + ':' +
         std::to_string(st.st_size) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec);
}

std::unique_ptr<WindowReader::Source> checkout(const std::string& key) {
  if (key.empty()) return nullptr;
  auto& idle = pool().idle;
  for (auto it = idle.end(); it != idle.begin();) {
    --it;
    if ((*it)->key == key) {
      auto s = std::move(*it);
      idle.erase(it);
      return s;
    }
  }
  return nullptr;
}

void checkin(std::unique_ptr<WindowReader::Source> s) {
  if (!s || s->key.empty()) return;
  auto& idle = pool().idle;
  idle.push_back(std::move(s));
  while (idle.size() > pool_capacity()) idle.pop_front();
}

std::unique_ptr<WindowReader::Source> open_source(const std::string& path, std::string key) {
  auto s = std::make_unique<WindowReader::Source>();
  s->key = std::move(key);
  s->ds = open_raster(path);
  if (s->ds->GetRasterCount() < 1) throw InputError(path + ": has no raster band");
  if (s->ds->GetGeoTransform(s->gt) != CE_None) throw InputError(path + ": has no geotransform");
  if (!s->ds->GetSpatialRef()) throw InputError(path + ": has no CRS");
  if (!GDALInvGeoTransform(s->gt, s->inv_gt)) throw InputError(path + ": geotransform is not invertible");
  int has = 0;
  const double v = s->ds->GetRasterBand(1)->GetNoDataValue(&has);
  if (has) s->file_nodata = v;
  return s;
}

// Grid CRS parsed once per thread and WKT (the block engine makes thousands
// of readers with the same grid).
const OGRSpatialReference& grid_srs(const std::string& wkt) {
  thread_local std::string cached_wkt;
  thread_local OGRSpatialReference srs;
  if (cached_wkt != wkt || cached_wkt.empty()) {
    srs.Clear();
    srs.importFromWkt(wkt.c_str());
    cached_wkt = wkt;
  }
  return srs;
}

void derive_for_grid(WindowReader::Source& s, const AnalysisGrid& grid, const std::string& path) {
  const auto ggt = grid.geotransform();
  if (s.grid_wkt == grid.crs_wkt && std::equal(ggt.begin(), ggt.end(), s.grid_gt)) return;
  s.grid_wkt = grid.crs_wkt;
  std::copy(ggt.begin(), ggt.end(), s.grid_gt);
  if (!GDALInvGeoTransform(s.grid_gt, s.inv_grid_gt)) throw InputError(path + ": analysis grid is degenerate");
  s.aligned = false;
  s.transformer.reset();
  const OGRSpatialReference* srs = s.ds->GetSpatialRef();
  s.same_crs = srs->IsSame(&grid_srs(grid.crs_wkt));
  const double* gt = s.gt;
  // Aligned when north-up, same CRS, source pixel an integer multiple of the
  // grid pixel, and the source lattice passes through the grid's lattice.
  const double ratio = gt[1] / grid.resolution;
  if (gt[2] == 0 && gt[4] == 0 && gt[5] == -gt[1] && near_integer(ratio) && std::round(ratio) >= 1 && s.same_crs) {
    const double ox = (grid.origin_x - gt[0]) / grid.resolution;
    const double oy = (gt[3] - grid.origin_y) / grid.resolution;
    if (near_integer(ox) && near_integer(oy)) {
      s.aligned = true;
      s.factor = static_cast<int>(std::round(ratio));
      s.src_x_of_grid0 = std::llround(ox);
      s.src_y_of_grid0 = std::llround(oy);
    }
  }
  if (!s.aligned && !s.same_crs) {
    const char* src_wkt = GDALGetProjectionRef(GDALDataset::ToHandle(s.ds.get()));
    s.transformer.reset(GDALCreateGenImgProjTransformer3(src_wkt, s.gt, grid.crs_wkt.c_str(), s.grid_gt));
    if (!s.transformer) throw InputError(path + ": cannot transform to the grid CRS: " + last_gdal_error());
  }
}

// GDAL transformer for one window: grid pixel (window pixel + offset) ↔
// source pixel. Same CRS: the two geotransforms only (no PROJ call per
// point); other CRS: the source's whole-grid transformer, shifted.
struct WindowTransform {
  const WindowReader::Source* s;
  double x0, y0;
};

int window_transform(void* arg, int dst_to_src, int n, double* x, double* y, double* z, int* ok) {
  const auto& t = *static_cast<const WindowTransform*>(arg);
  const WindowReader::Source& s = *t.s;
  if (!s.same_crs) {
    if (dst_to_src) {
      for (int i = 0; i < n; ++i) x[i] += t.x0, y[i] += t.y0;
      return GDALGenImgProjTransform(s.transformer.get(), TRUE, n, x, y, z, ok);
    }
    const int r = GDALGenImgProjTransform(s.transformer.get(), FALSE, n, x, y, z, ok);
    for (int i = 0; i < n; ++i) x[i] -= t.x0, y[i] -= t.y0;
    return r;
  }
  const double* a = dst_to_src ? s.grid_gt : s.gt;      // pixel → georeferenced
  const double* b = dst_to_src ? s.inv_gt : s.inv_grid_gt;  // georeferenced → pixel
  for (int i = 0; i < n; ++i) {
    const double px = dst_to_src ? x[i] + t.x0 : x[i], py = dst_to_src ? y[i] + t.y0 : y[i];
    const double gx = a[0] + px * a[1] + py * a[2], gy = a[3] + px * a[4] + py * a[5];
    double qx = b[0] + gx * b[1] + gy * b[2], qy = b[3] + gx * b[4] + gy * b[5];
    if (!dst_to_src) qx -= t.x0, qy -= t.y0;
    x[i] = qx;
    y[i] = qy;
    ok[i] = TRUE;
  }
  return TRUE;
}

}  // namespace

WindowReader::WindowReader(const std::string& path, std::optional<double> nodata, const AnalysisGrid& grid)
    : path_(path), grid_(grid), nodata_(nodata) {
  std::string key = file_key(path);
  src_ = checkout(key);
  if (!src_) src_ = open_source(path, std::move(key));
  derive_for_grid(*src_, grid, path);
  if (!nodata_) nodata_ = src_->file_nodata;
}

WindowReader::~WindowReader() { checkin(std::move(src_)); }
WindowReader::WindowReader(WindowReader&& o) noexcept
    : path_(std::move(o.path_)), grid_(o.grid_), src_(std::move(o.src_)), nodata_(o.nodata_), decibels_(o.decibels_) {}

bool WindowReader::aligned() const { return src_->aligned; }

void WindowReader::release_thread_cache() { pool().idle.clear(); }

void WindowReader::read(const PixelWindow& w, Resampling r, std::vector<float>& out) { read_any(w, r, out); }
void WindowReader::read(const PixelWindow& w, Resampling r, std::vector<std::uint16_t>& out) { read_any(w, r, out); }
void WindowReader::read(const PixelWindow& w, Resampling r, std::vector<std::uint8_t>& out) { read_any(w, r, out); }

template <class T>
void WindowReader::read_any(const PixelWindow& w, Resampling r, std::vector<T>& out) {
  out.assign(w.pixels(), missing_value<T>());
  if (src_->aligned) {
    read_aligned(w, out);
  } else {
    read_warped(w, r, out);
  }
  const bool map_nodata = nodata_ && !std::isnan(*nodata_);
  if constexpr (std::is_floating_point_v<T>) {
    // Source nodata → NaN, then dB → linear (NaN stays NaN): one pass.
    const T nd = map_nodata ? static_cast<T>(*nodata_) : T(0);
    const bool exact = map_nodata && static_cast<double>(nd) == *nodata_;
    if (map_nodata && !exact) {
      // nodata not representable in T: no pixel can equal it.
    } else if (map_nodata) {
      for (auto& v : out) {
        if (v == nd) v = missing_value<T>();
      }
    }
    if (decibels_) {
      for (auto& v : out) v = std::pow(T(10), v / T(10));
    }
  } else if (map_nodata) {
    const double nd = *nodata_;
    for (auto& v : out) {
      if (static_cast<double>(v) == nd) v = missing_value<T>();
    }
  }
}

template <class T>
void WindowReader::read_aligned(const PixelWindow& w, std::vector<T>& out) {
  const Source& s = *src_;
  const int f = s.factor;
  // Window in grid pixels relative to the source lattice (fine units).
  const long long gx0 = s.src_x_of_grid0 + w.x0, gy0 = s.src_y_of_grid0 + w.y0;
  const long long gx1 = gx0 + w.width, gy1 = gy0 + w.height;
  const long long sw = static_cast<long long>(s.ds->GetRasterXSize()) * f;
  const long long sh = static_cast<long long>(s.ds->GetRasterYSize()) * f;
  const long long cx0 = std::max(gx0, 0LL), cy0 = std::max(gy0, 0LL);
  const long long cx1 = std::min(gx1, sw), cy1 = std::min(gy1, sh);
  if (cx0 >= cx1 || cy0 >= cy1) return;  // no overlap: all missing
  // Source pixels covering the clipped window, read at native size...
  const long long sx0 = cx0 / f, sy0 = cy0 / f;
  const long long sx1 = (cx1 + f - 1) / f, sy1 = (cy1 + f - 1) / f;
  const int nx = static_cast<int>(sx1 - sx0), ny = static_cast<int>(sy1 - sy0);
  GDALRasterBand* band = s.ds->GetRasterBand(1);
  CPLErrorReset();
  if (f == 1) {
    // Same lattice: straight into the output rows, no staging copy.
    T* dst = out.data() + static_cast<std::size_t>(cy0 - gy0) * w.width + (cx0 - gx0);
    if (band->RasterIO(GF_Read, static_cast<int>(sx0), static_cast<int>(sy0), nx, ny, dst, nx, ny, gdal_type<T>(),
                       sizeof(T), static_cast<GSpacing>(sizeof(T)) * w.width, nullptr) != CE_None) {
      throw InputError(path_ + ": read failed: " + last_gdal_error());
    }
    return;
  }
  thread_local std::vector<T> src;
  src.resize(static_cast<std::size_t>(nx) * ny);
  if (band->RasterIO(GF_Read, static_cast<int>(sx0), static_cast<int>(sy0), nx, ny, src.data(), nx, ny,
                     gdal_type<T>(), 0, 0, nullptr) != CE_None) {
    throw InputError(path_ + ": read failed: " + last_gdal_error());
  }
  // ...then replicated: each grid pixel takes the source pixel containing it.
  // One division per source pixel, not per grid pixel (f is only known at
  // run time, so x / f was a hardware division for every pixel of every
  // 20 m band: ≈ 2 % of a run).
  for (long long y = cy0; y < cy1; ++y) {
    const T* srow = src.data() + static_cast<std::size_t>((y / f - sy0) * nx);
    T* drow = out.data() + static_cast<std::size_t>((y - gy0) * w.width);
    for (long long x = cx0; x < cx1;) {
      const long long sx = x / f;
      const T v = srow[sx - sx0];
      const long long end = std::min(cx1, (sx + 1) * f);
      for (; x < end; ++x) drow[x - gx0] = v;
    }
  }
}

template <class T>
void WindowReader::read_warped(const PixelWindow& w, Resampling r, std::vector<T>& out) {
  const Source& s = *src_;
  const auto gt = grid_.geotransform(w);
  double dst_gt[6];
  std::copy(gt.begin(), gt.end(), dst_gt);
  WindowTransform transform{&s, static_cast<double>(w.x0), static_cast<double>(w.y0)};

  // The destination is a MEM band over `out` itself: no intermediate copy.
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr dst(mem->Create("", w.width, w.height, 0, gdal_type<T>(), nullptr));
  char ptr[64];
  std::snprintf(ptr, sizeof ptr, "DATAPOINTER=%p", static_cast<void*>(out.data()));
  char* band_options[] = {ptr, nullptr};
  dst->AddBand(gdal_type<T>(), band_options);
  dst->SetGeoTransform(dst_gt);

  std::unique_ptr<GDALWarpOptions, decltype(&GDALDestroyWarpOptions)> opt(GDALCreateWarpOptions(),
                                                                           GDALDestroyWarpOptions);
  opt->hSrcDS = GDALDataset::ToHandle(s.ds.get());
  opt->hDstDS = GDALDataset::ToHandle(dst.get());
  opt->nBandCount = 1;
  opt->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
  opt->panSrcBands[0] = 1;
  opt->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
  opt->panDstBands[0] = 1;
  opt->eResampleAlg = r == Resampling::bilinear ? GRA_Bilinear : GRA_NearestNeighbour;
  opt->eWorkingDataType = gdal_type<T>() == GDT_Float32 ? GDT_Float32 : GDT_Float64;
  opt->pfnTransformer = window_transform;
  opt->pTransformerArg = &transform;
  if (nodata_) {
    opt->padfSrcNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
    opt->padfSrcNoDataReal[0] = *nodata_;
  }
  opt->padfDstNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
  opt->padfDstNoDataReal[0] = static_cast<double>(missing_value<T>());
  opt->papszWarpOptions = CSLSetNameValue(opt->papszWarpOptions, "INIT_DEST", "NO_DATA");

  GDALWarpOperation op;
  CPLErrorReset();
  if (op.Initialize(opt.get()) != CE_None || op.ChunkAndWarpImage(0, 0, w.width, w.height) != CE_None) {
    throw InputError(path_ + ": warping to the analysis grid failed: " + last_gdal_error());
  }
  opt->pTransformerArg = nullptr;  // lives on this stack frame
}

}  // namespace paddymrv
