// The scene-window cache of incremental nights (issue #7, point 2): a cached
// window is the exact bytes of its decode; damaged entries are never trusted;
// a night with one new scene decodes only that scene and gives the same
// result as a run from scratch; entries of scenes that left the catalogue are
// pruned.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/wait.h>
#include <csignal>

#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_job.hpp"
#include "pipeline/scene_cache.hpp"
#include "pipeline/simulator.hpp"
#include "tests/result_compare.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;

namespace {

using test::wkt_of;

AnalysisGrid small_grid() {
  AnalysisGrid g;
  g.crs_wkt = wkt_of(32648);
  g.origin_x = 380000;
  g.origin_y = 2490000;
  g.resolution = 10;
  g.width = 60;
  g.height = 40;
  return g;
}

// A one-band GeoTIFF on disk whose pixel (col, row) holds value(col, row).
template <class F>
std::string make_raster(const fs::path& path, int epsg, double x0, double y0, double res, int w, int h, GDALDataType type,
                        std::optional<double> nodata, F value) {
  gdal_init();
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
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, buf.data(), w, h, GDT_Float64, 0, 0, nullptr),
            CE_None);
  return path.string();
}

Asset asset_of(const std::string& path, std::optional<double> nodata = {}) {
  Asset a;
  a.path = path;
  a.nodata = nodata;
  a.sha256 = sha256_file(path);
  return a;
}

// Byte equality (NaN equals NaN).
template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

std::vector<fs::path> entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".win") out.push_back(e.path());
  return out;
}

// Three assets of the kinds a run reads: Sentinel-1 float32 in another UTM
// zone (the warper, bilinear), Sentinel-2 uint16 at 20 m on the grid's
// lattice (replicated), SCL uint8.
struct Fixture {
  fs::path dir;
  AnalysisGrid grid = small_grid();
  Asset s1, s2, scl;
  explicit Fixture(const std::string& tag) : dir(test::fresh_dir(tag)) {
    s1 = asset_of(make_raster(dir / "s1.tif", 32647, 997300, 2497800, 12, 120, 90, GDT_Float32, -32768.0,
                              [](int c, int r) { return (c + r) % 17 == 0 ? -32768.0 : 0.01 * (1 + c) + 0.002 * r; }),
                  -32768.0);
    s2 = asset_of(make_raster(dir / "b11.tif", 32648, 379980, 2490020, 20, 40, 30, GDT_UInt16, 0.0,
                              [](int c, int r) { return (c * 7 + r * 3) % 50 == 0 ? 0 : 1000 + 13 * c + r; }),
                  0.0);
    scl = asset_of(make_raster(dir / "scl.tif", 32648, 379980, 2490020, 20, 40, 30, GDT_Byte, 0.0,
                               [](int c, int r) { return (c + 2 * r) % 12; }),
                   0.0);
  }
};

}  // namespace

TEST(SceneCache, CachedWindowsAreTheBytesOfTheirDecode) {
  Fixture fx("scene_cache_roundtrip");
  const PixelWindow w{5, 3, 37, 29};
  std::vector<float> s1_direct, s1_cached;
  std::vector<std::uint16_t> s2_direct, s2_cached;
  std::vector<std::uint8_t> scl_direct, scl_cached;
  read_asset_window(nullptr, fx.s1, fx.grid, w, Resampling::bilinear, s1_direct);
  read_asset_window(nullptr, fx.s2, fx.grid, w, Resampling::nearest, s2_direct);
  read_asset_window(nullptr, fx.scl, fx.grid, w, Resampling::nearest, scl_direct);
  ASSERT_TRUE(std::any_of(s1_direct.begin(), s1_direct.end(), [](float v) { return std::isnan(v); }));
  ASSERT_TRUE(std::any_of(s1_direct.begin(), s1_direct.end(), [](float v) { return v > 0; }));

  for (int night = 0; night < 2; ++night) {  // night 0 fills the cache, night 1 (a new process's cache) reads it
    SceneCache cache(fx.dir / "cache", fx.grid);
    for (int pass = 0; pass < 2; ++pass) {
      read_asset_window(&cache, fx.s1, fx.grid, w, Resampling::bilinear, s1_cached);
      read_asset_window(&cache, fx.s2, fx.grid, w, Resampling::nearest, s2_cached);
      read_asset_window(&cache, fx.scl, fx.grid, w, Resampling::nearest, scl_cached);
      EXPECT_TRUE(same_bytes(s1_direct, s1_cached)) << night << pass;
      EXPECT_TRUE(same_bytes(s2_direct, s2_cached)) << night << pass;
      EXPECT_TRUE(same_bytes(scl_direct, scl_cached)) << night << pass;
    }
    const auto st = cache.stats();
    EXPECT_EQ(st.decoded, night == 0 ? 3u : 0u);
    EXPECT_EQ(st.hits, night == 0 ? 3u : 6u);
    EXPECT_EQ(st.rejected, 0u);
  }
  EXPECT_EQ(entries(fx.dir / "cache").size(), 3u);
  EXPECT_TRUE(fs::exists(fx.dir / "cache" / "CACHEDIR.TAG"));
}

TEST(SceneCache, KeyCoversEverythingTheDecodeDependsOn) {
  Fixture fx("scene_cache_key");
  SceneCache cache(fx.dir / "cache", fx.grid);
  const PixelWindow w{0, 0, 32, 32};
  const std::string base = cache.key_text(fx.s1, w, Resampling::nearest, "float32");
  EXPECT_EQ(base, cache.key_text(fx.s1, w, Resampling::nearest, "float32"));
  EXPECT_NE(base.find(fx.s1.sha256), std::string::npos);
  std::set<std::string> keys = {base};
  keys.insert(cache.key_text(fx.s1, {0, 0, 32, 31}, Resampling::nearest, "float32"));
  keys.insert(cache.key_text(fx.s1, {1, 0, 32, 32}, Resampling::nearest, "float32"));
  keys.insert(cache.key_text(fx.s1, w, Resampling::bilinear, "float32"));
  keys.insert(cache.key_text(fx.s1, w, Resampling::nearest, "uint16"));
  Asset other = fx.s1;
  other.nodata = -9999.0;
  keys.insert(cache.key_text(other, w, Resampling::nearest, "float32"));
  other = fx.s1;
  other.decibels = true;
  keys.insert(cache.key_text(other, w, Resampling::nearest, "float32"));
  keys.insert(cache.key_text(fx.s2, w, Resampling::nearest, "float32"));
  EXPECT_EQ(keys.size(), 8u);
  std::set<fs::path> paths;
  for (const auto& k : keys) paths.insert(cache.entry_path(fx.s1, k));
  EXPECT_EQ(paths.size(), keys.size());

  // Another grid (shifted by one pixel) is another key for the same window.
  AnalysisGrid moved = fx.grid;
  moved.origin_x += 10;
  {
    SceneCache c2(fx.dir / "cache2", moved);
    EXPECT_NE(c2.key_text(fx.s1, w, Resampling::nearest, "float32"), base);
  }
  // An asset without a content hash is decoded, never cached.
  Asset unhashed = fx.scl;
  unhashed.sha256.clear();
  std::vector<std::uint8_t> v;
  cache.read(unhashed, w, Resampling::nearest, v);
  EXPECT_EQ(cache.stats().decoded, 1u);
  EXPECT_TRUE(entries(fx.dir / "cache").empty());
}

TEST(SceneCache, DamagedEntriesAreRejectedAndRebuilt) {
  Fixture fx("scene_cache_corrupt");
  const PixelWindow w{4, 4, 40, 30}, w2{0, 0, 40, 30};
  std::vector<float> direct, got;
  read_asset_window(nullptr, fx.s1, fx.grid, w, Resampling::bilinear, direct);
  SceneCache cache(fx.dir / "cache", fx.grid);
  cache.read(fx.s1, w, Resampling::bilinear, got);  // fills
  const fs::path entry = cache.entry_path(fx.s1, cache.key_text(fx.s1, w, Resampling::bilinear, "float32"));
  ASSERT_TRUE(fs::exists(entry));
  const auto size = fs::file_size(entry);

  auto expect_rebuilt = [&](const char* what, std::uint64_t rejected) {
    got.clear();
    cache.read(fx.s1, w, Resampling::bilinear, got);
    EXPECT_TRUE(same_bytes(direct, got)) << what;
    EXPECT_EQ(cache.stats().rejected, rejected) << what;
    EXPECT_EQ(fs::file_size(entry), size) << what;  // rewritten whole
    const auto hits = cache.stats().hits;
    cache.read(fx.s1, w, Resampling::bilinear, got);
    EXPECT_EQ(cache.stats().hits, hits + 1) << what << ": the rebuilt entry is trusted again";
    EXPECT_TRUE(same_bytes(direct, got)) << what;
  };
  {  // one flipped bit in the payload: the checksum catches it
    std::fstream f(entry, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 100));
    char c = 0;
    f.seekg(static_cast<std::streamoff>(size - 100));
    f.get(c);
    f.seekp(static_cast<std::streamoff>(size - 100));
    f.put(static_cast<char>(c ^ 0x10));
  }
  expect_rebuilt("flipped bit", 1);
  fs::resize_file(entry, size / 2);  // torn write (power cut before the data reached the disk)
  expect_rebuilt("truncated", 2);
  {  // another window's entry under this name: the header's key does not match
    std::vector<float> other;
    cache.read(fx.s1, w2, Resampling::bilinear, other);
    const fs::path e2 = cache.entry_path(fx.s1, cache.key_text(fx.s1, w2, Resampling::bilinear, "float32"));
    fs::copy_file(e2, entry, fs::copy_options::overwrite_existing);
  }
  expect_rebuilt("foreign entry", 3);
  std::ofstream(entry, std::ios::trunc) << "";  // empty file
  expect_rebuilt("empty", 4);
}

TEST(SceneCache, PruneRemovesWhatTheLastRunDidNotUse) {
  Fixture fx("scene_cache_prune");
  const fs::path dir = fx.dir / "cache";
  const PixelWindow w{0, 0, 30, 20}, w2{30, 20, 30, 20};
  std::vector<float> f;
  std::vector<std::uint16_t> u;
  SceneCache cache(dir, fx.grid);
  cache.read(fx.s1, w, Resampling::nearest, f);
  cache.read(fx.s1, w2, Resampling::nearest, f);
  cache.read(fx.s2, w, Resampling::nearest, u);
  // Left by a run killed while writing, and a file someone put there.
  std::ofstream(dir / fx.s1.sha256 / ".0123.win.tmp-999-0") << "partial";
  std::ofstream(dir / "README.operator") << "keep me";
  cache.begin_pass();  // the next night: s2 left the season, s1 only in w
  cache.read(fx.s1, w, Resampling::nearest, f);
  EXPECT_EQ(cache.stats().hits, 1u);
  const auto pr = cache.prune();
  EXPECT_EQ(pr.kept_files, 1u);
  EXPECT_EQ(pr.removed_files, 3u);  // s1 in w2, s2, the temporary
  EXPECT_EQ(pr.kept_bytes, fs::file_size(entries(dir).at(0)));
  EXPECT_FALSE(fs::exists(dir / fx.s2.sha256));
  EXPECT_TRUE(fs::exists(dir / "README.operator"));
  EXPECT_TRUE(fs::exists(dir / "CACHEDIR.TAG"));
}

TEST(SceneCache, RefusesAForeignFolderAndASecondRun) {
  Fixture fx("scene_cache_guard");
  fs::create_directories(fx.dir / "photos");
  std::ofstream(fx.dir / "photos" / "holiday.jpg") << "x";
  EXPECT_THROW(SceneCache(fx.dir / "photos", fx.grid), ConfigError);  // pruning there would delete it
  EXPECT_TRUE(fs::exists(fx.dir / "photos" / "holiday.jpg"));
  SceneCache first(fx.dir / "cache", fx.grid);
  try {
    SceneCache second(fx.dir / "cache", fx.grid);
    FAIL() << "two runs shared one cache";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitLocked);
  }
}

// --- end to end on a simulated season

namespace {

const fs::path& season_dir() {
  static const fs::path dir = [] {
    const auto d = test::fresh_dir("scene_cache_season");
    sim::simulate(sim::preset("demo"), d);
    return d;
  }();
  return dir;
}

// The season's catalogue with absolute hrefs, without the scenes in `drop`,
// written to `out`.
void write_catalogue(const fs::path& out, const std::set<std::string>& drop) {
  std::ifstream in(season_dir() / "items.json");
  auto doc = nlohmann::json::parse(in);
  nlohmann::json kept = nlohmann::json::array();
  for (auto& item : doc["features"]) {
    if (drop.count(item["id"].get<std::string>())) continue;
    for (auto& [key, asset] : item["assets"].items())
      asset["href"] = (season_dir() / asset["href"].get<std::string>()).string();
    kept.push_back(item);
  }
  doc["features"] = kept;
  std::ofstream(out) << doc.dump();
}

struct SceneInfo {
  std::string id, datetime;
  bool s1 = false;
};
std::vector<SceneInfo> scenes_by_time() {
  std::ifstream in(season_dir() / "items.json");
  const auto doc = nlohmann::json::parse(in);
  std::vector<SceneInfo> out;
  for (const auto& item : doc["features"])
    out.push_back({item["id"], item["properties"]["datetime"], item["properties"]["constellation"] == "sentinel-1"});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.datetime < b.datetime; });
  return out;
}

RunSummary run(const fs::path& items, const fs::path& out, const std::string& cache_dir) {
  std::map<std::string, std::string> o = {{"items", items.string()}, {"out", out.string()}, {"block-size", "128"},
                                          {"threads", "2"}};
  if (!cache_dir.empty()) o["cache-dir"] = cache_dir;
  return run_job(load_config((season_dir() / "paddymrv.toml").string(), o));
}

void expect_same_datasets(const fs::path& a, const fs::path& b, const std::vector<std::string>& groups) {
  test::expect_same_datasets(a, b, groups, 15);
}

std::set<std::string> asset_hashes(const fs::path& result, const std::string& scene_id) {
  std::set<std::string> out;
  for (const auto& row : ResultReader(result).read_string_table("/provenance/assets"))
    if (row[0] == scene_id) out.insert(row[4]);
  return out;
}

}  // namespace

TEST(SceneCacheIntegration, NightWithOneNewSceneEqualsARunFromScratch) {
  const auto dir = test::fresh_dir("scene_cache_nights");
  const auto scenes = scenes_by_time();
  ASSERT_GT(scenes.size(), 20u);
  const SceneInfo& newest = scenes.back();
  const SceneInfo& oldest = scenes.front();
  write_catalogue(dir / "night1.json", {newest.id});
  write_catalogue(dir / "night2.json", {});
  write_catalogue(dir / "night3.json", {oldest.id});  // the oldest scene left the season window
  const std::string cache = (dir / "cache").string();

  const RunSummary n1 = run(dir / "night1.json", dir / "night1.h5", cache);
  EXPECT_EQ(n1.cache_hits, 0u);
  ASSERT_GT(n1.cache_decoded, 0u);
  const RunSummary n2 = run(dir / "night2.json", dir / "night2.h5", cache);
  const RunSummary scratch = run(dir / "night2.json", dir / "scratch.h5", "");
  EXPECT_EQ(n2.cache_hits, n1.cache_decoded) << "every window of the old scenes came from the cache";
  // Without a crop model a block reads VV and VH of a Sentinel-1 scene; SCL of a Sentinel-2 one (with the
  // cloud dilation's halo), plus its red, NIR and SWIR16 around the block's claimed fields (every 128-px
  // block of the demo holds claims).
  EXPECT_EQ(n2.cache_decoded, static_cast<std::uint64_t>(n2.blocks) * (newest.s1 ? 2 : 4));
  EXPECT_EQ(scratch.cache_hits + scratch.cache_decoded, 0u);
  expect_same_datasets(dir / "night2.h5", dir / "scratch.h5", {"/maps", "/communes", "/qa", "/claims", "/provenance"});

  const ResultReader r2(dir / "night2.h5");
  EXPECT_EQ(r2.attribute_int64("/provenance/assets", "windows_from_cache"), static_cast<std::int64_t>(n2.cache_hits));
  EXPECT_EQ(r2.attribute_int64("/provenance/assets", "windows_decoded"), static_cast<std::int64_t>(n2.cache_decoded));
  EXPECT_EQ(r2.attribute_string("/provenance/assets", "scene_cache"), cache);
  EXPECT_EQ(ResultReader(dir / "scratch.h5").attribute_string("/provenance/assets", "scene_cache"), "off");

  // Pruning: the oldest scene's windows go, the others stay and are all hits.
  const auto oldest_hashes = asset_hashes(dir / "night2.h5", oldest.id);
  ASSERT_FALSE(oldest_hashes.empty());
  const bool oldest_read = std::any_of(oldest_hashes.begin(), oldest_hashes.end(),
                                       [&](const std::string& h) { return fs::exists(dir / "cache" / h); });
  EXPECT_TRUE(oldest_read);
  const RunSummary n3 = run(dir / "night3.json", dir / "night3.h5", cache);
  EXPECT_EQ(n3.cache_decoded, 0u);
  EXPECT_EQ(n3.cache_hits, n2.cache_hits + n2.cache_decoded - static_cast<std::uint64_t>(n3.blocks) * (oldest.s1 ? 2 : 4));
  for (const auto& h : oldest_hashes) EXPECT_FALSE(fs::exists(dir / "cache" / h)) << h;
  EXPECT_LT(n3.cache_bytes, n2.cache_bytes);
  EXPECT_EQ(entries(dir / "cache").size(), n3.cache_hits);
}

TEST(SceneCacheIntegration, NightKilledMidwayLeavesACacheTheNextNightCanTrust) {
  const auto dir = test::fresh_dir("scene_cache_killed");
  write_catalogue(dir / "items.json", {});
  const std::string cache = (dir / "cache").string();
  const std::string cmd = "PADDYMRV_FAULT_POINT=after_block:5 " + std::string(PADDYMRV_BINARY) + " run --config " +
                          (season_dir() / "paddymrv.toml").string() + " --items " + (dir / "items.json").string() +
                          " --out " + (dir / "killed.h5").string() + " --cache-dir " + cache +
                          " --block-size 128 --threads 2 --report-format none --quiet 2>/dev/null";
  const int status = std::system(cmd.c_str());
  const bool killed = (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
                      (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGKILL);
  ASSERT_TRUE(killed) << "status " << status;
  ASSERT_FALSE(entries(dir / "cache").empty()) << "the killed night had cached some windows";

  const RunSummary next = run(dir / "items.json", dir / "next.h5", cache);
  EXPECT_GT(next.cache_hits, 0u);
  EXPECT_GT(next.cache_decoded, 0u);  // the blocks the killed night never reached
  run(dir / "items.json", dir / "scratch.h5", "");
  expect_same_datasets(dir / "next.h5", dir / "scratch.h5", {"/maps", "/communes", "/qa", "/claims"});
  for (const auto& e : fs::recursive_directory_iterator(dir / "cache"))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path() << " survived the prune";
}
