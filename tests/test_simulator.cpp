// The season simulator (pipeline/simulator.hpp): determinism, the input
// contract it writes, the consistency of its truth with its own scenes, and
// the physics it promises (flooded paddies dark in VH, drainage brighter).
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "pipeline/cli/verbs.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/sim_world.hpp"
#include "pipeline/simulator.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;
using nlohmann::json;

namespace {

// Temporary output folders, removed when the test program ends (kept when
// PADDYMRV_KEEP_TEST_OUTPUT is set, to look at a failing case).
struct TempDirs {
  std::vector<fs::path> dirs;
  ~TempDirs() {
    if (std::getenv("PADDYMRV_KEEP_TEST_OUTPUT")) return;
    std::error_code ec;
    for (const auto& d : dirs) fs::remove_all(d, ec);
  }
};

fs::path temp_dir(const std::string& tag) {
  static TempDirs registry;
  const auto d = fs::temp_directory_path() / ("paddymrv_sim_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  registry.dirs.push_back(d);
  return d;
}

sim::SimulationParams small_params(std::uint64_t seed = 7) {
  sim::SimulationParams p = sim::preset("demo");
  sim::set_param(p, "width", "120");
  sim::set_param(p, "height", "100");
  sim::set_param(p, "seed", std::to_string(seed));
  sim::set_param(p, "zone_max_px", "50");  // a few more land-use blocks in a small area
  return p;
}

// One small season simulated once per seed/variant for the whole suite.
struct SimRun {
  fs::path dir;
  sim::SimulationSummary summary;
};
const SimRun& run(const std::string& tag, const sim::SimulationParams& p) {
  static std::map<std::string, SimRun> runs;
  auto it = runs.find(tag);
  if (it == runs.end()) {
    SimRun r;
    r.dir = temp_dir(tag);
    r.summary = sim::simulate(p, r.dir);
    it = runs.emplace(tag, r).first;
  }
  return it->second;
}
const SimRun& run_a() { return run("a", small_params(7)); }
const SimRun& run_a_again() { return run("a2", small_params(7)); }
const SimRun& run_b() { return run("b", small_params(8)); }

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

struct Raster {
  int width = 0, height = 0;
  std::array<double, 6> gt{};
  std::vector<double> values;
  double at(int col, int row) const { return values[static_cast<std::size_t>(row) * width + col]; }
  // The pixel containing a map point; false outside.
  bool pixel_of(double x, double y, int& col, int& row) const {
    col = static_cast<int>(std::floor((x - gt[0]) / gt[1]));
    row = static_cast<int>(std::floor((y - gt[3]) / gt[5]));
    return col >= 0 && row >= 0 && col < width && row < height;
  }
};

Raster read_raster(const fs::path& p) {
  auto ds = open_raster(p.string());
  Raster r;
  r.width = ds->GetRasterXSize();
  r.height = ds->GetRasterYSize();
  ds->GetGeoTransform(r.gt.data());
  r.values.resize(static_cast<std::size_t>(r.width) * r.height);
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, r.width, r.height, r.values.data(), r.width, r.height,
                                           GDT_Float64, 0, 0, nullptr),
            CE_None);
  return r;
}

json read_items(const fs::path& dir) {
  std::ifstream in(dir / "items.json");
  return json::parse(in);
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    for (char c : line) {
      if (c == ',') cells.push_back(cell), cell.clear();
      else cell += c;
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// GeoJSON lon/lat → the simulator's UTM 48N (EPSG:32648).
CoordinateTransformationPtr lonlat_to_utm() {
  OGRSpatialReference wgs84, utm;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  utm.importFromEPSG(32648);
  utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return CoordinateTransformationPtr(OGRCreateCoordinateTransformation(&wgs84, &utm));
}

int day_of(const std::string& iso, const std::string& season_start) {
  return static_cast<int>((*parse_iso_date(iso.substr(0, 10)) - *parse_iso_date(season_start)).count());
}

}  // namespace

TEST(Simulator, SameSeedGivesByteIdenticalFiles) {
  const SimRun& a = run_a();
  const SimRun& b = run_a_again();
  std::size_t compared = 0;
  for (const auto& e : fs::recursive_directory_iterator(a.dir)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = fs::relative(e.path(), a.dir);
    ASSERT_TRUE(fs::exists(b.dir / rel)) << rel;
    EXPECT_EQ(file_bytes(e.path()), file_bytes(b.dir / rel)) << rel;
    ++compared;
  }
  EXPECT_GT(compared, 100u);
}

TEST(Simulator, ThreadCountDoesNotChangeTheFiles) {
  const SimRun& a = run_a();
  const fs::path dir = temp_dir("one_thread");
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    sim::simulate(small_params(7), dir);
  }
  std::size_t compared = 0;
  for (const auto& e : fs::recursive_directory_iterator(a.dir)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = fs::relative(e.path(), a.dir);
    EXPECT_EQ(file_bytes(e.path()), file_bytes(dir / rel)) << rel;
    ++compared;
  }
  EXPECT_GT(compared, 100u);
}

TEST(Simulator, DifferentSeedGivesADifferentSeason) {
  const SimRun& a = run_a();
  const SimRun& b = run_b();
  EXPECT_NE(file_bytes(a.dir / "truth/field_id.tif"), file_bytes(b.dir / "truth/field_id.tif"));
  EXPECT_NE(file_bytes(a.dir / "truth/crop_class.tif"), file_bytes(b.dir / "truth/crop_class.tif"));
  EXPECT_NE(file_bytes(a.dir / "items.json"), file_bytes(b.dir / "items.json"));
  // Same acquisition slot, different speckle and landscape.
  const json ia = read_items(a.dir), ib = read_items(b.dir);
  std::string href_a, href_b;
  for (const auto& f : ia["features"])
    if (f["properties"]["constellation"] == "sentinel-1") href_a = f["assets"]["vh"]["href"];
  for (const auto& f : ib["features"])
    if (f["properties"]["constellation"] == "sentinel-1") href_b = f["assets"]["vh"]["href"];
  EXPECT_NE(file_bytes(a.dir / href_a), file_bytes(b.dir / href_b));
}

TEST(Simulator, ItemsFollowTheInputContract) {
  const SimRun& r = run_a();
  const sim::SimulationParams p = small_params(7);
  const json items = read_items(r.dir);
  ASSERT_EQ(items["type"], "FeatureCollection");
  int n1 = 0, n2 = 0;
  std::string last_datetime;
  for (const auto& it : items["features"]) {
    EXPECT_EQ(it["type"], "Feature");
    EXPECT_EQ(it["stac_version"], "1.0.0");
    ASSERT_TRUE(it["id"].is_string());
    ASSERT_EQ(it["bbox"].size(), 4u);
    EXPECT_EQ(it["geometry"]["type"], "Polygon");
    // Footprints are in lon/lat around Lào Cai.
    EXPECT_NEAR(it["bbox"][0].get<double>(), 103.85, 0.2);
    EXPECT_NEAR(it["bbox"][1].get<double>(), 22.5, 0.2);
    const json& pr = it["properties"];
    const std::string dt = pr["datetime"];
    ASSERT_TRUE(parse_rfc3339(dt)) << dt;
    EXPECT_GE(dt, last_datetime);  // in time order
    last_datetime = dt;
    const int day = day_of(dt, p.season_start);
    EXPECT_GE(day, 0);
    EXPECT_LE(day, day_of(p.season_end, p.season_start));
    EXPECT_EQ(pr["proj:epsg"], 32648);
    const std::string constellation = pr["constellation"];
    if (constellation == "sentinel-1") {
      ++n1;
      EXPECT_TRUE(pr["platform"] == "sentinel-1a" || pr["platform"] == "sentinel-1c");
      EXPECT_EQ(pr["sar:polarizations"], json::array({"VV", "VH"}));
      EXPECT_EQ(pr["sat:orbit_state"], "descending");
      EXPECT_TRUE(pr["sat:relative_orbit"].is_number_integer());
      for (const char* pol : {"vv", "vh"}) {
        const json& a = it["assets"][pol];
        EXPECT_EQ(a["type"], "image/tiff; application=geotiff; profile=cloud-optimized");
        EXPECT_EQ(a["roles"], json::array({"data"}));
        EXPECT_EQ(a["raster:bands"][0]["nodata"], -32768);
        EXPECT_EQ(a["raster:bands"][0]["data_type"], "float32");
        EXPECT_EQ(a["raster:bands"][0]["unit"], "linear power");
        const std::string href = a["href"];
        EXPECT_EQ(href.rfind("s1/", 0), 0u) << href;
        EXPECT_TRUE(fs::exists(r.dir / href)) << href;
      }
    } else {
      ASSERT_EQ(constellation, "sentinel-2");
      ++n2;
      EXPECT_EQ(pr["platform"].get<std::string>().rfind("sentinel-2", 0), 0u);
      EXPECT_EQ(pr["s2:processing_baseline"], "05.10");
      const double cc = pr["eo:cloud_cover"];
      EXPECT_GE(cc, 0.0);
      EXPECT_LE(cc, 100.0);
      for (const char* b : {"B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"}) {
        ASSERT_TRUE(it["assets"].contains(b)) << b;
        const json& rb = it["assets"][b]["raster:bands"][0];
        EXPECT_EQ(rb["nodata"], 0);
        EXPECT_EQ(rb["data_type"], "uint16");
        EXPECT_DOUBLE_EQ(rb["scale"].get<double>(), 0.0001);
        EXPECT_DOUBLE_EQ(rb["offset"].get<double>(), -0.1);
        EXPECT_TRUE(fs::exists(r.dir / it["assets"][b]["href"].get<std::string>()));
      }
      const json& scl = it["assets"]["SCL"];
      EXPECT_EQ(scl["raster:bands"][0]["data_type"], "uint8");
      EXPECT_FALSE(scl["raster:bands"][0].contains("scale"));
      EXPECT_TRUE(fs::exists(r.dir / scl["href"].get<std::string>()));
    }
  }
  EXPECT_EQ(n1, r.summary.n_s1_items);
  EXPECT_EQ(n2, r.summary.n_s2_items);
  EXPECT_GE(n1, 15);  // 6-day revisit over 134 days, a few missing
  EXPECT_GE(n2, 20);
}

TEST(Simulator, SceneGridsFollowTheContract) {
  const SimRun& r = run_a();
  const json items = read_items(r.dir);
  for (const auto& it : items["features"]) {
    if (it["properties"]["constellation"] == "sentinel-1") {
      const Raster vv = read_raster(r.dir / it["assets"]["vv"]["href"].get<std::string>());
      // Shifted by (+3, −4) m from the 10 m lattice, ≥ 20 px beyond the area.
      EXPECT_NEAR(std::fmod(vv.gt[0], 10.0), 3.0, 1e-9);
      EXPECT_NEAR(std::fmod(vv.gt[3], 10.0), 6.0, 1e-9);  // −4 m ≡ +6 m
      EXPECT_LE(vv.gt[0], 380000 - 200);
      EXPECT_GE(vv.gt[3], 2490000 + 200);
      EXPECT_GE(vv.gt[0] + vv.width * 10.0, 380000 + 1200 + 200);
      EXPECT_LE(vv.gt[3] - vv.height * 10.0, 2490000 - 1000 - 200);
    } else {
      const Raster b02 = read_raster(r.dir / it["assets"]["B02"]["href"].get<std::string>());
      const Raster b05 = read_raster(r.dir / it["assets"]["B05"]["href"].get<std::string>());
      const Raster scl = read_raster(r.dir / it["assets"]["SCL"]["href"].get<std::string>());
      EXPECT_EQ(b02.gt[1], 10.0);
      EXPECT_EQ(b05.gt[1], 20.0);
      EXPECT_EQ(scl.gt[1], 20.0);
      EXPECT_EQ(std::fmod(b02.gt[0], 20.0), 0.0);
      EXPECT_EQ(std::fmod(b05.gt[3], 20.0), 0.0);
      EXPECT_EQ(b02.width, 2 * b05.width);
      for (double v : scl.values) EXPECT_TRUE(v >= 1 && v <= 11) << v;
      break;  // one S2 item is enough for the grid checks
    }
  }
}

TEST(Simulator, ObservationCountsMatchTheScenes) {
  const SimRun& r = run_a();
  const Raster s1_truth = read_raster(r.dir / "truth/s1_observation_count.tif");
  const Raster s2_truth = read_raster(r.dir / "truth/s2_clear_count.tif");
  ASSERT_EQ(s1_truth.width, 120);
  ASSERT_EQ(s1_truth.height, 100);
  EXPECT_EQ(s1_truth.gt[0], 380000.0);
  EXPECT_EQ(s1_truth.gt[3], 2490000.0);
  std::vector<int> s1(s1_truth.values.size(), 0), s2(s2_truth.values.size(), 0);
  std::vector<char> cut(s1_truth.values.size(), 0);  // some S1 scene has nodata here
  int n1 = 0, partial = 0;
  const json items = read_items(r.dir);
  for (const auto& it : items["features"]) {
    const bool is_s1 = it["properties"]["constellation"] == "sentinel-1";
    if (is_s1) ++n1;
    const Raster a = read_raster(r.dir / it["assets"][is_s1 ? "vv" : "SCL"]["href"].get<std::string>());
    const Raster b = is_s1 ? read_raster(r.dir / it["assets"]["vh"]["href"].get<std::string>()) : Raster{};
    bool any_nodata = false;
    for (int row = 0; row < s1_truth.height; ++row)
      for (int col = 0; col < s1_truth.width; ++col) {
        const double x = 380000 + col * 10 + 5, y = 2490000 - row * 10 - 5;
        int c = 0, rr = 0;
        ASSERT_TRUE(a.pixel_of(x, y, c, rr));
        const std::size_t k = static_cast<std::size_t>(row) * s1_truth.width + col;
        if (is_s1) {
          const double vv = a.at(c, rr), vh = b.at(c, rr);
          const bool ok = std::isfinite(vv) && std::isfinite(vh) && vv > 0 && vh > 0 && vv != -32768 && vh != -32768;
          s1[k] += ok;
          cut[k] |= !ok;
          any_nodata |= !ok;
        } else {
          const int v = static_cast<int>(a.at(c, rr));
          s2[k] += v >= 4 && v <= 7;
        }
      }
    partial += any_nodata;
  }
  std::size_t s1_diff = 0, s2_diff = 0;
  for (std::size_t k = 0; k < s1.size(); ++k) {
    s1_diff += s1[k] != static_cast<int>(s1_truth.values[k]);
    s2_diff += s2[k] != static_cast<int>(s2_truth.values[k]);
    EXPECT_LE(s1_truth.values[k], n1);
    EXPECT_GE(s1_truth.values[k], n1 - partial);
    if (!cut[k]) {  // no partial scene cut it off: every item counts
      EXPECT_EQ(s1_truth.values[k], n1);
    }
  }
  EXPECT_EQ(s1_diff, 0u);
  EXPECT_EQ(s2_diff, 0u);
}

TEST(Simulator, WithoutPartialScenesEveryPixelSeesEveryItem) {
  sim::SimulationParams p = small_params(11);
  sim::set_param(p, "width", "60");
  sim::set_param(p, "height", "40");
  sim::set_param(p, "n_communes", "2");
  sim::set_param(p, "s1_partial_prob", "0");
  const SimRun& r = run("nopartial", p);
  const Raster s1 = read_raster(r.dir / "truth/s1_observation_count.tif");
  for (double v : s1.values) ASSERT_EQ(v, r.summary.n_s1_items);
}

TEST(Simulator, FloodedRiceIsDarkInVhAndDrainageBrighter) {
  const SimRun& r = run_a();
  const sim::SimulationParams p = small_params(7);
  // field_id → transplant day, drainage periods.
  struct RiceTruth {
    int transplant = 0;
    std::vector<std::pair<int, int>> drains;
  };
  std::map<int, RiceTruth> rice;
  const auto rows = read_csv(r.dir / "truth/fields.csv");
  ASSERT_EQ(rows[0][0], "field_id");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() < 8 || rows[i][1] != "1") continue;
    RiceTruth t;
    t.transplant = day_of(rows[i][5], p.season_start);
    std::stringstream ss(rows[i][7]);
    std::string period;
    while (std::getline(ss, period, ';'))
      if (!period.empty())
        t.drains.emplace_back(day_of(period.substr(0, 10), p.season_start), day_of(period.substr(11, 10), p.season_start));
    rice[std::stoi(rows[i][0])] = t;
  }
  ASSERT_FALSE(rice.empty());
  const Raster fid = read_raster(r.dir / "truth/field_id.tif");
  double flooded_sum = 0, drained_sum = 0;
  std::size_t flooded_n = 0, drained_n = 0;
  const json items = read_items(r.dir);
  for (const auto& it : items["features"]) {
    if (it["properties"]["constellation"] != "sentinel-1") continue;
    const int day = day_of(it["properties"]["datetime"], p.season_start);
    const Raster vh = read_raster(r.dir / it["assets"]["vh"]["href"].get<std::string>());
    for (int row = 0; row < fid.height; ++row)
      for (int col = 0; col < fid.width; ++col) {
        const auto f = rice.find(static_cast<int>(fid.at(col, row)));
        if (f == rice.end()) continue;
        int c = 0, rr = 0;
        vh.pixel_of(380000 + col * 10 + 5, 2490000 - row * 10 - 5, c, rr);
        const double v = vh.at(c, rr);
        if (!(v > 0)) continue;  // beyond a swath edge
        const int t = day - f->second.transplant;
        // Just transplanted: standing water for sure (first drainage ≥ 21
        // days after flooding, flooding ≥ 3 days before transplanting).
        if (t >= 0 && t <= 14) flooded_sum += 10 * std::log10(v), ++flooded_n;
        // An early drainage (small canopy): wet soil instead of water.
        for (const auto& [first, last] : f->second.drains)
          if (day >= first + 1 && day <= last && t <= 45) drained_sum += 10 * std::log10(v), ++drained_n;
      }
  }
  ASSERT_GT(flooded_n, 500u);
  ASSERT_GT(drained_n, 100u);
  const double flooded = flooded_sum / flooded_n, drained = drained_sum / drained_n;
  RecordProperty("flooded_vh_db", std::to_string(flooded));
  RecordProperty("drained_vh_db", std::to_string(drained));
  EXPECT_LT(flooded, -19.0);
  EXPECT_GT(flooded, -26.0);
  EXPECT_GT(drained - flooded, 2.0) << "flooded " << flooded << " dB, drained " << drained << " dB";
}

// truth/observability.csv is the ceiling the water-regime benchmark scores
// the detector against: an event may count as observable only if a pass
// inside it actually holds data over the field. With every scene cut by a
// swath edge, some events are seen only by passes that missed their field.
TEST(Simulator, ObservabilityCountsOnlyPassesThatSawTheField) {
  sim::SimulationParams p = small_params(12);
  sim::set_param(p, "s1_partial_prob", "1");
  const SimRun& r = run("allpartial", p);
  std::map<int, std::vector<std::pair<int, int>>> drains;  // field → drainage periods
  for (const auto& row : read_csv(r.dir / "truth/fields.csv")) {
    if (row.size() < 8 || row[1] != "1") continue;
    std::stringstream ss(row[7]);
    std::string period;
    auto& d = drains[std::stoi(row[0])];
    while (std::getline(ss, period, ';'))
      if (!period.empty())
        d.emplace_back(day_of(period.substr(0, 10), p.season_start), day_of(period.substr(11, 10), p.season_start));
  }
  // Per field: its pixels, and how many of them each S1 scene holds data for.
  const Raster fid = read_raster(r.dir / "truth/field_id.tif");
  std::map<int, std::set<int>> seen_on;
  std::map<int, std::map<int, int>> covered_on;  // field → day → pixels with data
  std::map<int, int> pixels_of;
  for (double v : fid.values) ++pixels_of[static_cast<int>(v)];
  std::vector<int> s1_days;
  const json items = read_items(r.dir);
  for (const auto& it : items["features"]) {
    if (it["properties"]["constellation"] != "sentinel-1") continue;
    const int day = day_of(it["properties"]["datetime"], p.season_start);
    s1_days.push_back(day);
    const Raster vv = read_raster(r.dir / it["assets"]["vv"]["href"].get<std::string>());
    for (int row = 0; row < fid.height; ++row)
      for (int col = 0; col < fid.width; ++col) {
        int c = 0, rr = 0;
        ASSERT_TRUE(vv.pixel_of(380000 + col * 10 + 5, 2490000 - row * 10 - 5, c, rr));
        if (vv.at(c, rr) > 0) {
          seen_on[static_cast<int>(fid.at(col, row))].insert(day);
          ++covered_on[static_cast<int>(fid.at(col, row))][day];
        }
      }
  }
  // The same season with every scene whole: same passes, wind and soil.
  sim::SimulationParams whole_p = p;
  sim::set_param(whole_p, "s1_partial_prob", "0");
  const SimRun& whole = run("allwhole", whole_p);
  ASSERT_EQ(whole.summary.n_s1_items, r.summary.n_s1_items);
  std::map<int, std::vector<double>> whole_z;
  for (const auto& row : read_csv(whole.dir / "truth/observability.csv")) {
    if (row.size() < 7 || row[0] == "field_id" || row[6].empty()) continue;
    std::stringstream ss(row[6]);
    for (std::string z; std::getline(ss, z, ';');) whole_z[std::stoi(row[0])].push_back(std::stod(z));
  }
  const auto rows = read_csv(r.dir / "truth/observability.csv");
  ASSERT_EQ(rows[0][6], "event_visibility_sigma");
  int blind = 0, watched = 0, fewer_looks = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() < 7 || rows[i][6].empty()) continue;
    const int id = std::stoi(rows[i][0]);
    const auto& periods = drains.at(id);
    std::stringstream ss(rows[i][6]);
    std::string z;
    int observable = 0;
    bool near_threshold = false;
    for (std::size_t e = 0; std::getline(ss, z, ';'); ++e) {
      ASSERT_LT(e, periods.size());
      const auto [first, last] = periods[e];
      bool any = false;
      for (int d : seen_on[id]) any |= d >= first && d <= last;
      // Against the whole scenes: never stronger; as strong when every
      // pass inside covered the whole field; weaker when a pass inside saw
      // only part of it (fewer looks), even if none missed it entirely.
      const double zw = whole_z.at(id).at(e), zp = std::stod(z);
      bool all_whole = true, none_blind = true, some_part = false;
      for (int d : s1_days) {
        if (d < first || d > last) continue;
        const int cov = covered_on[id].count(d) ? covered_on[id][d] : 0;
        all_whole &= cov == pixels_of[id];
        none_blind &= cov > 0;
        some_part |= cov > 0 && cov < pixels_of[id];
      }
      EXPECT_LE(zp, zw + 0.05) << "field " << id << " event " << e;
      if (all_whole) {
        EXPECT_EQ(zp, zw) << "field " << id << " event " << e;
      }
      if (none_blind && some_part && zp < zw - 0.05) ++fewer_looks;
      if (any) {
        ++watched;
        EXPECT_GT(std::stod(z), 0.0) << "field " << id << " event " << e;
      } else {
        ++blind;
        EXPECT_EQ(std::stod(z), 0.0) << "field " << id << " event " << e << ": no pass inside saw the field";
      }
      // The file rounds to 0.1: a strength written as 3.0 may be 2.95.
      observable += std::stod(z) >= 3.0;
      near_threshold |= std::abs(std::stod(z) - 3.0) < 0.051;
    }
    if (!near_threshold) {
      EXPECT_EQ(std::stoi(rows[i][4]), observable) << "field " << id;
    }
  }
  // Each kind occurs, or the test could not fail.
  EXPECT_GT(blind, 0);
  EXPECT_GT(watched, 0);
  EXPECT_GT(fewer_looks, 0);
}

// The probability sample the crop-area intervals assume: the training
// polygons of reference.geojson plus distinct pixels drawn at random, each
// with its true class; nothing when the parameter is 0.
TEST(Simulator, ValidationPointsAreARandomSampleWithTheirTrueClass) {
  EXPECT_FALSE(fs::exists(run_a().dir / "reference_points.geojson"));
  sim::SimulationParams p = small_params(7);
  sim::set_param(p, "validation_points", "300");
  const SimRun& r = run("points", p);
  // Its own random stream: everything else is the season without points.
  for (const char* f : {"reference.geojson", "claims.geojson", "communes.geojson", "items.json", "truth/fields.csv",
                        "truth/observability.csv", "truth/crop_class.tif"})
    EXPECT_EQ(file_bytes(r.dir / f), file_bytes(run_a().dir / f)) << f;
  gdal_init();
  std::multiset<std::pair<int, std::string>> train_polygons;  // field, class
  {
    auto ds = open_vector((r.dir / "reference.geojson").string());
    for (auto& f : *ds->GetLayer(0))
      if (std::string(f->GetFieldAsString("split")) == "train")
        train_polygons.insert({f->GetFieldAsInteger("field_id"), f->GetFieldAsString("class")});
  }
  ASSERT_FALSE(train_polygons.empty());
  const Raster cls = read_raster(r.dir / "truth/crop_class.tif");
  const Raster fid = read_raster(r.dir / "truth/field_id.tif");
  const CoordinateTransformationPtr ct = lonlat_to_utm();
  std::multiset<std::pair<int, std::string>> polygons;
  std::set<std::pair<int, int>> pixels;
  int points = 0, rice_points = 0;
  std::array<int, 4> quadrant{};  // points per quarter of the grid
  auto ds = open_vector((r.dir / "reference_points.geojson").string());
  for (auto& f : *ds->GetLayer(0)) {
    const OGRGeometry* g = f->GetGeometryRef();
    ASSERT_NE(g, nullptr);
    if (wkbFlatten(g->getGeometryType()) != wkbPoint) {
      EXPECT_EQ(std::string(f->GetFieldAsString("split")), "train");
      polygons.insert({f->GetFieldAsInteger("field_id"), f->GetFieldAsString("class")});
      continue;
    }
    ++points;
    EXPECT_EQ(std::string(f->GetFieldAsString("split")), "validation");
    double x = g->toPoint()->getX(), y = g->toPoint()->getY();
    ASSERT_TRUE(ct->Transform(1, &x, &y));
    int col = 0, row = 0;
    ASSERT_TRUE(cls.pixel_of(x, y, col, row));
    EXPECT_TRUE(pixels.insert({col, row}).second) << "a pixel drawn twice";
    EXPECT_EQ(f->GetFieldAsInteger("class"), static_cast<int>(cls.at(col, row)));
    EXPECT_EQ(f->GetFieldAsInteger("field_id"), static_cast<int>(fid.at(col, row)));
    rice_points += cls.at(col, row) == 1;
    ++quadrant[static_cast<std::size_t>((col >= cls.width / 2) + 2 * (row >= cls.height / 2))];
  }
  // Spread over the whole area, not the first rows: each quarter within 4σ
  // of a quarter of the points.
  for (int q : quadrant) EXPECT_NEAR(q, 75.0, 4.0 * std::sqrt(300 * 0.25 * 0.75)) << "points per quarter";
  EXPECT_EQ(points, 300);
  EXPECT_EQ(polygons, train_polygons);
  // Drawn with equal probability: the rice share of the points is the rice
  // share of the area within 4 binomial σ (≈ 0.03 at 300 points).
  double rice_px = 0;
  for (double v : cls.values) rice_px += v == 1;
  const double share = rice_px / static_cast<double>(cls.values.size());
  EXPECT_NEAR(rice_points / 300.0, share, 4.0 * std::sqrt(share * (1 - share) / 300.0));
  // Simulated again into the same folder without points: no stale sample.
  ds.reset();
  sim::set_param(p, "validation_points", "0");
  sim::simulate(p, r.dir);
  EXPECT_FALSE(fs::exists(r.dir / "reference_points.geojson"));
}

TEST(Simulator, CommunesTileTheAnalysisRectangle) {
  const SimRun& r = run_a();
  gdal_init();
  auto ds = open_vector((r.dir / "communes.geojson").string());
  OGRLayer* layer = ds->GetLayer(0);
  const CoordinateTransformationPtr ct = lonlat_to_utm();
  double area = 0;
  OGREnvelope all;
  int n = 0;
  std::set<std::string> codes;
  for (auto& f : *layer) {
    ++n;
    codes.insert(f->GetFieldAsString("commune_code"));
    EXPECT_FALSE(std::string(f->GetFieldAsString("commune_name")).empty());
    OGRGeometryUniquePtr g(f->GetGeometryRef()->clone());
    const auto type = wkbFlatten(g->getGeometryType());
    EXPECT_TRUE(type == wkbPolygon || type == wkbMultiPolygon);
    ASSERT_EQ(g->transform(ct.get()), OGRERR_NONE);
    area += OGR_G_Area(OGRGeometry::ToHandle(g.get()));
    OGREnvelope e;
    g->getEnvelope(&e);
    all.Merge(e);
  }
  EXPECT_EQ(n, 4);
  EXPECT_EQ(codes.size(), 4u);
  const double rect = 1200.0 * 1000.0;
  EXPECT_NEAR(area / rect, 1.0, 1e-4);
  // Read back to UTM the union's bounds are the grid's to well below a
  // millimetre, so a grid snapped from the communes is the truth grid.
  EXPECT_NEAR(all.MinX, 380000.0, 1e-5);
  EXPECT_NEAR(all.MaxX, 381200.0, 1e-5);
  EXPECT_NEAR(all.MinY, 2489000.0, 1e-5);
  EXPECT_NEAR(all.MaxY, 2490000.0, 1e-5);

  // communes.csv: exact areas sum to the rectangle; every pixel has a commune.
  const auto rows = read_csv(r.dir / "truth/communes.csv");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0][0], "index");
  double csv_ha = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) csv_ha += std::stod(rows[i][3]);
  EXPECT_NEAR(csv_ha, 120.0, 120.0 * 1e-4);
  const Raster idx = read_raster(r.dir / "truth/commune_index.tif");
  std::set<int> seen;
  for (double v : idx.values) {
    ASSERT_GE(v, 0);
    ASSERT_LT(v, 4);
    seen.insert(static_cast<int>(v));
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(Simulator, TruthTablesAgreeWithTheMaps) {
  const SimRun& r = run_a();
  const sim::SimulationParams p = small_params(7);
  const Raster fid = read_raster(r.dir / "truth/field_id.tif");
  const Raster cls = read_raster(r.dir / "truth/crop_class.tif");
  const Raster reg = read_raster(r.dir / "truth/water_regime.tif");
  const Raster ev = read_raster(r.dir / "truth/drainage_events.tif");
  std::map<int, std::vector<std::string>> fields;
  const auto rows = read_csv(r.dir / "truth/fields.csv");
  EXPECT_EQ(rows[0], (std::vector<std::string>{"field_id", "class", "commune_index", "regime", "drainage_events",
                                               "transplant_date", "harvest_date", "drainage_periods"}));
  for (std::size_t i = 1; i < rows.size(); ++i) fields[std::stoi(rows[i][0])] = rows[i];
  std::set<int> classes;
  for (std::size_t k = 0; k < fid.values.size(); ++k) {
    const auto f = fields.find(static_cast<int>(fid.values[k]));
    ASSERT_NE(f, fields.end());
    EXPECT_EQ(std::stoi(f->second[1]), cls.values[k]);
    EXPECT_EQ(std::stoi(f->second[3]), reg.values[k]);
    EXPECT_EQ(std::stoi(f->second[4]), ev.values[k]);
    EXPECT_EQ(cls.values[k] == 1, reg.values[k] > 0);
    classes.insert(static_cast<int>(cls.values[k]));
  }
  EXPECT_TRUE(classes.count(1));
  EXPECT_GE(classes.size(), 4u);
  // Drainage events: 5–15 days, ≥ 6 days of water between them, none in the
  // first 18 days after transplanting; CF 0, single 1, multiple ≥ 2.
  int n_multiple = 0;
  for (const auto& [id, row] : fields) {
    if (row[1] != "1") continue;
    const int regime = std::stoi(row[3]), events = std::stoi(row[4]);
    EXPECT_EQ(events == 0, regime == 1);
    EXPECT_EQ(events == 1, regime == 2);
    EXPECT_EQ(events >= 2, regime == 3);
    n_multiple += regime == 3;
    const int transplant = day_of(row[5], p.season_start), harvest = day_of(row[6], p.season_start);
    EXPECT_GE(harvest - transplant, 60);
    EXPECT_LT(harvest, day_of(p.season_end, p.season_start));
    std::stringstream ss(row[7]);
    std::string period;
    int count = 0, last_end = -1000;
    while (std::getline(ss, period, ';')) {
      const int a = day_of(period.substr(0, 10), p.season_start), b = day_of(period.substr(11, 10), p.season_start);
      EXPECT_GE(b - a + 1, 5);
      EXPECT_LE(b - a + 1, 15);
      EXPECT_GE(a - last_end - 1, 6);
      EXPECT_GE(a - transplant, 21 - 8);
      EXPECT_LT(b, harvest - 10);
      last_end = b;
      ++count;
    }
    EXPECT_EQ(count, events);
  }
  EXPECT_GT(n_multiple, 0);
}

TEST(Simulator, VectorInputsAreConsistent) {
  const SimRun& r = run_a();
  gdal_init();
  // Reference: every class present in the area, both splits.
  std::set<int> ref_classes;
  std::set<std::string> splits;
  {
    auto ds = open_vector((r.dir / "reference.geojson").string());
    for (auto& f : *ds->GetLayer(0)) {
      ref_classes.insert(f->GetFieldAsInteger("class"));
      splits.insert(f->GetFieldAsString("split"));
    }
  }
  std::set<int> map_classes;
  for (double v : read_raster(r.dir / "truth/crop_class.tif").values) map_classes.insert(static_cast<int>(v));
  EXPECT_EQ(ref_classes, map_classes);
  EXPECT_EQ(splits, (std::set<std::string>{"train", "validation"}));

  // Claims: one polygon per claims.csv row, with its practice; truth makes sense.
  std::map<std::string, std::string> practice;
  {
    auto ds = open_vector((r.dir / "claims.geojson").string());
    for (auto& f : *ds->GetLayer(0)) practice[f->GetFieldAsString("claim_id")] = f->GetFieldAsString("practice");
  }
  const auto rows = read_csv(r.dir / "truth/claims.csv");
  ASSERT_EQ(rows[0], (std::vector<std::string>{"claim_id", "practice", "field_id", "true_regime",
                                               "true_drainage_events", "claim_true"}));
  ASSERT_EQ(rows.size() - 1, practice.size());
  int awd = 0, awd_false = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& c = rows[i];
    EXPECT_EQ(practice.at(c[0]), c[1]);
    const bool truth = (c[1] == "AWD" && c[3] == "3") || (c[1] == "CF" && c[3] == "1");
    EXPECT_EQ(c[5], truth ? "true" : "false") << c[0];
    if (c[1] == "AWD") ++awd, awd_false += c[5] == "false";
  }
  EXPECT_GT(awd, 0);
  EXPECT_GT(awd_false, 0);
  EXPECT_LT(awd_false, awd);
}

TEST(Simulator, CommonAssetNamesAndParamsFileRoundTrip) {
  sim::SimulationParams p = small_params(5);
  sim::set_param(p, "width", "40");
  sim::set_param(p, "height", "40");
  sim::set_param(p, "s2_asset_names", "common");
  const SimRun& r = run("common", p);
  bool seen = false;
  const json items = read_items(r.dir);
  for (const auto& it : items["features"]) {
    if (it["properties"]["constellation"] != "sentinel-2") continue;
    for (const char* k : {"blue", "green", "red", "nir", "rededge1", "rededge2", "rededge3", "nir08", "swir16",
                          "swir22", "scl"})
      EXPECT_TRUE(it["assets"].contains(k)) << k;
    EXPECT_FALSE(it["assets"].contains("B02"));
    seen = true;
  }
  EXPECT_TRUE(seen);

  // simulation.toml lists every parameter and reproduces them.
  sim::SimulationParams back = sim::preset("bench-l");
  sim::load_params_toml(back, r.dir / "simulation.toml");
  EXPECT_EQ(sim::params_to_toml(back), sim::params_to_toml(p));
  EXPECT_EQ(back.s2_asset_names, "common");
  EXPECT_EQ(back.width, 40);
}

TEST(Simulator, ParametersAreCheckedAndDocumented) {
  sim::SimulationParams p = sim::preset("demo");
  EXPECT_THROW(sim::set_param(p, "no_such_key", "1"), ConfigError);
  EXPECT_THROW(sim::set_param(p, "width", "wide"), ConfigError);
  EXPECT_THROW(sim::set_param(p, "width", "3"), ConfigError);
  EXPECT_THROW(sim::set_param(p, "s1_enl", "-1"), ConfigError);
  EXPECT_THROW(sim::set_param(p, "season_start", "2026-02-30"), ConfigError);
  EXPECT_THROW(sim::set_param(p, "s2_asset_names", "planetary"), ConfigError);
  EXPECT_THROW(sim::preset("huge"), ConfigError);
  sim::set_param(p, "s1_enl", "4.4");
  EXPECT_DOUBLE_EQ(p.s1_enl, 4.4);
  sim::set_param(p, "season_end", "2026-03-01");  // too short for a rice crop
  EXPECT_THROW(sim::validate_params(p), ConfigError);

  EXPECT_EQ(sim::preset("bench-m").width, 1600);
  EXPECT_EQ(sim::preset("bench-m").n_communes, 4 * sim::preset("bench-s").n_communes);
  const std::string table = sim::describe_params(sim::preset("demo"));
  for (const char* key : {"seed", "width", "height", "s1_revisit_days", "s1_enl", "cloud_cover_mean",
                          "s1_missing_prob", "s1_partial_prob", "rice_fraction", "season_start", "season_end",
                          "s2_asset_names", "n_communes", "false_claim_fraction"})
    EXPECT_NE(table.find(key), std::string::npos) << key;
}

TEST(Simulator, VerbReportsBadOptionsWithExitCode64) {
  const auto dir = temp_dir("verb");
  EXPECT_EQ(cli::verb_simulate({"simulate", "--out", dir.string(), "--set", "bogus=1"}), kExitConfigError);
  EXPECT_EQ(cli::verb_simulate({"simulate", "--out", dir.string(), "--set", "width"}), kExitConfigError);
  EXPECT_EQ(cli::verb_simulate({"simulate", "--out", dir.string(), "--preset", "nope"}), kExitConfigError);
  EXPECT_EQ(cli::verb_simulate({"simulate", "--seed", "1"}), kExitConfigError);  // no --out
  EXPECT_EQ(cli::verb_simulate({"simulate", "--list-params"}), kExitOk);
  EXPECT_TRUE(fs::is_empty(dir));
}

// Issue #4's harder landscapes: off by default (the default world is the
// one every other test and benchmark was written against), and when on,
// they do what their documentation says.
TEST(Simulator, FieldVariabilityAndCanopySimilarityAreOffByDefault) {
  namespace ks = kernels::sim;
  const sim::SimulationParams p = sim::preset("demo");
  EXPECT_EQ(p.field_spectral_sd, 0.0);
  EXPECT_EQ(p.field_phenology_sd_days, 0.0);
  EXPECT_EQ(p.canopy_similarity, 0.0);
  const sim::SimWorld plain(p);
  for (const auto& f : plain.fields()) {
    EXPECT_EQ(f.optics.vis, 1.0f);
    EXPECT_EQ(f.optics.soil, 1.0f);
    EXPECT_EQ(f.optics.similarity, 0.0f);
  }

  sim::SimulationParams h = p;
  sim::set_param(h, "field_spectral_sd", "0.08");
  sim::set_param(h, "field_phenology_sd_days", "10");
  sim::set_param(h, "canopy_similarity", "0.6");
  EXPECT_THROW(sim::set_param(h, "canopy_similarity", "1.5"), ConfigError);
  const sim::SimWorld hard(h);
  ASSERT_EQ(hard.fields().size(), plain.fields().size());  // same landscape, same classes
  double sum_log = 0, sum_sq = 0;
  int n = 0, shifted = 0;
  for (std::size_t i = 0; i < hard.fields().size(); ++i) {
    const auto &a = plain.fields()[i], &b = hard.fields()[i];
    ASSERT_EQ(a.cls, b.cls);
    if (a.is_rice()) {  // rice keeps its calendar and water management
      EXPECT_EQ(a.rice.transplant_day, b.rice.transplant_day);
      EXPECT_EQ(a.rice.drainages.size(), b.rice.drainages.size());
    } else {
      shifted += a.traits.phenology_shift != b.traits.phenology_shift;
    }
    const double l = std::log(b.optics.nir);
    sum_log += l, sum_sq += l * l, ++n;
    EXPECT_EQ(b.optics.similarity, 0.6f);
  }
  const double sd = std::sqrt(sum_sq / n - (sum_log / n) * (sum_log / n));
  EXPECT_NEAR(sd, 0.08, 0.015);  // the documented 1σ of the log gains
  EXPECT_GT(shifted, 0);

  // Similarity 1: tea and citrus share one leaf spectrum; rice keeps its own.
  const ks::CoverState closed{1.0, 1.0, ks::Surface::dry_soil};
  ks::FieldOptics same;
  same.similarity = 1;
  EXPECT_EQ(ks::ground_reflectance(ks::kTea, closed, 0, same), ks::ground_reflectance(ks::kCitrus, closed, 0, same));
  EXPECT_NE(ks::ground_reflectance(ks::kTea, closed, 0), ks::ground_reflectance(ks::kCitrus, closed, 0));
  EXPECT_EQ(ks::ground_reflectance(ks::kRice, closed, 0, same), ks::ground_reflectance(ks::kRice, closed, 0));
  // A field's gains scale its canopy reflectance band region by band region.
  ks::FieldOptics bright;
  bright.nir = 1.1f;
  const auto g0 = ks::ground_reflectance(ks::kForest, closed, 0), g1 = ks::ground_reflectance(ks::kForest, closed, 0, bright);
  EXPECT_NEAR(g1[ks::kB08] / g0[ks::kB08], 1.1, 1e-5);
  EXPECT_EQ(g1[ks::kB04], g0[ks::kB04]);
}
