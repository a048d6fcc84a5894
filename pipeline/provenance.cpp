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

// Overlap test of a raster's footprint with the grid, in grid CRS, from the
// raster's corners (enough for the rectangular scenes we read).
bool overlaps_grid(GDALDataset& ds, const AnalysisGrid& grid) {
  double gt[6];
  if (ds.GetGeoTransform(gt) != CE_None) return false;
  OGRSpatialReference grid_srs;
  grid_srs.importFromWkt(grid.crs_wkt.c_str());
  grid_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference src(*ds.GetSpatialRef());
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CoordinateTransformationPtr ct(OGRCreateCoordinateTransformation(&src, &grid_srs));
  if (!ct) return false;
  const int W = ds.GetRasterXSize(), H = ds.GetRasterYSize();
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  for (int i = 0; i <= 8; ++i) {
    for (int j = 0; j <= 8; ++j) {
      const double px = W * i / 8.0, py = H * j / 8.0;
      double x = gt[0] + px * gt[1] + py * gt[2], y = gt[3] + px * gt[4] + py * gt[5];
      if (!ct->Transform(1, &x, &y)) continue;
      xmin = std::min(xmin, x), xmax = std::max(xmax, x), ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
  }
  const double gx1 = grid.origin_x + grid.width * grid.resolution, gy0 = grid.origin_y - grid.height * grid.resolution;
  return xmax > grid.origin_x && xmin < gx1 && ymax > gy0 && ymin < grid.origin_y;
}

// The check of one asset; returns "" when fine, else the problem.
// Linear power is never negative: a Sentinel-1 raster whose typical valid
// value is below zero holds decibels (as many SNAP/pyroSAR exports do).
bool looks_like_decibels(GDALDataset& ds, std::optional<double> nodata) {
  GDALRasterBand* b = ds.GetRasterBand(1);
  const int n = 64;
  std::vector<float> v(static_cast<std::size_t>(n) * n);
  if (b->RasterIO(GF_Read, 0, 0, ds.GetRasterXSize(), ds.GetRasterYSize(), v.data(), n, n, GDT_Float32, 0, 0,
                  nullptr) != CE_None) {
    return false;
  }
  int has = 0;
  const double band_nodata = b->GetNoDataValue(&has);
  const double nd = nodata ? *nodata : (has ? band_nodata : std::nan(""));
  std::vector<float> valid;
  for (float x : v)
    if (std::isfinite(x) && static_cast<double>(x) != nd) valid.push_back(x);
  if (valid.size() < 16) return false;
  std::nth_element(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(valid.size() / 2), valid.end());
  return valid[valid.size() / 2] < 0.0f;
}

std::string check_asset(const Scene& s, Asset& a, const AnalysisGrid& grid, bool& overlaps) {
  GDALDatasetUniquePtr ds;
  try {
    ds = open_raster(a.path);
  } catch (const InputError& e) {
    return e.what();
  }
  if (ds->GetRasterCount() != 1) return a.path + ": expected 1 band, found " + std::to_string(ds->GetRasterCount());
  double gt[6];
  if (ds->GetGeoTransform(gt) != CE_None) return a.path + ": not georeferenced (no geotransform)";
  if (!ds->GetSpatialRef()) return a.path + ": has no CRS";
  const GDALDataType t = ds->GetRasterBand(1)->GetRasterDataType();
  if (s.sensor == Sensor::sentinel1 && t != GDT_Float32 && t != GDT_Float64) {
    return a.path + ": Sentinel-1 backscatter must be float32 linear power, found " + GDALGetDataTypeName(t);
  }
  if (s.sensor == Sensor::sentinel2 && t != GDT_UInt16 && t != GDT_Byte) {
    return a.path + ": Sentinel-2 L2A band must be uint16 (SCL uint8), found " + GDALGetDataTypeName(t);
  }
  overlaps = overlaps_grid(*ds, grid);
  if (s.sensor == Sensor::sentinel1) a.decibels = looks_like_decibels(*ds, a.nodata);
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
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    const std::size_t n = VSIFReadL(buf.data(), 1, buf.size(), f.get());
    if (n > 0) h.update(buf.data(), n);
    if (n < buf.size()) break;
  }
  return h.hex_digest();
}

const std::vector<std::string>& required_assets(Sensor sensor) {
  // Foundation kernels need the radar pair and the scene classification;
  // the crop features (issue 4) will add the reflectance bands here.
  static const std::vector<std::string> s1 = {"vh", "vv"};
  static const std::vector<std::string> s2 = {"SCL"};
  return sensor == Sensor::sentinel1 ? s1 : s2;
}

void inspect_scenes(Catalog& catalog, const AnalysisGrid& grid, int threads) {
  std::vector<Scene*> todo;
  for (auto& s : catalog.scenes)
    if (s.status == SceneStatus::used) todo.push_back(&s);
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t i) {
      Scene& s = *todo[i];
      bool any_overlap = false;
      std::string manifest;
      for (const auto& key : required_assets(s.sensor)) {
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
