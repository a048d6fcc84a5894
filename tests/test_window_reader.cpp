// Grid maths and reading scene windows onto the analysis grid: the aligned
// fast path, the warper with a sub-pixel shift, bilinear on a linear field,
// another CRS, and nodata handling on a real Sentinel-1 scene.
#include <gtest/gtest.h>

#include <cmath>

#include "pipeline/analysis_grid.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/window_reader.hpp"
#include "tests/test_support.hpp"

using namespace paddymrv;

namespace {

using test::wkt_of;

// A float32 GeoTIFF in /vsimem whose pixel (col, row) holds value(col, row).
template <class F>
std::string make_raster(const std::string& name, int epsg, double x0, double y0, double res, int w, int h, F value,
                        GDALDataType type = GDT_Float32, std::optional<double> nodata = {}) {
  gdal_init();
  const std::string path = "/vsimem/" + name + ".tif";
  auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  GDALDatasetUniquePtr ds(drv->Create(path.c_str(), w, h, 1, type, nullptr));
  double gt[6] = {x0, res, 0, y0, 0, -res};
  ds->SetGeoTransform(gt);
  const std::string wkt = wkt_of(epsg);
  ds->SetProjection(wkt.c_str());
  if (nodata) ds->GetRasterBand(1)->SetNoDataValue(*nodata);
  std::vector<double> buf(static_cast<std::size_t>(w) * h);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) buf[static_cast<std::size_t>(r) * w + c] = value(c, r);
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, buf.data(), w, h, GDT_Float64, 0, 0, nullptr), CE_None);
  return path;
}

AnalysisGrid utm_grid(double x0, double y0, int w, int h) {
  AnalysisGrid g;
  g.crs_wkt = wkt_of(32648);
  g.origin_x = x0;
  g.origin_y = y0;
  g.resolution = 10;
  g.width = w;
  g.height = h;
  return g;
}

}  // namespace

TEST(AnalysisGrid, SnapsOutwardAndToleratesReprojectionNoise) {
  const auto g = AnalysisGrid::from_bounds("", 10, 380000.0000001, 2487000 - 1e-7, 384003, 2490000.5);
  EXPECT_DOUBLE_EQ(g.origin_x, 380000);  // within 1e-6 px of the lattice: kept
  EXPECT_DOUBLE_EQ(g.origin_y, 2490010);  // half a metre over: one more row
  EXPECT_EQ(g.width, 401);
  EXPECT_EQ(g.height, 301);
  EXPECT_THROW(AnalysisGrid::from_bounds("", 10, 0, 0, 0, 100), ConfigError);
  EXPECT_THROW(AnalysisGrid::from_bounds("", 1e-3, 0, 0, 1e6, 1e6), ConfigError);
}

TEST(AnalysisGrid, BlocksTileTheGridExactlyOnce) {
  const auto g = utm_grid(0, 0, 1030, 700);
  const auto blocks = g.blocks(512);
  ASSERT_EQ(blocks.size(), 6u);
  std::size_t pixels = 0;
  for (const auto& b : blocks) pixels += b.pixels();
  EXPECT_EQ(pixels, g.pixels());
  EXPECT_EQ(blocks[2], (PixelWindow{1024, 0, 6, 512}));
  EXPECT_EQ(blocks[5], (PixelWindow{1024, 512, 6, 188}));
  const auto gt = g.geotransform(blocks[4]);
  EXPECT_DOUBLE_EQ(gt[0], 5120);
  EXPECT_DOUBLE_EQ(gt[3], -5120);
}

TEST(WindowReader, AlignedSourceIsReadDirectlyWithWholePixelShift) {
  // Source starts 2 px left and 3 px above the grid: grid (c, r) = source (c+2, r+3).
  const auto path = make_raster("aligned", 32648, 380000 - 20, 2490000 + 30, 10, 50, 50,
                                [](int c, int r) { return 1000.0 * r + c; });
  const auto grid = utm_grid(380000, 2490000, 40, 40);
  WindowReader rd(path, std::nullopt, grid);
  EXPECT_TRUE(rd.aligned());
  std::vector<float> out;
  rd.read({5, 7, 10, 6}, Resampling::nearest, out);
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 10; ++c) EXPECT_EQ(out[r * 10 + c], 1000.0f * (r + 7 + 3) + (c + 5 + 2));
}

TEST(WindowReader, TwentyMetreBandsReplicateOntoTenMetreGrid) {
  const auto path = make_raster("b20", 32648, 380000, 2490000, 20, 20, 20,
                                [](int c, int r) { return 100.0 * r + c + 1; }, GDT_UInt16);
  const auto grid = utm_grid(380000, 2490000, 40, 40);
  WindowReader rd(path, 0.0, grid);
  EXPECT_TRUE(rd.aligned());
  std::vector<std::uint16_t> out;
  rd.read({3, 1, 4, 4}, Resampling::nearest, out);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) EXPECT_EQ(out[r * 4 + c], 100 * ((r + 1) / 2) + (c + 3) / 2 + 1);
}

TEST(WindowReader, WindowBeyondTheSourceIsMissing) {
  const auto path = make_raster("edge", 32648, 380000, 2490000, 10, 10, 10, [](int, int) { return 5.0; });
  const auto grid = utm_grid(380000, 2490000, 40, 40);
  std::vector<float> out;
  WindowReader(path, std::nullopt, grid).read({5, 5, 10, 10}, Resampling::nearest, out);
  int finite = 0;
  for (float v : out) finite += std::isfinite(v);
  EXPECT_EQ(finite, 25);  // the 5×5 corner that overlaps
  EXPECT_EQ(out[0], 5.0f);
  EXPECT_TRUE(std::isnan(out[99]));
}

TEST(WindowReader, SubPixelShiftWarpsToTheContainingSourcePixel) {
  // Source lattice shifted by (+7 m, −4 m): the grid pixel centre at
  // x0 + 5 + 10c lies in source column c − 1; y0 − 5 − 10r in source row r.
  const double sx0 = 380000 - 200 + 7, sy0 = 2490000 + 200 - 4;
  const auto path = make_raster("shift", 32648, sx0, sy0, 10, 80, 80, [](int c, int r) { return 1000.0 * r + c; });
  const auto grid = utm_grid(380000, 2490000, 40, 40);
  WindowReader rd(path, std::nullopt, grid);
  EXPECT_FALSE(rd.aligned());
  std::vector<float> out;
  rd.read({0, 0, 40, 40}, Resampling::nearest, out);
  for (int r = 0; r < 40; ++r) {
    for (int c = 0; c < 40; ++c) {
      const double cx = 380000 + 5 + 10 * c, cy = 2490000 - 5 - 10 * r;
      const int sc = static_cast<int>(std::floor((cx - sx0) / 10)), sr = static_cast<int>(std::floor((sy0 - cy) / 10));
      ASSERT_EQ(out[r * 40 + c], 1000.0f * sr + sc) << c << "," << r;
    }
  }
}

TEST(WindowReader, BilinearReproducesALinearField) {
  // Value = easting of the source pixel centre: bilinear must return the
  // easting of each grid pixel centre.
  const double sx0 = 380000 - 200 + 3, sy0 = 2490000 + 200 - 6;
  const auto path = make_raster("linear", 32648, sx0, sy0, 10, 80, 80,
                                [&](int c, int) { return (sx0 + 5 + 10 * c) - 380000; });
  const auto grid = utm_grid(380000, 2490000, 40, 40);
  std::vector<float> out;
  WindowReader(path, std::nullopt, grid).read({0, 0, 40, 40}, Resampling::bilinear, out);
  for (int r = 0; r < 40; ++r)
    for (int c = 0; c < 40; ++c) ASSERT_NEAR(out[r * 40 + c], 5 + 10 * c, 1e-2) << c << "," << r;
}

TEST(WindowReader, ReprojectsFromAnotherUtmZone) {
  // A source in UTM 47N covering the grid; its value is its own easting in km,
  // so every grid pixel must read the 47N easting of its own centre (±1 px).
  OGRSpatialReference s48, s47;
  s48.importFromEPSG(32648);
  s47.importFromEPSG(32647);
  s48.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  s47.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CoordinateTransformationPtr ct(OGRCreateCoordinateTransformation(&s48, &s47));
  double x = 380000, y = 2490000;
  ct->Transform(1, &x, &y);
  const double sx0 = std::floor(x / 10) * 10 - 1000, sy0 = std::floor(y / 10) * 10 + 1000;
  const auto path = make_raster("z47", 32647, sx0, sy0, 10, 300, 300, [&](int c, int) { return sx0 + 5 + 10 * c; });
  const auto grid = utm_grid(380000, 2490000, 40, 40);
  std::vector<float> out;
  WindowReader(path, std::nullopt, grid).read({0, 0, 40, 40}, Resampling::nearest, out);
  for (int r = 0; r < 40; r += 7) {
    for (int c = 0; c < 40; c += 7) {
      double px = 380000 + 5 + 10 * c, py = 2490000 - 5 - 10 * r;
      ct->Transform(1, &px, &py);
      EXPECT_NEAR(out[r * 40 + c], px, 10.0);
    }
  }
}

TEST(WindowReader, RealSentinel1SceneNodataBecomesNaN) {
  // Real S1A GRD over the Camargue (EPSG:32631, 20 m, nodata −99), read onto
  // a 10 m grid in its own zone: aligned when the lattice matches, warped else.
  REQUIRE_SHARED_DATA();
  const std::string path = test::shared_data("s1a-20150309-vv-db-camargue.tif");
  gdal_init();
  auto ds = open_raster(path);
  double gt[6];
  ds->GetGeoTransform(gt);
  AnalysisGrid g;
  g.crs_wkt = ds->GetProjectionRef();
  g.resolution = 10;
  g.origin_x = std::floor(gt[0] / 10) * 10 + 3;  // off-lattice: forces the warper
  g.origin_y = std::floor(gt[3] / 10) * 10;
  g.width = ds->GetRasterXSize() * 2;
  g.height = ds->GetRasterYSize() * 2;
  std::vector<float> direct(static_cast<std::size_t>(ds->GetRasterXSize()) * ds->GetRasterYSize());
  ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), direct.data(),
                                           ds->GetRasterXSize(), ds->GetRasterYSize(), GDT_Float32, 0, 0, nullptr),
            CE_None);
  const auto nodata_in = std::count(direct.begin(), direct.end(), -99.0f);
  std::vector<float> out;
  WindowReader(path, std::nullopt, g).read({0, 0, g.width, g.height}, Resampling::nearest, out);
  std::size_t nan = 0, minus99 = 0;
  for (float v : out) nan += std::isnan(v), minus99 += (v == -99.0f);
  EXPECT_EQ(minus99, 0u);
  if (nodata_in > 0) {
    EXPECT_GT(nan, 0u);
  }
  // Valid pixels keep their dB values (no resampling blend under nearest).
  for (float v : out)
    if (std::isfinite(v)) {
      ASSERT_LT(v, 30.0f);
    }
}

TEST(WindowReader, MissingOrBrokenFileNamesTheFile) {
  const auto grid = utm_grid(380000, 2490000, 40, 40);
  try {
    WindowReader("/nonexistent/scene_vv.tif", std::nullopt, grid);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/scene_vv.tif"), std::string::npos);
  }
  gdal_init();
  VSILFILE* f = VSIFOpenL("/vsimem/garbage.tif", "wb");
  VSIFWriteL("II*\0garbage", 1, 11, f);
  VSIFCloseL(f);
  EXPECT_THROW(WindowReader("/vsimem/garbage.tif", std::nullopt, grid), InputError);
}
