#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/stac_catalog.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;

namespace {

fs::path temp_dir(const std::string& name) {
  return test::fresh_dir("cat_" + name);
}

CatalogOptions spring() { return {*parse_iso_date("2026-02-01"), *parse_iso_date("2026-06-15"), 0}; }

const char* kItems = R"({
 "type": "FeatureCollection",
 "features": [
  {"type":"Feature","stac_version":"1.0.0","id":"S2B_late",
   "properties":{"datetime":"2026-03-10T03:30:00Z","platform":"sentinel-2b","constellation":"sentinel-2","eo:cloud_cover":12.5},
   "assets":{"red":{"href":"s2/late_red.tif","raster:bands":[{"nodata":0,"scale":0.0001,"offset":-0.1}]},
             "scl":{"href":"s2/late_scl.tif","raster:bands":[{"nodata":0}]},
             "thumbnail":{"href":"t.png"}}},
  {"type":"Feature","stac_version":"1.0.0","id":"S1C_early",
   "properties":{"datetime":"2026-02-03T22:47:12.5Z","platform":"sentinel-1c","constellation":"sentinel-1",
                 "sar:polarizations":["VV","VH"],"sat:orbit_state":"descending","sat:relative_orbit":91},
   "assets":{"vv":{"href":"s1/e_vv.tif","raster:bands":[{"nodata":-32768}]},
             "vh":{"href":"/abs/e_vh.tif","raster:bands":[{"nodata":"nan"}]}}},
  {"type":"Feature","stac_version":"1.0.0","id":"S2A_esa",
   "properties":{"datetime":"2026-03-05T03:30:00Z","platform":"sentinel-2a","constellation":"sentinel-2"},
   "assets":{"B04":{"href":"s2/esa_B04.tif","raster:bands":[{"nodata":0,"scale":0.0001,"offset":-0.1}]},
             "SCL":{"href":"/vsimem/esa_SCL.tif"}}},
  {"type":"Feature","id":"S1C_early","properties":{"datetime":"2026-02-09T22:47:12Z","platform":"sentinel-1c","constellation":"sentinel-1"},
   "assets":{"vv":{"href":"a.tif"},"vh":{"href":"b.tif"}}},
  {"type":"Feature","id":"S1C_same_acq","properties":{"datetime":"2026-02-03T22:47:12Z","platform":"sentinel-1c","constellation":"sentinel-1"},
   "assets":{"vv":{"href":"c.tif"},"vh":{"href":"d.tif"}}},
  {"type":"Feature","id":"S1A_before","properties":{"datetime":"2025-12-30T22:47:12Z","platform":"sentinel-1a","constellation":"sentinel-1"},
   "assets":{"vv":{"href":"e.tif"},"vh":{"href":"f.tif"}}},
  {"type":"Feature","id":"S1_no_vh","properties":{"datetime":"2026-04-01T22:47:12Z","platform":"sentinel-1a","constellation":"sentinel-1"},
   "assets":{"vv":{"href":"g.tif"}}},
  {"type":"Feature","id":"bad_date","properties":{"datetime":"yesterday","platform":"sentinel-1a"},"assets":{}},
  {"type":"Feature","id":"landsat","properties":{"datetime":"2026-04-01T00:00:00Z","platform":"landsat-9","constellation":"landsat"},"assets":{}}
 ]})";

}  // namespace

TEST(StacCatalog, ParsesBothNamingsResolvesHrefsAndSortsByTime) {
  const auto dir = temp_dir("ok");
  std::ofstream(dir / "items.json") << kItems;
  const Catalog cat = read_stac_catalog(dir / "items.json", spring());
  ASSERT_EQ(cat.scenes.size(), 9u);
  const auto s1 = cat.used(Sensor::sentinel1);
  const auto s2 = cat.used(Sensor::sentinel2);
  ASSERT_EQ(s1.size(), 1u);
  ASSERT_EQ(s2.size(), 2u);
  EXPECT_EQ(s1[0]->id, "S1C_early");
  EXPECT_EQ(s1[0]->relative_orbit, 91);
  EXPECT_EQ(s1[0]->assets.at("vv").path, (dir / "s1/e_vv.tif").string());
  EXPECT_EQ(s1[0]->assets.at("vh").path, "/abs/e_vh.tif");
  EXPECT_EQ(*s1[0]->assets.at("vv").nodata, -32768.0);
  EXPECT_TRUE(std::isnan(*s1[0]->assets.at("vh").nodata));
  // Sorted by time: S2A_esa (03-05) before S2B_late (03-10).
  EXPECT_EQ(s2[0]->id, "S2A_esa");
  EXPECT_EQ(s2[1]->id, "S2B_late");
  // Common names normalised to ESA keys; scale/offset kept.
  const auto& late = *s2[1];
  ASSERT_TRUE(late.assets.count("B04"));
  ASSERT_TRUE(late.assets.count("SCL"));
  EXPECT_FALSE(late.assets.count("thumbnail"));
  EXPECT_DOUBLE_EQ(late.assets.at("B04").scale, 0.0001);
  EXPECT_DOUBLE_EQ(late.assets.at("B04").offset, -0.1);
  EXPECT_DOUBLE_EQ(late.cloud_cover, 12.5);
  EXPECT_EQ(s2[0]->assets.at("SCL").path, "/vsimem/esa_SCL.tif");
}

TEST(StacCatalog, RejectsDuplicatesOutOfSeasonAndMalformedItemsWithReasons) {
  const auto dir = temp_dir("rej");
  std::ofstream(dir / "items.json") << kItems;
  const Catalog cat = read_stac_catalog(dir / "items.json", spring());
  auto find = [&](const std::string& id, SceneStatus st) -> const Scene* {
    for (const auto& s : cat.scenes)
      if (s.id == id && s.status == st) return &s;
    return nullptr;
  };
  ASSERT_TRUE(find("S1C_early", SceneStatus::skipped));  // second item with the same id
  EXPECT_NE(find("S1C_early", SceneStatus::skipped)->reason.find("duplicate"), std::string::npos);
  ASSERT_TRUE(find("S1C_same_acq", SceneStatus::skipped));
  EXPECT_NE(find("S1C_same_acq", SceneStatus::skipped)->reason.find("S1C_early"), std::string::npos);
  ASSERT_TRUE(find("S1A_before", SceneStatus::skipped));
  EXPECT_NE(find("S1A_before", SceneStatus::skipped)->reason.find("outside the season"), std::string::npos);
  ASSERT_TRUE(find("S1_no_vh", SceneStatus::quarantined));
  EXPECT_NE(find("S1_no_vh", SceneStatus::quarantined)->reason.find("vh"), std::string::npos);
  ASSERT_TRUE(find("bad_date", SceneStatus::quarantined));
  EXPECT_NE(find("bad_date", SceneStatus::quarantined)->reason.find("RFC 3339"), std::string::npos);
  ASSERT_TRUE(find("landsat", SceneStatus::quarantined));
  EXPECT_EQ(cat.count(SceneStatus::used), 3u);

  // With a 40-day look-back the December scene is used.
  CatalogOptions opt = spring();
  opt.lookback_days = 40;
  EXPECT_TRUE(read_stac_catalog(dir / "items.json", opt).used(Sensor::sentinel1).size() == 2u);
}

TEST(StacCatalog, FileLevelProblemsAreInputErrorsNamingTheFile) {
  const auto dir = temp_dir("err");
  auto expect_error = [&](const fs::path& p, const std::string& needle) {
    try {
      read_stac_catalog(p, spring());
      FAIL() << "accepted " << p;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error(dir / "missing.json", "cannot open");
  std::ofstream(dir / "broken.json") << R"({"type": "FeatureCollection", "features": [ {"id": )";
  expect_error(dir / "broken.json", "malformed JSON");
  std::ofstream(dir / "item.json") << R"({"type": "Feature", "id": "x"})";
  expect_error(dir / "item.json", "not a STAC ItemCollection");
}

TEST(StacCatalog, CanonicalAssetNames) {
  EXPECT_EQ(canonical_s2_asset("nir08"), "B8A");
  EXPECT_EQ(canonical_s2_asset("nir"), "B08");
  EXPECT_EQ(canonical_s2_asset("swir22"), "B12");
  EXPECT_EQ(canonical_s2_asset("B8A"), "B8A");
  EXPECT_EQ(canonical_s2_asset("visual"), "");
}

TEST(StacCatalog, NetworkAndEscapingHrefsAreQuarantined) {
  const auto dir = temp_dir("hostile");
  std::ofstream(dir / "items.json") << R"({"type":"FeatureCollection","features":[
   {"type":"Feature","id":"net","properties":{"datetime":"2026-03-01T00:00:00Z","platform":"sentinel-1c","constellation":"sentinel-1"},
    "assets":{"vv":{"href":"https://example.org/vv.tif"},"vh":{"href":"/vsicurl/https://example.org/vh.tif"}}},
   {"type":"Feature","id":"escape","properties":{"datetime":"2026-03-07T00:00:00Z","platform":"sentinel-1c","constellation":"sentinel-1"},
    "assets":{"vv":{"href":"../../etc/vv.tif"},"vh":{"href":"s1/vh.tif"}}},
   {"type":"Feature","id":"inside","properties":{"datetime":"2026-03-13T00:00:00Z","platform":"sentinel-1c","constellation":"sentinel-1"},
    "assets":{"vv":{"href":"s1/../s1/vv.tif"},"vh":{"href":"/data/abs/vh.tif"}}}]})";
  auto by_id = [](const Catalog& c, const std::string& id) {
    for (const auto& s : c.scenes)
      if (s.id == id) return s;
    ADD_FAILURE() << "no scene " << id;
    return Scene{};
  };
  const Catalog cat = read_stac_catalog(dir / "items.json", spring());
  ASSERT_EQ(cat.scenes.size(), 3u);
  EXPECT_EQ(by_id(cat, "net").status, SceneStatus::quarantined);
  EXPECT_NE(by_id(cat, "net").reason.find("network"), std::string::npos);
  EXPECT_EQ(by_id(cat, "escape").status, SceneStatus::quarantined);
  EXPECT_NE(by_id(cat, "escape").reason.find("leaves the catalogue's folder"), std::string::npos);
  EXPECT_EQ(by_id(cat, "inside").status, SceneStatus::used);  // stays inside; absolute paths are allowed
  CatalogOptions open = spring();
  open.allow_network = true;
  EXPECT_EQ(by_id(read_stac_catalog(dir / "items.json", open), "net").status, SceneStatus::used);
}
