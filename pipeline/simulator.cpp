// simulate(): builds the world, the communes and the acquisition plan, then
// renders and writes every scene (in parallel, one scene per task: each
// scene's random streams are its own, so the files do not depend on the
// thread count), and finally the catalogue, vectors, configs and truth.
#include "pipeline/simulator.hpp"

#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <system_error>

#include "kernels/observation_count.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/sim_communes.hpp"
#include "pipeline/sim_raster_io.hpp"
#include "pipeline/sim_samples.hpp"
#include "pipeline/sim_schedule.hpp"
#include "pipeline/sim_sentinel1.hpp"
#include "pipeline/sim_sentinel2.hpp"
#include "pipeline/sim_stac.hpp"
#include "pipeline/sim_truth.hpp"
#include "pipeline/sim_vector_io.hpp"
#include "pipeline/sim_world.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;
namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text)) throw Error(path.string() + ": cannot write");
}

std::string toml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\\\"") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out + "\"";
}

// Scene files of an earlier run would linger next to the new ones (a date
// that is now missing): remove our own names only.
void remove_old_scenes(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.rfind(prefix, 0) == 0 && e.path().extension() == ".tif") fs::remove(e.path(), ec);
  }
}

// Which scene pixel contains each analysis pixel's centre (nearest
// neighbour): grids are north-up, so columns and rows map separately.
struct NearestMap {
  std::vector<int> col, row;  // −1 outside the scene
  int scene_width = 0;
  // Scene pixel index of analysis pixel (c, r), −1 outside.
  std::ptrdiff_t at(int c, int r) const {
    const int sc = col[static_cast<std::size_t>(c)], sr = row[static_cast<std::size_t>(r)];
    return sc < 0 || sr < 0 ? -1 : static_cast<std::ptrdiff_t>(sr) * scene_width + sc;
  }
};

NearestMap nearest_map(const RasterGrid& analysis, const RasterGrid& scene) {
  NearestMap m;
  m.scene_width = scene.width;
  for (int c = 0; c < analysis.width; ++c) {
    const int sc = scene.col_of(analysis.x_center(c));
    m.col.push_back(sc >= 0 && sc < scene.width ? sc : -1);
  }
  for (int r = 0; r < analysis.height; ++r) {
    const int sr = scene.row_of(analysis.y_center(r));
    m.row.push_back(sr >= 0 && sr < scene.height ? sr : -1);
  }
  return m;
}

std::string paddymrv_toml(const SimulationParams& p) {
  return "# Configuration for the simulated season written by `paddymrv simulate`.\n"
         "# Reference samples for `paddymrv train`: reference.geojson (and, with validation_points,\n"
         "# reference_points.geojson: the training polygons plus random validation points); ground truth: truth/.\n"
         "[season]\n"
         "name = " + toml_quote(p.season_name) + "\n"
         "start = " + toml_quote(p.season_start) + "\n"
         "end = " + toml_quote(p.season_end) + "\n"
         "\n[grid]\n"
         "crs = \"EPSG:32648\"\n"
         "resolution = 10.0\n"
         "\n[inputs]\n"
         "items = \"items.json\"\n"
         "communes = \"communes.geojson\"\n"
         "claims = \"claims.geojson\"\n";
}

OGRGeometryUniquePtr field_polygon(const SimWorld& w, const PixelRect& r) {
  const double xmin = w.origin_x() + r.x * 10.0, ymax = w.origin_y() - r.y * 10.0;
  return utm_rectangle(xmin, ymax - r.h * 10.0, xmin + r.w * 10.0, ymax);
}

void write_vectors(const fs::path& out, const SimulationParams& p, const SimWorld& world,
                   const CommunePartition& communes, const std::vector<Claim>& claims) {
  // Densify every 50 m: UTM straight lines bend slightly in lon/lat.
  constexpr double kSegment = 50.0;
  std::vector<VectorFeature> features;
  for (int i = 0; i < communes.size(); ++i)
    features.push_back({OGRGeometryUniquePtr(communes.polygon(i).clone()), {communes.code(i), communes.name(i)}});
  write_geojson(out / "communes.geojson", "communes", {{"commune_code", false}, {"commune_name", false}}, features,
                kSegment);

  features.clear();
  const std::vector<ReferenceSample> reference = choose_reference(world, p);
  const std::vector<AttributeDef> reference_attributes = {
      {"class", true}, {"split", false}, {"field_id", true}, {"class_name", false}};
  auto reference_feature = [&](const ReferenceSample& s) {
    features.push_back(
        {field_polygon(world, s.rect),
         {s.cls, std::string(s.validation ? "validation" : "train"), s.field_id, std::string(ks::class_name(s.cls))}});
  };
  for (const ReferenceSample& s : reference) reference_feature(s);
  write_geojson(out / "reference.geojson", "reference", reference_attributes, features, kSegment);

  // A sample from an earlier run with points must not outlive this one.
  std::error_code ec;
  fs::remove(out / "reference_points.geojson", ec);
  if (ec)
    throw Error((out / "reference_points.geojson").string() + ": cannot remove the earlier sample: " + ec.message());
  if (p.validation_points > 0) {
    // Reference fields are chosen, not drawn: the stratified estimator of
    // the crop-area intervals assumes a probability sample of the map
    // (Olofsson et al. 2014, RSE 148:42), which is what a survey of random
    // points gives. The training polygons, then distinct pixels drawn with
    // equal probability over the area, each with its true class. Points go
    // last: `train` burns the features in order, so a point inside a
    // training field keeps its pixel for validation (the field loses it)
    // and the sample stays a draw over the whole area.
    features.clear();
    for (const ReferenceSample& s : reference)
      if (!s.validation) reference_feature(s);
    const RasterGrid grid = analysis_grid(p);
    // Pixel indices and Rng::uniform_int are 32-bit: fine up to the
    // parameters' 40000² px (1.6·10⁹); refuse rather than draw badly beyond.
    if (grid.pixels() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
      throw Error("simulate: validation_points needs an area below 2^31 pixels");
    std::vector<std::uint32_t> cells(grid.pixels());
    std::iota(cells.begin(), cells.end(), 0u);
    const auto n = std::min(cells.size(), static_cast<std::size_t>(p.validation_points));
    ks::Rng rng(p.seed, {ks::kStreamValidationPoints});
    for (std::size_t k = 0; k < n; ++k) {  // partial Fisher–Yates
      const auto j = k + static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(cells.size() - 1 - k)));
      std::swap(cells[k], cells[j]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      const int col = static_cast<int>(cells[k] % static_cast<std::uint32_t>(grid.width));
      const int row = static_cast<int>(cells[k] / static_cast<std::uint32_t>(grid.width));
      const std::int32_t id = world.field_id_at_px(col + SimWorld::kMargin, row + SimWorld::kMargin);
      const int cls = world.field(id).cls;
      auto point = std::make_unique<OGRPoint>(grid.x_center(col), grid.y_center(row));
      features.push_back({OGRGeometryUniquePtr(point.release()),
                          {cls, std::string("validation"), id, std::string(ks::class_name(cls))}});
    }
    write_geojson(out / "reference_points.geojson", "reference", reference_attributes, features, kSegment);
  }

  features.clear();
  for (const Claim& c : claims)
    features.push_back({field_polygon(world, world.field(c.field_id).rect), {c.claim_id, c.practice}});
  write_geojson(out / "claims.geojson", "claims", {{"claim_id", false}, {"practice", false}}, features, kSegment);
}

// What every scene task needs: the world, the grids and how to write.
struct SceneContext {
  const SimulationParams& params;
  const SimWorld& world;
  fs::path out;
  RasterGrid analysis, s1;
  S2Grids s2;
  NearestMap s1_map, s2_map;
  RasterOptions s1_opts, s2_opts, scl_opts;
};

// Renders and writes one Sentinel-1 scene; returns, per analysis pixel,
// whether the scene gives a usable observation there (truth s1_observation_count).
std::vector<std::uint8_t> write_s1_scene(const SceneContext& cx, const Acquisition& a) {
  const S1Scene s = render_s1(cx.world, cx.s1, a, cx.params);
  write_raster(cx.out / s1_href(a, "vv"), cx.s1, std::span<const float>(s.vv), cx.s1_opts);
  write_raster(cx.out / s1_href(a, "vh"), cx.s1, std::span<const float>(s.vh), cx.s1_opts);
  std::vector<std::uint8_t> usable(cx.analysis.pixels(), 0);
  for (int r = 0, k = 0; r < cx.analysis.height; ++r)
    for (int c = 0; c < cx.analysis.width; ++c, ++k) {
      const auto i = cx.s1_map.at(c, r);
      if (i < 0) continue;
      const float vv = s.vv[static_cast<std::size_t>(i)], vh = s.vh[static_cast<std::size_t>(i)];
      usable[static_cast<std::size_t>(k)] = vv != kS1Nodata && vh != kS1Nodata && kernels::s1_usable(vv, vh);
    }
  return usable;
}

// Renders and writes one Sentinel-2 scene; returns the clear-view mask on
// the analysis grid (truth s2_clear_count) and the scene's cloud cover.
std::vector<std::uint8_t> write_s2_scene(const SceneContext& cx, const Acquisition& a, double& cloud_cover) {
  const S2Scene s = render_s2(cx.world, cx.s2, a, cx.params);
  for (int b = 0; b < ks::kS2BandCount; ++b)
    write_raster(cx.out / s2_href(a, ks::esa_band_name(b)), ks::is_10m_band(b) ? cx.s2.g10 : cx.s2.g20,
                 std::span<const std::uint16_t>(s.bands[static_cast<std::size_t>(b)]), cx.s2_opts);
  write_raster(cx.out / s2_href(a, "SCL"), cx.s2.g20, std::span<const std::uint8_t>(s.scl), cx.scl_opts);
  const kernels::SclMask clear = kernels::default_scl_mask();
  std::vector<std::uint8_t> usable(cx.analysis.pixels(), 0);
  for (int r = 0, k = 0; r < cx.analysis.height; ++r)
    for (int c = 0; c < cx.analysis.width; ++c, ++k) {
      const auto i = cx.s2_map.at(c, r);
      usable[static_cast<std::size_t>(k)] = i >= 0 && clear.usable(s.scl[static_cast<std::size_t>(i)]);
    }
  cloud_cover = s.cloud_cover_percent;
  return usable;
}

}  // namespace

SimulationSummary simulate(const SimulationParams& p, const fs::path& out) {
  validate_params(p);
  const auto t0 = std::chrono::steady_clock::now();
  gdal_init();
  std::error_code ec;
  for (const char* sub : {"s1", "s2", "truth"}) {
    fs::create_directories(out / sub, ec);
    if (ec) throw Error((out / sub).string() + ": cannot create the folder: " + ec.message());
  }
  remove_old_scenes(out / "s1", "S1");
  remove_old_scenes(out / "s2", "S2");

  const SimWorld world(p);
  const CommunePartition communes(p);
  const Schedule schedule = plan_schedule(p);
  const std::vector<Claim> claims = choose_claims(world, p);
  spdlog::info("simulate: {}×{} px, {} communes, {} fields incl. the margin, {} Sentinel-1 scenes ({} partial), "
               "{} Sentinel-2 scenes",
               p.width, p.height, communes.size(), world.fields().size(), schedule.s1.size(), schedule.s1_partial,
               schedule.s2.size());

  SceneContext cx{p, world, out, analysis_grid(p), s1_grid(p), s2_grids(p), {}, {}, {}, {}, {}};
  cx.s1_map = nearest_map(cx.analysis, cx.s1);
  cx.s2_map = nearest_map(cx.analysis, cx.s2.g20);
  cx.s1_opts.nodata = kS1Nodata;
  cx.s1_opts.resampling = "AVERAGE";  // averaging linear power is the physical mean
  cx.s1_opts.overviews = p.cog_overviews;
  cx.s2_opts.nodata = 0;
  cx.s2_opts.resampling = "AVERAGE";
  cx.s2_opts.overviews = p.cog_overviews;
  cx.scl_opts = cx.s2_opts;
  cx.scl_opts.resampling = "NEAREST";  // categories

  // One task per scene. Counts are sums of 0/1 masks: the order in which
  // tasks finish cannot change them.
  std::vector<std::uint16_t> s1_count(cx.analysis.pixels(), 0), s2_count(cx.analysis.pixels(), 0);
  std::vector<double> cloud_cover(schedule.s2.size(), 0.0);
  std::mutex count_mutex;
  const std::size_t n1 = schedule.s1.size();
  tbb::parallel_for(std::size_t{0}, n1 + schedule.s2.size(), [&](std::size_t t) {
    const bool is_s1 = t < n1;
    double cover = 0;
    const std::vector<std::uint8_t> usable =
        is_s1 ? write_s1_scene(cx, schedule.s1[t]) : write_s2_scene(cx, schedule.s2[t - n1], cover);
    std::lock_guard lock(count_mutex);
    std::vector<std::uint16_t>& count = is_s1 ? s1_count : s2_count;
    for (std::size_t k = 0; k < usable.size(); ++k) count[k] = static_cast<std::uint16_t>(count[k] + usable[k]);
    if (!is_s1) cloud_cover[t - n1] = cover;
  });

  StacInput stac;
  stac.params = &p;
  stac.s1 = &schedule.s1;
  stac.s1_grid = cx.s1;
  stac.s2 = &schedule.s2;
  stac.s2_cloud_cover_percent = cloud_cover;
  stac.s2_grids = cx.s2;
  write_items_json(out / "items.json", stac);
  write_vectors(out, p, world, communes, claims);

  TruthInput truth{&p, &world, &communes, &claims, &s1_count, &s2_count, &schedule.s1};
  const int n_fields = write_truth(out / "truth", truth);
  write_text(out / "paddymrv.toml", paddymrv_toml(p));
  write_text(out / "simulation.toml", params_to_toml(p));

  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("simulate: wrote {} in {:.1f} s", out.string(), secs);
  SimulationSummary sum;
  sum.width = p.width;
  sum.height = p.height;
  sum.n_s1_items = static_cast<int>(schedule.s1.size());
  sum.n_s2_items = static_cast<int>(schedule.s2.size());
  sum.n_fields = n_fields;
  sum.n_communes = communes.size();
  return sum;
}

}  // namespace paddymrv::sim
