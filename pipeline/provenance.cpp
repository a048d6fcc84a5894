#include "pipeline/provenance.hpp"

#include <cpl_vsi.h>
#include <openssl/evp.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"

namespace paddymrv {

namespace {

struct EvpDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct VsiCloser {
  void operator()(VSILFILE* f) const {
    if (f) VSIFCloseL(f);
  }
};

std::string hex(const unsigned char* d, unsigned n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 15];
  }
  return out;
}

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(const void* p, std::size_t n) { EVP_DigestUpdate(ctx_.get(), p, n); }
  std::string hex_digest() {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_DigestFinal_ex(ctx_.get(), d, &n);
    return hex(d, n);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, EvpDeleter> ctx_;
};

// Overlap test of a raster's footprint with the grid, in grid CRS, from a
// 9×9 lattice of points over the raster (enough for rectangular scenes).
// Returns false with the problem when the footprint cannot be brought into
// the grid CRS at all (a CRS PROJ cannot transform, coordinates outside
// the CRS's domain): such a file is broken, not merely elsewhere.
bool footprint_in_grid_crs(GDALDataset& ds, const AnalysisGrid& grid, bool& overlaps, std::string& problem) {
  overlaps = false;
  double gt[6];
  if (ds.GetGeoTransform(gt) != CE_None) return problem = "not georeferenced (no geotransform)", false;
  OGRSpatialReference grid_srs;
  grid_srs.importFromWkt(grid.crs_wkt.c_str());
  grid_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference src(*ds.GetSpatialRef());
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CoordinateTransformationPtr ct(OGRCreateCoordinateTransformation(&src, &grid_srs));
  CPLPopErrorHandler();
  if (!ct) return problem = "its CRS cannot be transformed to the grid CRS: " + last_gdal_error(), false;
  const int W = ds.GetRasterXSize(), H = ds.GetRasterYSize();
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  int transformed = 0;
  for (int i = 0; i <= 8; ++i) {
    for (int j = 0; j <= 8; ++j) {
      const double px = W * i / 8.0, py = H * j / 8.0;
      double x = gt[0] + px * gt[1] + py * gt[2], y = gt[3] + px * gt[4] + py * gt[5];
      if (!std::isfinite(x) || !std::isfinite(y) || !ct->Transform(1, &x, &y) || !std::isfinite(x) ||
          !std::isfinite(y)) {
        continue;
      }
      ++transformed;
      xmin = std::min(xmin, x), xmax = std::max(xmax, x), ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
  }
  if (transformed == 0) return problem = "no point of its footprint maps into the grid CRS (wrong CRS or geotransform?), so it cannot overlap", false;
  const double gx1 = grid.origin_x + grid.width * grid.resolution, gy0 = grid.origin_y - grid.height * grid.resolution;
  overlaps = xmax > grid.origin_x && xmin < gx1 && ymax > gy0 && ymin < grid.origin_y;
  return true;
}

// Limits that no Sentinel scene comes near (a Sentinel-2 tile is 10980 px,
// a whole Sentinel-1 GRD scene about 26000): a file declaring more is broken
// or hostile, and reading it could allocate gigabytes.
constexpr int kMaxRasterSide = 100000;
constexpr double kMaxBlockBytes = 256.0 * 1024 * 1024;

// The nodata value of an asset: the catalogue's, else the band's, else
// `fallback` (NaN for radar, 0 for Sentinel-2 DNs and SCL).
double asset_nodata(GDALRasterBand& b, const std::optional<double>& nodata, double fallback) {
  int has = 0;
  const double band_nodata = b.GetNoDataValue(&has);
  return nodata ? *nodata : (has ? band_nodata : fallback);
}

// Valid values (finite, not nodata) of up to 64×64 pixels spread over the
// whole raster. Returns the GDAL error when they cannot be decoded.
std::string sample_valid(GDALDataset& ds, double nd, std::vector<float>& valid) {
  GDALRasterBand* b = ds.GetRasterBand(1);
  const int nx = std::min(64, ds.GetRasterXSize()), ny = std::min(64, ds.GetRasterYSize());
  std::vector<float> v(static_cast<std::size_t>(nx) * ny);
  CPLErrorReset();
  if (b->RasterIO(GF_Read, 0, 0, ds.GetRasterXSize(), ds.GetRasterYSize(), v.data(), nx, ny, GDT_Float32, 0, 0,
                  nullptr) != CE_None) {
    return last_gdal_error("cannot decode the pixels");
  }
  for (float x : v)
    if (std::isfinite(x) && static_cast<double>(x) != nd) valid.push_back(x);
  return "";
}

// True when some pixel of the raster is valid; reads strips of rows and
// stops at the first valid pixel (only for rasters whose sample had none).
bool any_valid(GDALDataset& ds, double nd, std::string& error) {
  GDALRasterBand* b = ds.GetRasterBand(1);
  const int W = ds.GetRasterXSize(), H = ds.GetRasterYSize();
  const int rows = std::max(1, std::min(H, static_cast<int>((16 << 20) / (4 * static_cast<std::int64_t>(W)) + 1)));
  std::vector<float> v(static_cast<std::size_t>(W) * rows);
  for (int y = 0; y < H; y += rows) {
    const int n = std::min(rows, H - y);
    CPLErrorReset();
    if (b->RasterIO(GF_Read, 0, y, W, n, v.data(), W, n, GDT_Float32, 0, 0, nullptr) != CE_None) {
      error = last_gdal_error("cannot decode the pixels");
      return false;
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(W) * n; ++i)
      if (std::isfinite(v[i]) && static_cast<double>(v[i]) != nd) return true;
  }
  return false;
}

std::string check_asset(const Scene& s, Asset& a, const AnalysisGrid& grid, bool& overlaps) {
  GDALDatasetUniquePtr ds;
  try {
    ds = open_raster(a.path);
  } catch (const InputError& e) {
    return e.what();
  }
  if (ds->GetRasterCount() != 1) return a.path + ": expected 1 band, found " + std::to_string(ds->GetRasterCount());
  const int W = ds->GetRasterXSize(), H = ds->GetRasterYSize();
  if (W > kMaxRasterSide || H > kMaxRasterSide) {
    return a.path + ": declares " + std::to_string(W) + " x " + std::to_string(H) + " pixels, more than " +
           std::to_string(kMaxRasterSide) + " per side (no Sentinel scene is that large); not read";
  }
  GDALRasterBand* band = ds->GetRasterBand(1);
  int bx = 0, by = 0;
  band->GetBlockSize(&bx, &by);
  const GDALDataType t = band->GetRasterDataType();
  if (static_cast<double>(bx) * by * GDALGetDataTypeSizeBytes(t) > kMaxBlockBytes) {
    return a.path + ": declares " + std::to_string(bx) + " x " + std::to_string(by) +
           " pixel blocks (over 256 MiB each); not read";
  }
  double gt[6];
  if (ds->GetGeoTransform(gt) != CE_None) return a.path + ": not georeferenced (no geotransform)";
  if (!ds->GetSpatialRef()) return a.path + ": has no CRS";
  if (s.sensor == Sensor::sentinel1 && t != GDT_Float32 && t != GDT_Float64) {
    return a.path + ": Sentinel-1 backscatter must be float32 linear power, found " + GDALGetDataTypeName(t);
  }
  if (s.sensor == Sensor::sentinel2 && t != GDT_UInt16 && t != GDT_Byte) {
    return a.path + ": Sentinel-2 L2A band must be uint16 (SCL uint8), found " + GDALGetDataTypeName(t);
  }
  if (std::string problem; !footprint_in_grid_crs(*ds, grid, overlaps, problem)) return a.path + ": " + problem;
  const double nd = asset_nodata(*band, a.nodata, s.sensor == Sensor::sentinel1 ? std::nan("") : 0.0);
  std::vector<float> valid;
  if (auto problem = sample_valid(*ds, nd, valid); !problem.empty()) return a.path + ": " + problem;
  if (valid.empty()) {
    std::string problem;
    if (!any_valid(*ds, nd, problem)) {
      return a.path + ": " +
             (problem.empty() ? "holds no valid pixel (every value is nodata " + std::to_string(nd) + " or NaN)"
                              : problem);
    }
  }
  // Linear power is never negative: a Sentinel-1 raster whose typical valid
  // value is below zero holds decibels (as many SNAP/pyroSAR exports do).
  if (s.sensor == Sensor::sentinel1 && valid.size() >= 16) {
    std::nth_element(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(valid.size() / 2), valid.end());
    a.decibels = valid[valid.size() / 2] < 0.0f;
  }
  return "";
}

}  // namespace

std::string sha256_text(const std::string& text) {
  Sha256 h;
  h.update(text.data(), text.size());
  return h.hex_digest();
}

std::string sha256_file(const std::string& path) {
  std::unique_ptr<VSILFILE, VsiCloser> f(VSIFOpenL(path.c_str(), "rb"));
  if (!f) throw InputError(path + ": cannot open for hashing");
  Sha256 h;
  // Read into, never read from before: no zero fill of 1 MB per asset.
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  const auto buf = std::make_unique_for_overwrite<unsigned char[]>(kChunk);
  for (;;) {
    const std::size_t n = VSIFReadL(buf.get(), 1, kChunk, f.get());
    if (n > 0) h.update(buf.get(), n);
    if (n < kChunk) break;
  }
  return h.hex_digest();
}

std::string sha256_dataset(const std::string& path) {
  std::vector<std::string> files;
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (ds) {
      char** list = ds->GetFileList();
      for (char** f = list; f && *f; ++f) files.emplace_back(*f);
      CSLDestroy(list);
    }
  }
  if (files.size() <= 1) return sha256_file(path);
  // Several files (a Shapefile's .shp/.dbf/.prj…, a VRT and its sources):
  // one line per file, "name hash", in name order, hashed again.
  std::sort(files.begin(), files.end());
  std::string lines;
  for (const auto& f : files) lines += CPLGetFilename(f.c_str()) + std::string(" ") + sha256_file(f) + "\n";
  return sha256_text(lines);
}

const std::vector<std::string>& crop_feature_bands() {
  static const std::vector<std::string> b = {s2_band::red, s2_band::red_edge1, s2_band::nir, s2_band::swir1};
  return b;
}

const std::vector<std::string>& claim_index_bands() {
  static const std::vector<std::string> b = {s2_band::red, s2_band::nir, s2_band::swir1};
  return b;
}

std::vector<std::string> required_assets(Sensor sensor, const std::vector<std::string>& s2_bands) {
  // Every run needs the radar pair and the scene classification (clear-sky
  // counts); the reflectance bands only when a product reads them.
  if (sensor == Sensor::sentinel1) return {"vh", "vv"};
  std::vector<std::string> s2 = {"SCL"};
  for (const auto& b : s2_bands)
    if (std::find(s2.begin(), s2.end(), b) == s2.end()) s2.push_back(b);
  return s2;
}

void inspect_scenes(Catalog& catalog, const AnalysisGrid& grid, int threads, const std::vector<std::string>& s2_bands) {
  std::vector<Scene*> todo;
  for (auto& s : catalog.scenes)
    if (s.status == SceneStatus::used) todo.push_back(&s);
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t i) {
      Scene& s = *todo[i];
      bool any_overlap = false;
      std::string outside;  // first asset that misses the grid
      std::string manifest;
      for (const auto& key : required_assets(s.sensor, s2_bands)) {
        auto it = s.assets.find(key);
        if (it == s.assets.end()) {
          s.status = SceneStatus::quarantined;
          s.reason = "item " + s.id + ": lacks asset " + key;
          return;
        }
        bool overlaps = false;
        if (auto problem = check_asset(s, it->second, grid, overlaps); !problem.empty()) {
          s.status = SceneStatus::quarantined;
          s.reason = problem;
          return;
        }
        any_overlap = any_overlap || overlaps;
        if (!overlaps && outside.empty()) outside = it->second.path;
      }
      // One asset elsewhere while the others cover the grid: a wrong CRS or
      // geotransform in that file, which would silently blank the scene.
      if (any_overlap && !outside.empty()) {
        s.status = SceneStatus::quarantined;
        s.reason = outside + ": does not overlap the analysis grid while the scene's other assets do (wrong CRS or "
                             "geotransform?)";
        return;
      }
      // Every asset of the item is hashed, not only the ones read now: the
      // scene's identity must not change when a later kernel reads more bands.
      for (auto& [key, asset] : s.assets) {
        try {
          asset.sha256 = sha256_file(asset.path);
        } catch (const InputError& e) {
          s.status = SceneStatus::quarantined;
          s.reason = e.what();
          return;
        }
        manifest += key + " " + asset.sha256 + "\n";
      }
      s.sha256 = sha256_text(manifest);
      if (!any_overlap) {
        s.status = SceneStatus::skipped;
        s.reason = "does not overlap the analysis grid";
      }
    });
  });
}

}  // namespace paddymrv
