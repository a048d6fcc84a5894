// The bad-input campaign (issue 7): broken and hostile GeoTIFFs, STAC JSON,
// GeoJSON and TOML, made here with GDAL and by hand. Each gives a clear
// message naming the file and the problem; a broken scene is quarantined
// with its reason in /provenance/scenes and the run goes on.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_job.hpp"
#include "pipeline/simulator.hpp"
#include "pipeline/stac_catalog.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;

namespace {

const fs::path& demo_dir() {
  static const fs::path dir = [] {
    const auto d = test::fresh_dir("bad_demo");
    sim::simulate(sim::preset("demo"), d);
    return d;
  }();
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A single-band GeoTIFF like `like` (size, georeferencing) with another type,
// CRS or content; `fill` gives every pixel's value.
void write_tif(const fs::path& out, const fs::path& like, GDALDataType type, const std::string& crs,
               double fill, char** options = nullptr) {
  auto src = open_raster(like.string());
  const int w = src->GetRasterXSize(), h = src->GetRasterYSize();
  GDALDatasetUniquePtr dst(
      GetGDALDriverManager()->GetDriverByName("GTiff")->Create(out.c_str(), w, h, 1, type, options));
  ASSERT_TRUE(dst);
  double gt[6];
  src->GetGeoTransform(gt);
  dst->SetGeoTransform(gt);
  if (crs == "same") {
    dst->SetProjection(src->GetProjectionRef());
  } else if (!crs.empty()) {
    OGRSpatialReference s;
    ASSERT_TRUE(parse_crs(crs, s));
    dst->SetSpatialRef(&s);
  }
  ASSERT_EQ(dst->GetRasterBand(1)->Fill(fill), CE_None);
}

// A tiny file declaring a huge raster (sparse: no block is ever written).
void write_huge(const fs::path& out, int w, int h, const char* block_rows) {
  const char* opts[] = {"SPARSE_OK=TRUE", "BIGTIFF=YES", "COMPRESS=DEFLATE", block_rows, nullptr};
  GDALDatasetUniquePtr dst(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
      out.c_str(), w, h, 1, GDT_Float32, const_cast<char**>(opts)));
  ASSERT_TRUE(dst);
  const double gt[6] = {400000, 10, 0, 2500000, 0, -10};
  dst->SetGeoTransform(const_cast<double*>(gt));
  OGRSpatialReference s;
  parse_crs("EPSG:32648", s);
  dst->SetSpatialRef(&s);
}

Config demo_config(const fs::path& out, std::map<std::string, std::string> overrides = {}) {
  overrides["out"] = out.string();
  return load_config((demo_dir() / "paddymrv.toml").string(), overrides);
}

CatalogOptions spring() { return {*parse_iso_date("2026-02-01"), *parse_iso_date("2026-06-15"), 0}; }

template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

std::string config_error(const fs::path& file, const std::string& toml) {
  std::ofstream(file) << toml;
  try {
    load_config(file.string());
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted " << toml;
  return "";
}

}  // namespace

// --- GeoTIFFs: one broken Sentinel-1 VV per kind, all in one run.
TEST(BadInput, BrokenRastersAreQuarantinedWithTheirReasonAndTheRunGoesOn) {
  const auto dir = test::fresh_dir("bad_rasters");
  std::ifstream in(demo_dir() / "items.json");
  auto doc = nlohmann::json::parse(in);
  // kind → (file, words the reason must contain)
  std::vector<std::pair<std::string, std::string>> kinds = {
      {"truncated_header", "cannot open"},
      {"truncated_data", ""},  // the GDAL decode error, whichever check meets it first
      {"byte", "must be float32"},
      {"complex", "CFloat32"},
      {"no_crs", "has no CRS"},
      {"out_of_domain", "no point of its footprint"},
      {"elsewhere", "overlap"},  // "does not overlap …" or "no point of its footprint maps …",
      {"all_nodata", "holds no valid pixel"},
      {"nan", "holds no valid pixel"},
      {"huge", "declares 200000 x 200000 pixels"},
      {"huge_block", "pixel blocks (over 256 MiB"},
  };
  std::map<std::string, std::pair<std::string, std::string>> expected;  // item id → (file, words)
  std::size_t k = 0;
  for (auto& item : doc["features"]) {
    for (auto& [key, asset] : item["assets"].items())
      asset["href"] = (demo_dir() / asset["href"].get<std::string>()).string();
    if (item["properties"]["constellation"] != "sentinel-1" || k >= kinds.size()) continue;
    const auto& [kind, words] = kinds[k++];
    const fs::path good = item["assets"]["vv"]["href"].get<std::string>();
    const fs::path bad = dir / (kind + "_vv.tif");
    const std::string bytes = slurp(good);
    if (kind == "truncated_header") {
      std::ofstream(bad, std::ios::binary) << bytes.substr(0, 100);
    } else if (kind == "truncated_data") {
      std::ofstream(bad, std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
    } else if (kind == "byte") {
      write_tif(bad, good, GDT_Byte, "same", 7);
    } else if (kind == "complex") {
      write_tif(bad, good, GDT_CFloat32, "same", 0.05);
    } else if (kind == "no_crs") {
      write_tif(bad, good, GDT_Float32, "", 0.05);
    } else if (kind == "out_of_domain") {
      write_tif(bad, good, GDT_Float32, "EPSG:4326", 0.05);  // metres read as degrees: latitudes of millions
    } else if (kind == "elsewhere") {
      write_tif(bad, good, GDT_Float32, "EPSG:32631", 0.05);  // same numbers, UTM 31N: West Africa
    } else if (kind == "all_nodata") {
      write_tif(bad, good, GDT_Float32, "same", -32768);
    } else if (kind == "nan") {
      write_tif(bad, good, GDT_Float32, "same", std::nan(""));
    } else if (kind == "huge") {
      write_huge(bad, 200000, 200000, "TILED=YES");
    } else if (kind == "huge_block") {
      write_huge(bad, 50000, 50000, "BLOCKYSIZE=50000");
    }
    ASSERT_LT(fs::file_size(bad), 64u << 20) << kind;  // "huge" files are tiny
    item["assets"]["vv"]["href"] = bad.string();
    expected[item["id"].get<std::string>()] = {bad.string(), words};
  }
  ASSERT_EQ(expected.size(), kinds.size()) << "the demo has too few Sentinel-1 scenes";
  std::ofstream(dir / "items.json") << doc.dump();

  const RunSummary s = run_job(demo_config(dir / "r.h5", {{"items", (dir / "items.json").string()}}));
  EXPECT_EQ(s.exit_code, kExitOkWithQuarantine);
  const ResultReader r(dir / "r.h5");
  std::vector<std::string> cols;
  const auto rows = r.read_string_table("/provenance/scenes", &cols);
  std::size_t seen = 0;
  for (const auto& row : rows) {
    const auto it = expected.find(row[0]);
    if (it == expected.end()) {
      EXPECT_EQ(row[6], "used") << row[0] << ": " << row[7];
      continue;
    }
    ++seen;
    const auto& [file, words] = it->second;
    EXPECT_EQ(row[6], "quarantined") << row[0] << ": " << row[7];
    EXPECT_NE(row[7].find(file), std::string::npos) << "reason does not name the file: " << row[7];
    EXPECT_NE(row[7].find(words), std::string::npos) << "reason does not say " << words << ": " << row[7];
  }
  EXPECT_EQ(seen, expected.size());
  const auto s1 = r.read<std::uint16_t>("/qa/s1_observation_count");
  EXPECT_GT(*std::max_element(s1.begin(), s1.end()), 0);  // the good scenes were used
}

// --- STAC JSON
// A Sentinel-2 scene lacking a band a product reads (here B11, for the
// claims' LSWI) is quarantined by a run that reads it, with the reason, not
// silently left out of the claims' clear-sky views; a run that reads only
// SCL keeps it. The result also pins the claims file by its hash.
TEST(BadInput, SceneLackingABandTheRunReadsIsQuarantined) {
  const auto dir = test::fresh_dir("bad_band");
  auto doc = nlohmann::json::parse(slurp(demo_dir() / "items.json"));
  std::string id;
  for (auto& item : doc["features"]) {
    if (item["properties"].value("constellation", "") != "sentinel-2" || !item["assets"].contains("B11")) continue;
    // Relative hrefs resolve against the catalogue's folder: make them absolute.
    for (auto& [key, a] : item["assets"].items()) a["href"] = (demo_dir() / a["href"].get<std::string>()).string();
    item["assets"].erase("B11");
    id = item["id"].get<std::string>();
    break;
  }
  ASSERT_FALSE(id.empty()) << "the demo has no Sentinel-2 scene with B11";
  std::ofstream(dir / "items.json") << doc.dump();
  auto status_of = [&](const fs::path& result) {
    for (const auto& row : ResultReader(result).read_string_table("/provenance/scenes"))
      if (row[0] == id) return std::pair(row[6], row[7]);
    return std::pair(std::string("absent"), std::string());
  };
  const auto claims = (demo_dir() / "claims.geojson").string();
  run_job(demo_config(dir / "with_claims.h5", {{"items", (dir / "items.json").string()}, {"claims", claims}}));
  const auto [status, reason] = status_of(dir / "with_claims.h5");
  EXPECT_EQ(status, "quarantined");
  EXPECT_NE(reason.find("lacks asset B11"), std::string::npos) << reason;
  const ResultReader r(dir / "with_claims.h5");
  EXPECT_EQ(r.attribute_string("/provenance/assets", "claims"), claims);
  EXPECT_EQ(r.attribute_string("/provenance/assets", "claims_sha256"), sha256_file(claims));
  EXPECT_FALSE(r.has_attribute("/provenance/assets", "model_sha256"));

  run_job(demo_config(dir / "no_claims.h5", {{"items", (dir / "items.json").string()}, {"claims", ""}}));
  EXPECT_EQ(status_of(dir / "no_claims.h5").first, "used");
  EXPECT_FALSE(ResultReader(dir / "no_claims.h5").has_attribute("/provenance/assets", "claims_sha256"));
}

// A Shapefile's attributes live in its .dbf: the input's hash covers every
// file of the dataset, so a changed practice or class cannot pass unseen.
TEST(Provenance, HashOfAMultiFileDatasetCoversEveryFile) {
  gdal_init();  // this test may run alone (ctest): the Shapefile driver must be registered
  const auto dir = test::fresh_dir("hash_shp");
  auto write = [&](const char* practice) {
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("ESRI Shapefile")
                                ->Create((dir / "claims.shp").c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRSpatialReference srs;
    ASSERT_TRUE(parse_crs("EPSG:32648", srs));
    OGRLayer* layer = ds->CreateLayer("claims", &srs, wkbPolygon, nullptr);
    ASSERT_TRUE(layer);
    OGRFieldDefn f("practice", OFTString);
    ASSERT_EQ(layer->CreateField(&f), OGRERR_NONE);
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetField("practice", practice);
    OGRGeometry* g = nullptr;
    ASSERT_EQ(OGRGeometryFactory::createFromWkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", nullptr, &g), OGRERR_NONE);
    feature.SetGeometryDirectly(g);
    ASSERT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
  };
  write("AWD");
  const std::string shp = (dir / "claims.shp").string();
  const std::string a = sha256_dataset(shp), shp_a = sha256_file(shp);
  write("CF");  // same geometry, another practice: only the .dbf differs
  EXPECT_EQ(sha256_file(shp), shp_a);
  EXPECT_NE(sha256_dataset(shp), a);
  // A single-file dataset keeps its file's own hash.
  const auto geojson = (demo_dir() / "claims.geojson").string();
  EXPECT_EQ(sha256_dataset(geojson), sha256_file(geojson));
  EXPECT_THROW(sha256_dataset((dir / "missing.geojson").string()), InputError);
}

TEST(BadInput, MalformedAndHostileStacJson) {
  const auto dir = test::fresh_dir("bad_stac");
  auto file_error = [&](const std::string& name, const std::string& text, const std::string& words) {
    std::ofstream(dir / name) << text;
    const std::string e = input_error([&] { read_stac_catalog(dir / name, spring()); });
    EXPECT_NE(e.find((dir / name).string()), std::string::npos) << e;
    EXPECT_NE(e.find(words), std::string::npos) << e;
  };
  file_error("not_json.json", "<html>502 Bad Gateway</html>", "malformed JSON");
  file_error("empty.json", "", "malformed JSON");
  file_error("huge_number.json", R"({"type":"FeatureCollection","features":[{"id":"a","x":1e400}]})", "malformed JSON");
  file_error("nested.json", std::string(200000, '[') + std::string(200000, ']'), "not a STAC ItemCollection");
  file_error("features_object.json", R"({"type":"FeatureCollection","features":{"a":1}})", "not a STAC ItemCollection");
  file_error("array.json", "[1, 2, 3]", "not a STAC ItemCollection");

  // Broken items are quarantined one by one, with the reason.
  const std::string s1 = R"("properties":{"datetime":"2026-03-01T00:00:00Z","platform":"sentinel-1c","constellation":"sentinel-1","sat:relative_orbit":1e19},)";
  std::ofstream(dir / "items.json") << R"({"type":"FeatureCollection","features":[
    {"id":5},
    {"id":"props_array","properties":[1,2]},
    {"id":"assets_string",)" << s1 << R"("assets":"vv.tif"},
    {"id":"href_number",)" << s1 << R"("assets":{"vv":{"href":42},"vh":{"href":"vh.tif"}}},
    {"id":"no_vh",)" << s1 << R"("assets":{"vv":{"href":"vv.tif"}}},
    {"id":"s2_no_scl","properties":{"datetime":"2026-03-02T00:00:00Z","platform":"sentinel-2a","constellation":"sentinel-2"},"assets":{"B04":{"href":"b4.tif"}}},
    {"id":"long_date","properties":{"datetime":"2026-03-01T00:00:00.)" << std::string(100000, '1') << R"(Z","platform":"sentinel-1c"},"assets":{}},
    {"id":"bands_wrong","properties":{"datetime":"2026-03-03T00:00:00Z","platform":"sentinel-1c","constellation":"sentinel-1","sat:relative_orbit":"x"},
     "assets":{"vv":{"href":"vv.tif","raster:bands":"x"},"vh":{"href":"vh.tif","raster:bands":[{"nodata":[1],"scale":"big"}]}}},
    7, null, "text"]})";
  const Catalog cat = read_stac_catalog(dir / "items.json", spring());
  ASSERT_EQ(cat.scenes.size(), 11u);
  std::map<std::string, const Scene*> by_id;
  for (const auto& s : cat.scenes) by_id[s.id] = &s;
  auto reason = [&](const std::string& id) {
    EXPECT_TRUE(by_id.count(id)) << id;
    if (!by_id.count(id)) return std::string();
    EXPECT_EQ(by_id[id]->status, SceneStatus::quarantined) << id;
    EXPECT_NE(by_id[id]->reason.find((dir / "items.json").string()), std::string::npos) << by_id[id]->reason;
    return by_id[id]->reason;
  };
  EXPECT_NE(reason("props_array").find("no properties"), std::string::npos);
  EXPECT_NE(reason("assets_string").find("no assets"), std::string::npos);
  EXPECT_NE(reason("href_number").find("has no href"), std::string::npos);
  EXPECT_NE(reason("no_vh").find("lacks asset vh"), std::string::npos);
  EXPECT_NE(reason("s2_no_scl").find("SCL"), std::string::npos);
  EXPECT_NE(reason("long_date").find("RFC 3339"), std::string::npos);
  EXPECT_EQ(cat.count(SceneStatus::quarantined), 10u);  // all but bands_wrong, whose oddities are only metadata
  ASSERT_TRUE(by_id.count("bands_wrong"));
  EXPECT_EQ(by_id["bands_wrong"]->status, SceneStatus::used);
}

// --- GeoJSON claims and communes
TEST(BadInput, MalformedGeoJsonClaims) {
  const auto dir = test::fresh_dir("bad_geojson");
  OGRSpatialReference utm;
  ASSERT_TRUE(parse_crs("EPSG:32648", utm));
  gdal_init();
  auto layer = [&](const std::string& name, const std::string& features) {
    std::ofstream(dir / name) << R"({"type":"FeatureCollection","features":[)" << features << "]}";
    return PolygonLayer((dir / name).string(), "claim_id", "practice", utm);
  };
  auto error = [&](const std::string& name, const std::string& features, const std::string& words) {
    const std::string e = input_error([&] { layer(name, features); });
    EXPECT_NE(e.find((dir / name).string()), std::string::npos) << e;
    EXPECT_NE(e.find(words), std::string::npos) << e;
  };
  const std::string square = R"({"type":"Polygon","coordinates":[[[103.95,22.35],[103.952,22.35],[103.952,22.352],[103.95,22.352],[103.95,22.35]]]})";
  const std::string bow_tie = R"({"type":"Polygon","coordinates":[[[103.95,22.35],[103.952,22.352],[103.952,22.35],[103.95,22.352],[103.95,22.35]]]})";
  // A self-intersecting field is repaired (both triangles kept), not refused.
  const PolygonLayer repaired = layer("bow_tie.geojson", R"({"type":"Feature","properties":{"claim_id":"A","practice":"AWD"},"geometry":)" + bow_tie + "}");
  ASSERT_EQ(repaired.size(), 1u);
  EXPECT_NE(repaired.wkt(0).find("MULTIPOLYGON"), std::string::npos) << repaired.wkt(0);
  // Numbers as ids are fine; lists are not.
  EXPECT_EQ(layer("numeric_id.geojson", R"({"type":"Feature","properties":{"claim_id":12,"practice":"AWD"},"geometry":)" + square + "}").ids()[0], "12");
  error("list_id.geojson", R"({"type":"Feature","properties":{"claim_id":[1,2],"practice":"AWD"},"geometry":)" + square + "}", "claim_id");
  error("empty.geojson", "", "contains no polygon features");
  error("points.geojson", R"({"type":"Feature","properties":{"claim_id":"P","practice":"AWD"},"geometry":{"type":"Point","coordinates":[103.9,22.3]}})",
        "first: feature 0 is a Point");
  error("no_fields.geojson", R"({"type":"Feature","properties":{"id":"A"},"geometry":)" + square + "}", "no field 'claim_id'");
  error("far.geojson", R"({"type":"Feature","properties":{"claim_id":"F","practice":"AWD"},"geometry":{"type":"Polygon","coordinates":[[[1e300,1e300],[2e300,1e300],[2e300,2e300],[1e300,1e300]]]}})",
        "feature 0");
  // A typed-in longitude off by a decimal point: refused by name, at once
  // (fuzz_claims found it took 11 s to densify a 936° edge before).
  error("typo_lon.geojson", R"({"type":"Feature","properties":{"claim_id":"T","practice":"AWD"},"geometry":{"type":"Polygon","coordinates":[[[103.95,22.35],[1039.52,22.30],[103.952,22.352],[103.95,22.35]]]}})",
        "feature 0: coordinates outside longitude");
    std::ofstream(dir / "garbage.geojson") << "{\"type\": \"FeatureCollection\", \"features\": [ {";
  const std::string e = input_error([&] { PolygonLayer((dir / "garbage.geojson").string(), "claim_id", "practice", utm); });
  EXPECT_NE(e.find((dir / "garbage.geojson").string()), std::string::npos) << e;
}

// --- TOML configs
TEST(BadInput, MalformedConfigsNameTheFileAndTheKey) {
  const auto dir = test::fresh_dir("bad_toml");
  const auto f = dir / "c.toml";
  auto expect = [&](const std::string& toml, const std::string& words) {
    const std::string e = config_error(f, toml);
    EXPECT_NE(e.find(f.string()), std::string::npos) << e;
    EXPECT_NE(e.find(words), std::string::npos) << e;
  };
  expect("[season\nname = 1", "invalid TOML");
  expect("[season]\nstart = 5\n", "season.start: expected a string");
  expect("[grid]\nblock_size = \"big\"\n", "grid.block_size: expected an integer");
  expect("[grid]\nresolution = [10]\n", "grid.resolution: expected a number");
  expect("[grid]\nresolutoin = 10\n", "unknown key 'grid.resolutoin'");
  expect("[nonsense]\nx = 1\n", "unknown key 'nonsense.x'");
  expect("[grid]\nblock_size = 3\n", "grid.block_size: must be 16–8192");
  expect("[engine]\nthreads = 99999999999\n", "engine.threads: integer out of range");
  expect("[grid]\nresolution = inf\n", "grid.resolution: must be a finite number");
  expect("[grid]\nextent = [0.0, 0.0, nan, 1.0]\n", "grid.extent: must be a finite number");
  expect("[season]\nstart = \"2026-06-01\"\nend = \"2026-02-01\"\n", "season.end: is before season.start");
  expect("[[classes]]\ncode = 1\nname = \"maize\"\n", "the fixed code 1 must stay 'rice'");
  expect("[water_regime]\nevent_z = " + std::string(5000, '[') + std::string(5000, ']') + "\n", "invalid TOML");
}
