// Commune rasterisation, on the real GADM communes of Lào Cai (344
// MultiPolygons, fields GID_3/NAME_3) and on error cases.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "pipeline/polygon_layer.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "tests/test_support.hpp"

using namespace paddymrv;

namespace {
const std::string kGadm = test::shared_data("laocai-communes-gadm41.geojson");

OGRSpatialReference utm48() {
  gdal_init();
  OGRSpatialReference s;
  EXPECT_TRUE(parse_crs("EPSG:32648", s));
  return s;
}
std::string wkt(const OGRSpatialReference& s) {
  char* w = nullptr;
  s.exportToWkt(&w);
  std::string out = w;
  CPLFree(w);
  return out;
}
}  // namespace

TEST(PolygonLayer, RealGadmCommunesRasteriseToTheirAreas) {
  REQUIRE_SHARED_DATA();
  const auto srs = utm48();
  const PolygonLayer layer(kGadm, "GID_3", "NAME_3", srs);
  ASSERT_EQ(layer.size(), 344u);
  EXPECT_FALSE(layer.labels()[0].empty());

  // Reference areas: the same polygons, reprojected by OGR, exact area in m².
  std::vector<double> area_m2;
  {
    auto ds = open_vector(kGadm);
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CoordinateTransformationPtr ct(OGRCreateCoordinateTransformation(&wgs, &srs));
    for (auto& f : *ds->GetLayer(0)) {
      std::unique_ptr<OGRGeometry> g(f->GetGeometryRef()->clone());
      g->segmentize(0.001);
      g->transform(ct.get());
      area_m2.push_back(g->toMultiPolygon()->get_Area());
    }
  }
  ASSERT_EQ(area_m2.size(), 344u);

  // Rasterise the whole province at 100 m, block by block.
  const Bounds b = layer.bounds();
  const auto grid = AnalysisGrid::from_bounds(wkt(srs), 100, b.xmin, b.ymin, b.xmax, b.ymax);
  std::vector<std::int64_t> pixels(layer.size(), 0);
  std::vector<std::int32_t> idx;
  for (const auto& w : grid.blocks(256)) {
    layer.rasterize(grid, w, idx);
    for (auto i : idx) {
      ASSERT_GE(i, -1);
      ASSERT_LT(i, 344);
      if (i >= 0) ++pixels[static_cast<std::size_t>(i)];
    }
  }
  double total_px = 0, total_ref = 0;
  for (std::size_t i = 0; i < layer.size(); ++i) {
    const double ha = pixels[i] * grid.pixel_area_ha(), ref = area_m2[i] / 1e4;
    total_px += ha;
    total_ref += ref;
    EXPECT_GT(pixels[i], 0) << layer.labels()[i];
    // Pixel-centre rasterisation error scales with perimeter/area: loose per commune…
    if (ref > 2000) {
      EXPECT_NEAR(ha / ref, 1.0, 0.03) << layer.labels()[i];
    }
  }
  // …and tight for the province.
  EXPECT_NEAR(total_px / total_ref, 1.0, 0.002);
  EXPECT_GT(total_ref, 1.2e6);  // the merged province is ~ 13,000–14,000 km²+
}

TEST(PolygonLayer, MissingFieldIsReportedWithTheFieldsPresent) {
  REQUIRE_SHARED_DATA();
  const auto srs = utm48();
  try {
    PolygonLayer(kGadm, "commune_code", "commune_name", srs);
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(kGadm), std::string::npos);
    EXPECT_NE(m.find("commune_code"), std::string::npos);
    EXPECT_NE(m.find("GID_3"), std::string::npos);
  }
}

TEST(PolygonLayer, UnreadableOrEmptyFilesAreInputErrors) {
  const auto srs = utm48();
  const auto dir = test::fresh_dir("com");
  std::ofstream(dir / "bad.geojson") << "{ not json";
  std::ofstream(dir / "points.geojson")
      << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"commune_code":"1","commune_name":"a"},"geometry":{"type":"Point","coordinates":[104,22]}}]})";
  EXPECT_THROW(PolygonLayer((dir / "missing.geojson").string(), "commune_code", "commune_name", srs), InputError);
  EXPECT_THROW(PolygonLayer((dir / "bad.geojson").string(), "commune_code", "commune_name", srs), InputError);
  EXPECT_THROW(PolygonLayer((dir / "points.geojson").string(), "commune_code", "commune_name", srs), InputError);
}
