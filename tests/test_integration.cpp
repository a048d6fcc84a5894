// End to end: simulate the demo season, run the pipeline, compare the HDF5
// result with the simulator's truth; then the error paths of a run.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pipeline/audit_page.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/result_export.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_job.hpp"
#include "pipeline/run_lock.hpp"
#include "pipeline/simulator.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;

namespace {

// The demo season, simulated once for the whole suite.
const fs::path& demo_dir() {
  static const fs::path dir = [] {
    const auto d = test::fresh_dir("integration_demo");
    sim::simulate(sim::preset("demo"), d);
    return d;
  }();
  return dir;
}

Config demo_config(const fs::path& out, std::map<std::string, std::string> overrides = {}) {
  overrides["out"] = out.string();
  return load_config((demo_dir() / "paddymrv.toml").string(), overrides);
}

template <class T>
std::vector<T> read_tif(const fs::path& p, int& w, int& h, std::array<double, 6>* gt = nullptr) {
  auto ds = open_raster(p.string());
  w = ds->GetRasterXSize();
  h = ds->GetRasterYSize();
  if (gt) ds->GetGeoTransform(gt->data());
  std::vector<T> v(static_cast<std::size_t>(w) * h);
  const GDALDataType t = std::is_same_v<T, std::int32_t> ? GDT_Int32 : sizeof(T) == 1 ? GDT_Byte : GDT_UInt16;
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, t, 0, 0, nullptr), CE_None);
  return v;
}

std::vector<std::map<std::string, std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::string cell;
    bool quoted = false;
    for (char c : s) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) out.push_back(cell), cell.clear();
      else cell += c;
    }
    out.push_back(cell);
    return out;
  };
  std::getline(in, line);
  header = split(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto cells = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST(Integration, DemoResultMatchesTheTruth) {
  const auto out = test::fresh_dir("integration_run") / "result.h5";
  const RunSummary s = run_job(demo_config(out));
  EXPECT_EQ(s.scenes_quarantined, 0u);
  EXPECT_EQ(s.exit_code, kExitOk);
  ASSERT_TRUE(fs::exists(out));
  const ResultReader r(out);

  // Root attributes of DESIGN §4.
  EXPECT_EQ(r.attribute_string("/", "format"), "paddymrv");
  for (const char* a : {"format_version", "software_version", "created_utc", "season_name", "season_start",
                        "season_end", "config_toml", "crs_wkt"}) {
    EXPECT_FALSE(r.attribute_string("/", a).empty()) << a;
  }
  EXPECT_EQ(r.attribute_doubles("/", "geotransform").size(), 6u);
  // The stored config is the effective one and loads back.
  EXPECT_NE(r.attribute_string("/", "config_toml").find("[season]"), std::string::npos);

  // Grid = truth grid.
  int tw = 0, th = 0;
  std::array<double, 6> tgt{};
  const auto truth_s1 = read_tif<std::uint16_t>(demo_dir() / "truth/s1_observation_count.tif", tw, th, &tgt);
  ASSERT_EQ(r.dims("/maps/commune_index"), (std::vector<hsize_t>{hsize_t(th), hsize_t(tw)}));
  const auto gt = r.attribute_doubles("/", "geotransform");
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(gt[i], tgt[i], 1e-6) << i;

  // Observation counts: exact, pixel by pixel.
  const auto s1 = r.read<std::uint16_t>("/qa/s1_observation_count");
  const auto s2 = r.read<std::uint16_t>("/qa/s2_clear_count");
  const auto truth_s2 = read_tif<std::uint16_t>(demo_dir() / "truth/s2_clear_count.tif", tw, th);
  ASSERT_EQ(s1.size(), truth_s1.size());
  std::size_t s1_diff = 0, s2_diff = 0;
  for (std::size_t i = 0; i < s1.size(); ++i) s1_diff += s1[i] != truth_s1[i], s2_diff += s2[i] != truth_s2[i];
  EXPECT_EQ(s1_diff, 0u);
  EXPECT_EQ(s2_diff, 0u);
  // The demo must exercise partial coverage and clouds, or "exact" proves little.
  EXPECT_NE(*std::min_element(truth_s1.begin(), truth_s1.end()), *std::max_element(truth_s1.begin(), truth_s1.end()));
  EXPECT_NE(*std::min_element(truth_s2.begin(), truth_s2.end()), *std::max_element(truth_s2.begin(), truth_s2.end()));

  // Commune index agrees with the truth except where a boundary passes within
  // rounding of a pixel centre.
  const auto idx = r.read<std::int32_t>("/maps/commune_index");
  const auto truth_idx = read_tif<std::int32_t>(demo_dir() / "truth/commune_index.tif", tw, th);
  std::size_t agree = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) agree += idx[i] == truth_idx[i];
  EXPECT_GE(static_cast<double>(agree) / static_cast<double>(idx.size()), 0.999);

  // Commune areas within 0.5 % of the true polygon areas, names intact.
  const auto truth = read_csv(demo_dir() / "truth/communes.csv");
  const auto codes = r.read_strings("/communes/code");
  const auto names = r.read_strings("/communes/name");
  const auto area = r.read<double>("/communes/area_ha");
  ASSERT_EQ(codes.size(), truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    EXPECT_EQ(codes[i], truth[i].at("commune_code"));
    EXPECT_EQ(names[i], truth[i].at("commune_name"));
    const double t = std::stod(truth[i].at("area_ha"));
    EXPECT_NEAR(area[i] / t, 1.0, 0.005) << names[i];
  }

  // Every DESIGN §4 commune dataset exists with its shape.
  const hsize_t n = codes.size();
  EXPECT_EQ(r.dims("/communes/crop_area_ha")[0], n);
  EXPECT_EQ(r.dims("/communes/water_regime_area_ha"), (std::vector<hsize_t>{n, 4}));
  EXPECT_EQ(r.dims("/communes/ch4_reduction_ci95_t"), (std::vector<hsize_t>{n, 2}));
  for (const char* p : {"/communes/rice_area_ha", "/communes/awd_area_ha", "/communes/ch4_baseline_t",
                        "/communes/ch4_project_t", "/communes/ch4_reduction_t", "/communes/co2e_reduction_t"}) {
    EXPECT_EQ(r.dims(p), (std::vector<hsize_t>{n})) << p;
  }
  EXPECT_DOUBLE_EQ(r.attribute_double("/communes/co2e_reduction_t", "gwp100"), 28.0);
  for (const char* m : {"/maps/crop_class", "/maps/water_regime", "/maps/drainage_events", "/maps/commune_index"}) {
    EXPECT_EQ(r.dims(m), (std::vector<hsize_t>{hsize_t(th), hsize_t(tw)})) << m;
    EXPECT_FALSE(r.attribute_string(m, "crs_wkt").empty()) << m;
  }

  // Rice from the Sentinel-1 rice detector: close to the truth per commune.
  const auto rice = r.read<double>("/communes/rice_area_ha");
  double rice_total = 0, truth_rice_total = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    rice_total += rice[i];
    truth_rice_total += std::stod(truth[i].at("rice_area_ha"));
  }
  EXPECT_NEAR(rice_total / truth_rice_total, 1.0, 0.15);
  const auto regime_area = r.read<double>("/communes/water_regime_area_ha");
  for (std::size_t i = 0; i < truth.size(); ++i) {
    EXPECT_NEAR(regime_area[4 * i] + regime_area[4 * i + 1] + regime_area[4 * i + 2] + regime_area[4 * i + 3],
                rice[i], 1e-6);
  }
  const auto regime = r.read<std::uint8_t>("/maps/water_regime");
  for (auto v : regime) ASSERT_TRUE(v <= 3 || v == 255);

  // Claims: one verdict per claimed field, and the costly error — a false
  // claim verified — stays rare (the benchmark tracks the real figures).
  const auto claim_ids = r.read_strings("/claims/claim_id");
  const auto verdicts = r.read_strings("/claims/verdict");
  const auto claims_truth = read_csv(demo_dir() / "truth/claims.csv");
  ASSERT_EQ(claim_ids.size(), claims_truth.size());
  std::map<std::string, bool> is_true;
  for (const auto& row : claims_truth) is_true[row.at("claim_id")] = row.at("claim_true") == "true";
  std::size_t false_verified = 0;
  for (std::size_t c = 0; c < claim_ids.size(); ++c) {
    ASSERT_TRUE(verdicts[c] == "verified" || verdicts[c] == "not_verified" || verdicts[c] == "insufficient_data");
    false_verified += verdicts[c] == "verified" && !is_true.at(claim_ids[c]);
  }
  EXPECT_LE(static_cast<double>(false_verified), 0.05 * static_cast<double>(claim_ids.size()));

  // Provenance: every item of the catalogue, with hashes and status.
  std::vector<std::string> cols;
  const auto scenes = r.read_string_table("/provenance/scenes", &cols);
  std::ifstream items(demo_dir() / "items.json");
  const auto doc = nlohmann::json::parse(items);
  EXPECT_EQ(scenes.size(), doc["features"].size());
  const auto col = [&](const std::string& c) {
    return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), c) - cols.begin());
  };
  for (const char* c : {"id", "platform", "datetime", "href", "sha256", "status", "reason"}) {
    ASSERT_LT(col(c), cols.size()) << c;
  }
  for (const auto& row : scenes) {
    EXPECT_EQ(row[col("status")], "used");
    EXPECT_EQ(row[col("sha256")].size(), 64u);
  }
}

TEST(Integration, ResultDoesNotDependOnThreadsOrBlockSize) {
  const auto dir = test::fresh_dir("integration_threads");
  run_job(demo_config(dir / "one.h5", {{"threads", "1"}, {"block-size", "512"}}));
  run_job(demo_config(dir / "two.h5", {{"threads", "2"}, {"block-size", "96"}, {"blocks-in-flight", "3"}}));
  const ResultReader a(dir / "one.h5"), b(dir / "two.h5");
  for (const char* m : {"/maps/commune_index", "/qa/s1_observation_count", "/qa/s2_clear_count",
                        "/qa/s1_max_gap_days", "/maps/water_regime", "/maps/drainage_events", "/qa/regime_confidence"}) {
    EXPECT_EQ(a.read<std::int32_t>(m), b.read<std::int32_t>(m)) << m;
  }
  for (const char* t : {"/communes/area_ha", "/qa/communes/s1_observation_mean", "/qa/communes/s2_clear_mean",
                        "/communes/water_regime_area_ha", "/claims/rice_fraction", "/claims/confidence"}) {
    EXPECT_EQ(a.read<double>(t), b.read<double>(t)) << t;
  }
  EXPECT_EQ(a.read_strings("/claims/verdict"), b.read_strings("/claims/verdict"));
}

// Maps decide water regimes per segment (a terrace's pixels averaged, as a
// claimed field is), where one pixel's speckle hides a dry spell. Both runs
// take the truth's rice map, so that only the regime decision differs.
TEST(Integration, MapsDecideRegimesPerTerraceNotPerPixel) {
  const auto dir = test::fresh_dir("integration_segments");
  const std::string mask = (demo_dir() / "truth/crop_class.tif").string();
  Config per_segment = demo_config(dir / "segments.h5", {{"rice-mask", mask}});
  Config per_pixel = demo_config(dir / "pixels.h5", {{"rice-mask", mask}});
  per_pixel.segment_tile = 0;
  ASSERT_GT(per_segment.segment_tile, 0) << "segments are the default";
  run_job(per_segment);
  run_job(per_pixel);
  int w = 0, h = 0;
  const auto truth = read_tif<std::uint8_t>(demo_dir() / "truth/water_regime.tif", w, h);
  struct Score {
    double correct = 0, over = 0, rice = 0, awd_ha = 0;
  };
  auto score = [&](const fs::path& p) {
    const ResultReader r(p);
    const auto map = r.read<std::uint8_t>("/maps/water_regime");
    EXPECT_EQ(map.size(), truth.size());
    Score s;
    for (std::size_t i = 0; i < std::min(map.size(), truth.size()); ++i) {
      if (truth[i] == 0) continue;
      s.rice += 1;
      s.correct += map[i] == truth[i];
      s.over += map[i] != 255 && map[i] > truth[i];
    }
    for (double a : r.read<double>("/communes/awd_area_ha")) s.awd_ha += a;
    return s;
  };
  const Score seg = score(dir / "segments.h5"), px = score(dir / "pixels.h5");
  ASSERT_GT(seg.rice, 1000);
  std::printf("maps on truth rice: per segment %.1f %% correct, %.1f %% over-credited, AWD %.1f ha; per pixel %.1f %%, "
              "%.1f %%, %.1f ha\n",
              100 * seg.correct / seg.rice, 100 * seg.over / seg.rice, seg.awd_ha, 100 * px.correct / px.rice,
              100 * px.over / px.rice, px.awd_ha);
  EXPECT_GE(seg.correct / seg.rice, px.correct / px.rice + 0.03);
  EXPECT_GT(seg.awd_ha, 5 * px.awd_ha + 1.0) << "multiple drainage seen on terraces the per-pixel maps miss";
  EXPECT_LE(seg.over / seg.rice, 0.03) << "over-crediting stays within the issue's budget";
}

TEST(Integration, BrokenSceneIsQuarantinedAndTheRunGoesOn) {
  const auto dir = test::fresh_dir("integration_broken");
  // A copy of the demo catalogue whose first Sentinel-1 item points at a
  // truncated file and whose second at a missing one.
  std::ifstream in(demo_dir() / "items.json");
  auto doc = nlohmann::json::parse(in);
  std::vector<std::string> broken;
  for (auto& item : doc["features"]) {
    for (auto& [key, asset] : item["assets"].items()) {
      asset["href"] = (demo_dir() / asset["href"].get<std::string>()).string();
    }
    if (item["properties"]["constellation"] == "sentinel-1" && broken.size() < 2) {
      const auto vv = dir / ("broken_" + std::to_string(broken.size()) + "_vv.tif");
      if (broken.empty()) {
        std::ifstream src(item["assets"]["vv"]["href"].get<std::string>(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(src)), {});
        std::ofstream(vv, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
      }
      item["assets"]["vv"]["href"] = vv.string();
      broken.push_back(item["id"].get<std::string>());
    }
  }
  std::ofstream(dir / "items.json") << doc.dump();
  const RunSummary s = run_job(demo_config(dir / "r.h5", {{"items", (dir / "items.json").string()}}));
  EXPECT_EQ(s.scenes_quarantined, 2u);
  EXPECT_EQ(s.exit_code, kExitOkWithQuarantine);
  const ResultReader r(dir / "r.h5");
  std::vector<std::string> cols;
  const auto rows = r.read_string_table("/provenance/scenes", &cols);
  std::size_t quarantined = 0;
  for (const auto& row : rows) {
    if (row[6] != "quarantined") continue;
    ++quarantined;
    EXPECT_NE(std::find(broken.begin(), broken.end(), row[0]), broken.end());
    EXPECT_NE(row[7].find("broken_"), std::string::npos) << row[7];  // the reason names the file
  }
  EXPECT_EQ(quarantined, 2u);
  // Counts drop by exactly the dropped dates where the truth saw them.
  const auto s1 = r.read<std::uint16_t>("/qa/s1_observation_count");
  EXPECT_GT(*std::max_element(s1.begin(), s1.end()), 0);
}

TEST(Integration, ConfigAndInputErrorsStopBeforeAnyOutput) {
  const auto dir = test::fresh_dir("integration_errors");
  const auto out = dir / "r.h5";
  EXPECT_THROW(run_job(demo_config(out, {{"grid-crs", "EPSG:999999"}})), ConfigError);
  EXPECT_THROW(run_job(demo_config(out, {{"grid-crs", "EPSG:4326"}})), ConfigError);  // degrees, not metres
  EXPECT_THROW(run_job(demo_config(out, {{"commune-code-field", "GID_3"}})), InputError);
  std::ofstream(dir / "bad.json") << "{ \"type\": \"FeatureCollection\", \"features\": [";
  try {
    run_job(demo_config(out, {{"items", (dir / "bad.json").string()}}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(out));
  for (const auto& f : fs::directory_iterator(dir)) EXPECT_EQ(f.path().string().find(".tmp-"), std::string::npos);
}

TEST(Integration, CommandLineExitCodesAndDryRun) {
  const auto dir = test::fresh_dir("integration_cli");
  const std::string bin = PADDYMRV_BINARY;
  const std::string cfg = (demo_dir() / "paddymrv.toml").string();
  auto run = [&](const std::string& args) {
    const int rc = std::system((bin + " " + args + " > " + (dir / "stdout.txt").string() + " 2> " +
                                (dir / "stderr.txt").string()).c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  auto slurp = [&](const char* f) {
    std::ifstream in(dir / f);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  EXPECT_EQ(run("run --config " + cfg + " --dry-run --out " + (dir / "r.h5").string()), 0);
  EXPECT_NE(slurp("stdout.txt").find("would be used"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "r.h5"));
  EXPECT_EQ(run("run --config " + cfg + " --season-start 2026-13-01"), kExitConfigError);
  EXPECT_NE(slurp("stderr.txt").find("season.start"), std::string::npos);
  EXPECT_EQ(run("run --config " + cfg + " --communes " + (dir / "none.geojson").string()), kExitInputError);
  EXPECT_NE(slurp("stderr.txt").find("none.geojson"), std::string::npos);
  EXPECT_EQ(run("run --no-such-option"), kExitConfigError);
  EXPECT_EQ(run("frobnicate"), kExitConfigError);
  EXPECT_EQ(run("run --config " + cfg + " --out " + (dir / "r.h5").string() + " --log-format json"), 0);
  EXPECT_NE(slurp("stdout.txt").find("total"), std::string::npos);  // the commune table
  EXPECT_NE(slurp("stderr.txt").find("{\"time\":"), std::string::npos);
  EXPECT_EQ(run("report " + (dir / "r.h5").string() + " --json"), 0);
  const auto j = nlohmann::json::parse(slurp("stdout.txt"));
  EXPECT_EQ(j["format"], "paddymrv");
  EXPECT_FALSE(j["communes"].empty());
  {
    // Every claim, with what the result file holds for it.
    const ResultReader r(dir / "r.h5");
    const auto ids = r.read_strings("/claims/claim_id");
    const auto verdict = r.read_strings("/claims/verdict");
    const auto events = r.read<std::int32_t>("/claims/drainage_events");
    const auto seen = r.read<std::int32_t>("/claims/optical/clear_dates");
    ASSERT_EQ(j["claims"].size(), ids.size());
    ASSERT_GT(ids.size(), 0u);
    std::size_t views = 0;
    for (std::size_t c = 0; c < ids.size(); ++c) {
      const auto& jc = j["claims"][c];
      EXPECT_EQ(jc["claim_id"], ids[c]);
      EXPECT_EQ(jc["verdict"], verdict[c]);
      EXPECT_EQ(jc["drainage_events"], events[c]);
      EXPECT_EQ(jc["events"].size(), static_cast<std::size_t>(events[c])) << ids[c];
      for (const auto& ev : jc["events"]) {
        EXPECT_TRUE(ev["first_dry"].is_string());
        EXPECT_TRUE(ev["min_days"].is_number());
        EXPECT_GE(ev["max_days"].get<double>(), ev["min_days"].get<double>());
      }
      EXPECT_EQ(jc["clear_s2_views"].size(), static_cast<std::size_t>(seen[c])) << ids[c];
      for (const auto& v : jc["clear_s2_views"]) {
        EXPECT_GE(v["ndvi"].get<double>(), -1.0);
        EXPECT_LE(v["ndvi"].get<double>(), 1.0);
        ++views;
      }
    }
    EXPECT_GT(views, 0u);
  }
  EXPECT_EQ(run("report " + (dir / "missing.h5").string()), kExitInputError);
}

TEST(Integration, ProvinceConfigRasterisesTheRealCommunes) {
  REQUIRE_SHARED_DATA();
  const auto dir = test::fresh_dir("integration_province");
  std::ofstream(dir / "items.json") << R"({"type":"FeatureCollection","features":[]})";
  const Config cfg = load_config(std::string(PADDYMRV_SOURCE_DIR) + "/config/laocai.toml",
                                 {{"communes", test::shared_data("laocai-communes-gadm41.geojson")},
                                  {"items", (dir / "items.json").string()},
                                  {"grid-resolution", "250"},
                                  {"out", (dir / "province.h5").string()}});
  const RunSummary s = run_job(cfg);
  ASSERT_EQ(s.communes.size(), 344u);
  const ResultReader r(dir / "province.h5");
  const auto area = r.read<double>("/communes/area_ha");
  double total = 0;
  for (double a : area) {
    EXPECT_GT(a, 0);
    total += a;
  }
  // GADM's Lào Cai + Yên Bái communes: about 13,300 km² (old Lào Cai ~6,364
  // km², old Yên Bái ~6,893 km²; provincial statistics).
  EXPECT_NEAR(total / 1e2, 13260.0, 400.0);
  EXPECT_EQ(r.read_strings("/communes/code").size(), 344u);
  const auto idx = r.read<std::int32_t>("/maps/commune_index");
  EXPECT_GT(std::count(idx.begin(), idx.end(), -1), 0);  // outside the province
}

TEST(Integration, ExportGivesCogsAndAGeoPackageThatGdalReads) {
  const auto dir = test::fresh_dir("integration_export");
  run_job(demo_config(dir / "r.h5"));
  const auto s = export_result(dir / "r.h5", dir / "export");
  ASSERT_GE(s.written.size(), 5u);
  const ResultReader r(dir / "r.h5");
  // The water-regime COG holds exactly the map of the result.
  auto cog = open_raster((dir / "export/maps_water_regime.tif").string());
  EXPECT_STREQ(cog->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
  const int w = cog->GetRasterXSize(), h = cog->GetRasterYSize();
  std::vector<std::uint8_t> px(static_cast<std::size_t>(w) * h);
  ASSERT_EQ(cog->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, px.data(), w, h, GDT_Byte, 0, 0, nullptr), CE_None);
  EXPECT_EQ(px, r.read<std::uint8_t>("/maps/water_regime"));
  double gt[6];
  cog->GetGeoTransform(gt);
  const auto rgt = r.attribute_doubles("/", "geotransform");
  for (int i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(gt[i], rgt[i]);
  // The commune layer: one feature per commune with the table's numbers.
  auto gpkg = open_vector((dir / "export/communes.gpkg").string());
  OGRLayer* layer = gpkg->GetLayer(0);
  const auto names = r.read_strings("/communes/name");
  const auto red = r.read<double>("/communes/ch4_reduction_t");
  ASSERT_EQ(layer->GetFeatureCount(), static_cast<GIntBig>(names.size()));
  std::size_t i = 0;
  for (auto& f : *layer) {
    EXPECT_EQ(std::string(f->GetFieldAsString("commune_name")), names[i]);
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("ch4_reduction_t"), red[i]);
    ASSERT_NE(f->GetGeometryRef(), nullptr);
    EXPECT_GT(f->GetGeometryRef()->toMultiPolygon()->get_Area(), 0);
    ++i;
  }
  for (const auto& e : std::filesystem::directory_iterator(dir / "export"))
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(Integration, SecondRunOnTheSameOutputIsRefusedWhileTheFirstHoldsTheLock) {
  const auto dir = test::fresh_dir("integration_lock");
  const auto out = dir / "r.h5";
  {
    const RunLock held(out);  // as if a first run were still writing
    try {
      run_job(demo_config(out));
      FAIL() << "second run started";
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), kExitLocked);
      EXPECT_NE(std::string(e.what()).find("r.h5.lock"), std::string::npos);
    }
    const std::string cmd = std::string(PADDYMRV_BINARY) + " run --config " + (demo_dir() / "paddymrv.toml").string() +
                            " --out " + out.string() + " > /dev/null 2>&1";
    const int rc = std::system(cmd.c_str());
    EXPECT_EQ(WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, kExitLocked);
    EXPECT_FALSE(fs::exists(out));
  }
  // Released: the next run goes through.
  EXPECT_EQ(run_job(demo_config(out)).exit_code, kExitOk);
  EXPECT_TRUE(fs::exists(out));
}

TEST(Integration, BackscatterDeliveredInDecibelsIsDetectedAndConverted) {
  const auto dir = test::fresh_dir("integration_db");
  // Two Sentinel-1 scenes rewritten in dB (as SNAP-style exports deliver them).
  std::ifstream in(demo_dir() / "items.json");
  auto doc = nlohmann::json::parse(in);
  int converted = 0;
  for (auto& item : doc["features"]) {
    for (auto& [key, asset] : item["assets"].items())
      asset["href"] = (demo_dir() / asset["href"].get<std::string>()).string();
    if (item["properties"]["constellation"] != "sentinel-1" || converted >= 2) continue;
    for (const char* pol : {"vv", "vh"}) {
      auto src = open_raster(item["assets"][pol]["href"].get<std::string>());
      const int w = src->GetRasterXSize(), h = src->GetRasterYSize();
      std::vector<float> v(static_cast<std::size_t>(w) * h);
      ASSERT_EQ(src->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0, nullptr),
                CE_None);
      for (float& x : v)
        if (x > 0) x = 10.0f * std::log10(x);  // nodata −32768 stays
      const auto path = dir / (std::to_string(converted) + pol + "_db.tif");
      GDALDatasetUniquePtr dst(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), w, h, 1,
                                                                                         GDT_Float32, nullptr));
      double gt[6];
      src->GetGeoTransform(gt);
      dst->SetGeoTransform(gt);
      dst->SetProjection(src->GetProjectionRef());
      ASSERT_EQ(dst->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0, nullptr),
                CE_None);
      item["assets"][pol]["href"] = path.string();
    }
    ++converted;
  }
  std::ofstream(dir / "items.json") << doc.dump();
  run_job(demo_config(dir / "lin.h5"));
  const RunSummary s = run_job(demo_config(dir / "db.h5", {{"items", (dir / "items.json").string()}}));
  EXPECT_EQ(s.scenes_quarantined, 0u);
  const ResultReader a(dir / "lin.h5"), b(dir / "db.h5");
  // Without the conversion every dB pixel (negative) would count as unusable.
  EXPECT_EQ(a.read<std::uint16_t>("/qa/s1_observation_count"), b.read<std::uint16_t>("/qa/s1_observation_count"));
  const auto ra = a.read<std::uint8_t>("/maps/water_regime"), rb = b.read<std::uint8_t>("/maps/water_regime");
  std::size_t same = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) same += ra[i] == rb[i];
  EXPECT_GE(static_cast<double>(same) / static_cast<double>(ra.size()), 0.999);  // float rounding of the round trip
}

TEST(Integration, CommuneMethaneOverrideScalesThatCommuneOnly) {
  const auto dir = test::fresh_dir("integration_methane");
  const Config base = demo_config(dir / "a.h5");
  run_job(base);
  const ResultReader a(dir / "a.h5");
  const auto code = a.read_strings("/communes/code");
  // Same run with straw (6 t/ha, CFOA 1.00) in the second commune.
  std::ofstream(dir / "straw.toml") << to_toml(base) << "\n[[methane_commune]]\ncode = \"" << code[1]
                                    << "\"\namendment_rates = [6.0]\namendment_cfoa = [1.0]\n";
  Config straw = load_config((dir / "straw.toml").string(), {{"out", (dir / "b.h5").string()}});
  straw.base_dir = base.base_dir;  // inputs stay where the demo config put them
  run_job(straw);
  const ResultReader b(dir / "b.h5");
  const auto ba = a.read<double>("/communes/ch4_baseline_t"), bb = b.read<double>("/communes/ch4_baseline_t");
  const double k = std::pow(7.0, 0.59);  // SF_o = (1 + 6 × 1.0)^0.59
  EXPECT_NEAR(bb[1], k * ba[1], 1e-9 * bb[1]);
  EXPECT_DOUBLE_EQ(bb[0], ba[0]);
  EXPECT_NE(b.read_strings("/communes/methane_factors")[1].find("methane_commune"), std::string::npos);
  // The stored config reproduces the override.
  EXPECT_NE(b.attribute_string("/", "config_toml").find("[[methane_commune]]"), std::string::npos);
}

// DESIGN §4 / issue #5: every commune's methane figures can be redone by hand
// from the maps and the factors of the stored config_toml, with nothing from
// the code under test: pixel area × cultivation days per regime, then
// IPCC 2019 Eq. 5.1–5.3 written out.
TEST(Integration, MethaneFiguresReproduceByHandFromTheStoredConfig) {
  const auto dir = test::fresh_dir("integration_methane_by_hand");
  const auto truth = read_csv(demo_dir() / "truth/communes.csv");
  ASSERT_GE(truth.size(), 2u);
  Config cfg = demo_config(dir / "r.h5");
  cfg.methane_region = "north";
  cfg.methane_season_type = "late";
  cfg.emission_factors.push_back({"north", "late", 3.89, {2.65, 5.77}, "test Tier 2 entry"});
  cfg.sf_p = 0.89;
  cfg.sf_p_range = {0.80, 0.99};
  cfg.amendment_rates = {2.0};
  cfg.amendment_cfoa = {0.17};
  cfg.amendment_cfoa_low = {0.09};
  cfg.amendment_cfoa_high = {0.29};
  CommuneMethaneOverride straw;
  straw.code = truth[1].at("commune_code");
  straw.amendment_rates = {6.0, 1.5};
  straw.amendment_cfoa = {1.0, 0.21};
  straw.source = "test survey";
  cfg.methane_communes.push_back(straw);
  validate(cfg);
  run_job(cfg);
  const ResultReader r(dir / "r.h5");

  // Only what an auditor has: the stored config and the result's datasets.
  const Config stored = load_config_text(r.attribute_string("/", "config_toml"), (dir / "stored.toml").string());
  const auto codes = r.read_strings("/communes/code");
  const std::size_t n = codes.size();
  const auto gt = r.attribute_doubles("/", "geotransform");
  const double pixel_ha = std::abs(gt[1] * gt[5]) / 1e4;
  const auto regime = r.read<std::uint8_t>("/maps/water_regime");
  const auto days = r.read<std::uint16_t>("/qa/cultivation_days");
  const auto commune = r.read<std::int32_t>("/maps/commune_index");
  std::vector<std::array<double, 4>> ha_days(n, {0, 0, 0, 0});
  for (std::size_t i = 0; i < regime.size(); ++i) {
    if (commune[i] < 0 || regime[i] == 0) continue;
    const std::size_t k = regime[i] == 255 ? 3 : regime[i] - 1u;  // map codes 1, 2, 3, 255 → columns
    ha_days[static_cast<std::size_t>(commune[i])][k] += pixel_ha * days[i];
  }
  const auto stored_ha_days = r.read<double>("/communes/regime_ha_days");
  ASSERT_EQ(stored_ha_days.size(), 4 * n);
  double multiple = 0;
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(stored_ha_days[4 * c + k], ha_days[c][k], 1e-6) << c << "," << k;
  for (std::size_t c = 0; c < n; ++c) multiple += ha_days[c][1] + ha_days[c][2];
  ASSERT_GT(multiple, 0.0) << "the demo must have drained rice, or the project side proves nothing";

  // EF_c: the stored Tier 2 entry for the stored region and season type.
  double ef_c = 0;
  for (const auto& e : stored.emission_factors)
    if (e.region == stored.methane_region && e.season_type == stored.methane_season_type) ef_c = e.ef_c;
  ASSERT_DOUBLE_EQ(ef_c, 3.89);
  const auto baseline = r.read<double>("/communes/ch4_baseline_t");
  const auto project = r.read<double>("/communes/ch4_project_t");
  const auto reduction = r.read<double>("/communes/ch4_reduction_t");
  const auto co2e = r.read<double>("/communes/co2e_reduction_t");
  const auto notes = r.read_strings("/communes/methane_factors");
  for (std::size_t c = 0; c < n; ++c) {
    // Eq. 5.3: SF_o = (1 + Σ ROA × CFOA)^0.59, the commune's survey where given.
    std::vector<double> rates = stored.amendment_rates, cfoa = stored.amendment_cfoa;
    for (const auto& o : stored.methane_communes)
      if (o.code == codes[c]) rates = o.amendment_rates, cfoa = o.amendment_cfoa;
    double roa = 1.0;
    for (std::size_t a = 0; a < rates.size(); ++a) roa += rates[a] * cfoa[a];
    const double sf_o = std::pow(roa, 0.59);
    // Eq. 5.2 per regime, Eq. 5.1 in tonnes (kg × 1e-3).
    const double ef_cf = ef_c * stored.sf_w[0] * stored.sf_p * sf_o;
    const double ef_single = ef_c * stored.sf_w[1] * stored.sf_p * sf_o;
    const double ef_multiple = ef_c * stored.sf_w[2] * stored.sf_p * sf_o;
    const auto& h = ha_days[c];
    const double b = ef_cf * (h[0] + h[1] + h[2] + h[3]) * 1e-3;
    const double p = (ef_cf * (h[0] + h[3]) + ef_single * h[1] + ef_multiple * h[2]) * 1e-3;
    const double tol = 1e-9 * std::max(1.0, b);
    EXPECT_NEAR(baseline[c], b, tol) << codes[c];
    EXPECT_NEAR(project[c], p, tol) << codes[c];
    EXPECT_NEAR(reduction[c], b - p, tol) << codes[c];
    EXPECT_NEAR(co2e[c], (b - p) * stored.gwp100, tol * stored.gwp100) << codes[c];
  }
  // The straw commune's note names its survey; the province's names its CFOA range.
  EXPECT_NE(notes[1].find("test survey"), std::string::npos) << notes[1];
  EXPECT_NE(notes[1].find("no range given"), std::string::npos) << notes[1];
  EXPECT_NE(notes[0].find("[0.09, 0.29]"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("SF_p 0.89 [0.8, 0.99]"), std::string::npos) << notes[0];
  ASSERT_EQ(stored.amendment_cfoa_low, std::vector<double>{0.09});  // the ranges survive the round trip

  // The audit page shows the same figures, every claim with its picture
  // (decoded back to the stored bytes), and the configuration.
  write_audit_page(dir / "r.h5", dir / "audit.html");
  std::ifstream in(dir / "audit.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  const auto names = r.read_strings("/communes/name");
  for (std::size_t c = 0; c < n; ++c) EXPECT_NE(html.find(">" + names[c] + "<"), std::string::npos) << names[c];
  char red[32];
  std::snprintf(red, sizeof red, "%.3f", reduction[0]);
  EXPECT_NE(html.find(red), std::string::npos) << red;
  EXPECT_NE(html.find("test survey"), std::string::npos);
  EXPECT_NE(html.find("[[emission_factor]]"), std::string::npos);  // config_toml, escaped but whole
  const auto claim_ids = r.read_strings("/claims/claim_id");
  std::size_t details = 0, images = 0;
  for (std::size_t at = 0; (at = html.find("<details", at)) != std::string::npos; ++at) ++details;
  for (std::size_t at = 0; (at = html.find("data:image/png;base64,", at)) != std::string::npos; ++at) ++images;
  EXPECT_EQ(details, claim_ids.size());
  EXPECT_EQ(images, claim_ids.size());
  const std::size_t b64 = html.find("data:image/png;base64,") + 22;
  const std::string first = html.substr(b64, html.find('"', b64) - b64);
  std::vector<std::uint8_t> decoded;
  auto value = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
  };
  for (std::size_t i = 0; i + 3 < first.size(); i += 4) {
    const int a = value(first[i]), b = value(first[i + 1]), c = value(first[i + 2]), d = value(first[i + 3]);
    decoded.push_back(static_cast<std::uint8_t>((a << 2) | (b >> 4)));
    if (c >= 0) decoded.push_back(static_cast<std::uint8_t>(((b & 15) << 4) | (c >> 2)));
    if (d >= 0) decoded.push_back(static_cast<std::uint8_t>(((c & 3) << 6) | d));
  }
  EXPECT_EQ(decoded, r.read<std::uint8_t>("/claims/evidence/0"));
  // Each claim lists its clear Sentinel-2 views (or says there are none),
  // with the stored numbers.
  const auto clear_dates = r.read<std::int32_t>("/claims/optical/clear_dates");
  const auto s2_dates = r.read_strings("/claims/optical/date");
  const auto ndvi = r.read<double>("/claims/optical/ndvi");
  ASSERT_EQ(clear_dates.size(), claim_ids.size());
  std::size_t tables = 0, none = 0, seen = 0;
  for (std::size_t at = 0; (at = html.find("<th>Sentinel-2 date</th>", at)) != std::string::npos; ++at) ++tables;
  for (std::size_t at = 0; (at = html.find("No clear Sentinel-2 view", at)) != std::string::npos; ++at) ++none;
  for (const auto d : clear_dates) seen += d > 0;
  EXPECT_GT(seen, 0u);
  EXPECT_EQ(tables, seen);
  EXPECT_EQ(none, claim_ids.size() - seen);
  for (std::size_t k = 0; k < s2_dates.size(); ++k) {
    if (std::isnan(ndvi[k])) continue;  // claim 0's first clear view
    char v[32];
    std::snprintf(v, sizeof v, "%.3f", ndvi[k]);
    const std::size_t from = html.find("<details"), to = html.find("</details>", from);
    const std::string claim0 = html.substr(from, to - from);
    EXPECT_NE(claim0.find("<td>" + s2_dates[k] + "</td><td class=n>" + v + "</td>"), std::string::npos)
        << s2_dates[k] << " " << v;
    break;
  }
}
