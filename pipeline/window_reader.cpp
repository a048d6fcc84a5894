#include "pipeline/window_reader.hpp"

#include <gdalwarper.h>

#include <cmath>
#include <limits>
#include <type_traits>

#include "pipeline/errors.hpp"

namespace paddymrv {

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

}  // namespace

WindowReader::WindowReader(const std::string& path, std::optional<double> nodata, const AnalysisGrid& grid)
    : path_(path), ds_(open_raster(path)), grid_(grid), nodata_(nodata) {
  if (ds_->GetRasterCount() < 1) throw InputError(path + ": has no raster band");
  if (ds_->GetGeoTransform(src_gt_) != CE_None) throw InputError(path + ": has no geotransform");
  const OGRSpatialReference* srs = ds_->GetSpatialRef();
  if (!srs) throw InputError(path + ": has no CRS");
  if (!nodata_) {
    int has = 0;
    const double v = ds_->GetRasterBand(1)->GetNoDataValue(&has);
    if (has) nodata_ = v;
  }
  OGRSpatialReference grid_srs;
  grid_srs.importFromWkt(grid.crs_wkt.c_str());
  // Aligned when north-up, same CRS, source pixel an integer multiple of the
  // grid pixel, and the source lattice passes through the grid's lattice.
  const double ratio = src_gt_[1] / grid.resolution;
  if (src_gt_[2] == 0 && src_gt_[4] == 0 && src_gt_[5] == -src_gt_[1] && near_integer(ratio) &&
      std::round(ratio) >= 1 && srs->IsSame(&grid_srs)) {
    const double ox = (grid.origin_x - src_gt_[0]) / grid.resolution;
    const double oy = (src_gt_[3] - grid.origin_y) / grid.resolution;
    if (near_integer(ox) && near_integer(oy)) {
      aligned_ = true;
      factor_ = static_cast<int>(std::round(ratio));
      src_x_of_grid0_ = std::llround(ox);
      src_y_of_grid0_ = std::llround(oy);
    }
  }
}

void WindowReader::read(const PixelWindow& w, Resampling r, std::vector<float>& out) { read_any(w, r, out); }
void WindowReader::read(const PixelWindow& w, Resampling r, std::vector<std::uint16_t>& out) { read_any(w, r, out); }
void WindowReader::read(const PixelWindow& w, Resampling r, std::vector<std::uint8_t>& out) { read_any(w, r, out); }

template <class T>
void WindowReader::read_any(const PixelWindow& w, Resampling r, std::vector<T>& out) {
  out.assign(w.pixels(), missing_value<T>());
  if (aligned_) {
    read_aligned(w, out);
  } else {
    read_warped(w, r, out);
  }
  if (nodata_ && !std::isnan(*nodata_)) {
    // Source nodata → our missing value (NaN for float; 0 for integer bands).
    const double nd = *nodata_;
    for (auto& v : out) {
      if (static_cast<double>(v) == nd) v = missing_value<T>();
    }
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (decibels_) {
      for (auto& v : out) v = std::pow(T(10), v / T(10));  // NaN stays NaN
    }
  }
}

template <class T>
void WindowReader::read_aligned(const PixelWindow& w, std::vector<T>& out) {
  // Window in grid pixels relative to the source lattice (fine units).
  const long long gx0 = src_x_of_grid0_ + w.x0, gy0 = src_y_of_grid0_ + w.y0;
  const long long gx1 = gx0 + w.width, gy1 = gy0 + w.height;
  const long long sw = static_cast<long long>(ds_->GetRasterXSize()) * factor_;
  const long long sh = static_cast<long long>(ds_->GetRasterYSize()) * factor_;
  const long long cx0 = std::max(gx0, 0LL), cy0 = std::max(gy0, 0LL);
  const long long cx1 = std::min(gx1, sw), cy1 = std::min(gy1, sh);
  if (cx0 >= cx1 || cy0 >= cy1) return;  // no overlap: all missing
  // Source pixels covering the clipped window, read at native size...
  const long long sx0 = cx0 / factor_, sy0 = cy0 / factor_;
  const long long sx1 = (cx1 + factor_ - 1) / factor_, sy1 = (cy1 + factor_ - 1) / factor_;
  const int nx = static_cast<int>(sx1 - sx0), ny = static_cast<int>(sy1 - sy0);
  std::vector<T> src(static_cast<std::size_t>(nx) * ny);
  CPLErrorReset();
  if (ds_->GetRasterBand(1)->RasterIO(GF_Read, static_cast<int>(sx0), static_cast<int>(sy0), nx, ny, src.data(), nx,
                                      ny, gdal_type<T>(), 0, 0, nullptr) != CE_None) {
    throw InputError(path_ + ": read failed: " + last_gdal_error());
  }
  // ...then replicated: each grid pixel takes the source pixel containing it.
  for (long long y = cy0; y < cy1; ++y) {
    const T* srow = src.data() + static_cast<std::size_t>((y / factor_ - sy0) * nx);
    T* drow = out.data() + static_cast<std::size_t>((y - gy0) * w.width);
    for (long long x = cx0; x < cx1; ++x) drow[x - gx0] = srow[x / factor_ - sx0];
  }
}

template <class T>
void WindowReader::read_warped(const PixelWindow& w, Resampling r, std::vector<T>& out) {
  const auto gt = grid_.geotransform(w);
  double dst_gt[6];
  std::copy(gt.begin(), gt.end(), dst_gt);
  const char* src_wkt = GDALGetProjectionRef(GDALDataset::ToHandle(ds_.get()));
  TransformerPtr transformer(
      GDALCreateGenImgProjTransformer3(src_wkt, src_gt_, grid_.crs_wkt.c_str(), dst_gt));
  if (!transformer) throw InputError(path_ + ": cannot transform to the grid CRS: " + last_gdal_error());

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
  opt->hSrcDS = GDALDataset::ToHandle(ds_.get());
  opt->hDstDS = GDALDataset::ToHandle(dst.get());
  opt->nBandCount = 1;
  opt->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
  opt->panSrcBands[0] = 1;
  opt->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
  opt->panDstBands[0] = 1;
  opt->eResampleAlg = r == Resampling::bilinear ? GRA_Bilinear : GRA_NearestNeighbour;
  opt->eWorkingDataType = gdal_type<T>() == GDT_Float32 ? GDT_Float32 : GDT_Float64;
  opt->pfnTransformer = GDALGenImgProjTransform;
  opt->pTransformerArg = transformer.get();
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
  opt->pTransformerArg = nullptr;  // owned by `transformer`
}

}  // namespace paddymrv
