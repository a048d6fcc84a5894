#include "pipeline/run_job.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "pipeline/block_engine.hpp"
#include "pipeline/claims_writer.hpp"
#include "pipeline/crop_feature_settings.hpp"
#include "pipeline/crop_features_block.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/crop_post_processing.hpp"
#include "pipeline/crop_writer.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/fault_point.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/methane_writer.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/result_writer.hpp"
#include "pipeline/run_lock.hpp"
#include "pipeline/scene_cache.hpp"
#include "pipeline/stac_catalog.hpp"

namespace paddymrv {

namespace {

constexpr const char* kFormatVersion = "0.1";

// Labels of /communes/water_regime_area_ha columns (DESIGN §4).
const std::vector<std::string> kRegimeLabels = {"continuously_flooded", "single_drainage", "multiple_drainage",
                                                "undetermined"};

MapWindow to_map_window(const PixelWindow& w) { return {w.x0, w.y0, w.width, w.height}; }

void write_georef(ResultWriter& out, const std::string& path, const AnalysisGrid& grid) {
  out.set_attribute(path, "crs_wkt", grid.crs_wkt);
  const auto gt = grid.geotransform();
  out.set_attribute(path, "geotransform", std::vector<double>(gt.begin(), gt.end()));
}

// Quantities whose science is not built yet are written as NaN with a status
// attribute: a verifier's script sees "unknown", never a fake zero.
void write_not_computed(ResultWriter& out, const std::string& path, std::vector<hsize_t> dims, const std::string& why) {
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  out.write_f64(path, dims, std::vector<double>(n, std::nan("")));
  out.set_attribute(path, "status", "not_computed: " + why);
}

// How the regime maps were decided, stored with them (a verifier reads the
// method next to the numbers).
std::string regime_method(const Config& cfg) {
  const std::string pixel =
      "Quegan multi-temporal speckle filter then the flood-cycle detector (kernels/flood_cycle.hpp)";
  if (cfg.segment_tile <= 0) return "per pixel, " + pixel + "; parameters in config_toml [water_regime]";
  return "per segment: pixels sharing one Sentinel-1 history, merged inside grid-aligned " +
         std::to_string(cfg.segment_tile) + " px tiles while Ward's cost per value stays under " +
         fmt::format("{:g}", cfg.segment_max_cost) +
         " × the tile's speckle variance (kernels/series_segmentation.hpp), decided on the segment's mean series "
         "by the flood-cycle detector; segments under " +
         std::to_string(cfg.segment_min_pixels) + " px per pixel, " + pixel +
         "; parameters in config_toml [water_regime]";
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

kernels::FloodCycleParams flood_cycle_params(const Config& cfg) {
  kernels::FloodCycleParams p;
  p.min_observations = cfg.min_observations;
  p.min_days_after_onset = cfg.min_days_after_onset;
  p.flooded_z = cfg.flooded_z;
  p.event_z = cfg.event_z;
  p.max_event_days = cfg.max_event_days;
  p.max_gap_days = cfg.max_gap_days;
  p.max_gap_factor = cfg.max_gap_factor;
  p.min_flood_contrast_db = cfg.min_flood_contrast_db;
  p.onset_margin_db = cfg.onset_margin_db;
  p.onset_drop_db = cfg.onset_drop_db;
  p.harvest_drop_db = cfg.harvest_drop_db;
  p.closure_fraction = cfg.closure_fraction;
  p.default_cultivation_days = cfg.default_cultivation_days;
  return p;
}

RunSummary run_job(const Config& cfg, const RunOptions& opt) {
  RunSummary summary;
  summary.dry_run = opt.dry_run;
  gdal_init(cfg.gdal_cache_mb);

  // --- grid CRS and season: configuration errors stop here, before any work.
  OGRSpatialReference grid_srs;
  if (!parse_crs(cfg.grid_crs, grid_srs)) throw ConfigError("grid.crs: unknown CRS '" + cfg.grid_crs + "'");
  if (grid_srs.IsGeographic()) {
    throw ConfigError("grid.crs: '" + cfg.grid_crs +
                      "' is geographic; use a projected CRS in metres (e.g. EPSG:32648)");
  }
  char* wkt_raw = nullptr;
  const char* wkt_opts[] = {"FORMAT=WKT2_2019", nullptr};
  grid_srs.exportToWkt(&wkt_raw, wkt_opts);
  const std::string grid_wkt = wkt_raw ? wkt_raw : "";
  CPLFree(wkt_raw);
  const auto season_start = *parse_iso_date(cfg.season_start);
  const auto season_end = *parse_iso_date(cfg.season_end);
  if (cfg.items.empty()) throw ConfigError("inputs.items: no STAC catalogue given (--items)");
  if (cfg.communes.empty()) throw ConfigError("inputs.communes: no communes file given (--communes)");
  // A crop model, when given, classifies every pixel and its rice (class 1)
  // is the rice mask. Read first: a model trained on features this run
  // would compute otherwise is refused before the catalogue is read and hashed.
  std::optional<CropModel> model;
  const std::string model_path = cfg.model.empty() ? "" : cfg.resolve(cfg.model).string();
  std::string model_sha256;  // taken when it is read, like every input's
  if (!model_path.empty()) {
    model.emplace(load_crop_model(model_path));
    model_sha256 = sha256_file(model_path);
    check_crop_feature_settings(*model, model_path, cfg);
    // The field context of the radar features is the model's (set at train):
    // a config asking for another one at run time is told so, not obeyed. A
    // model of the pixel forest alone (trained with context_radius = 0, or
    // before the context forest existed) is only noted: the config's
    // default would otherwise warn on every run with it.
    const std::string asked = describe_radar_context(cfg.classifier_context_radius, cfg.classifier_context_bandwidth);
    if (model->context_radius == 0 && asked != "off")
      spdlog::info("{}: the pixel forest alone, trained without a radar field context (this config's {} only "
                   "matters to `train`: retrain for the second forest)",
                   model_path, asked);
    else if (model->context_radius == 0)
      spdlog::info("{}: the pixel forest alone", model_path);
    else if (asked != model->describe_context())
      spdlog::warn(
          "{}: the model was trained with radar field context {} and is applied so; this config's "
          "classifier.context_* ({}) only matter to `train`",
          model_path, model->describe_context(), asked);
    else
      spdlog::info("{}: two forests, radar field context {} (as trained)", model_path, model->describe_context());
  }

  // --- catalogue, communes, grid
  const auto items_path = cfg.resolve(cfg.items);
  Catalog catalog =
      read_stac_catalog(items_path, {season_start, season_end, cfg.season_lookback_days, cfg.allow_network == 1});
  const auto communes_path = cfg.resolve(cfg.communes).string();
  PolygonLayer communes(communes_path, cfg.commune_code_field, cfg.commune_name_field, grid_srs,
                        "communes.code_field / communes.name_field");
  const Bounds b = cfg.grid_extent.empty()
                       ? communes.bounds()
                       : Bounds{cfg.grid_extent[0], cfg.grid_extent[1], cfg.grid_extent[2], cfg.grid_extent[3]};
  const AnalysisGrid grid = AnalysisGrid::from_bounds(grid_wkt, cfg.grid_resolution, b.xmin, b.ymin, b.xmax, b.ymax);
  summary.width = grid.width;
  summary.height = grid.height;
  spdlog::info("grid {} x {} px at {} m, {} communes from {}", grid.width, grid.height, grid.resolution,
               communes.size(), communes_path);

  // --- scene checks and hashes
  inspect_scenes(catalog, grid, cfg.threads,
                 !cfg.model.empty() ? crop_feature_bands() : !cfg.claims.empty() ? claim_index_bands()
                                                                                 : std::vector<std::string>{});
  fault_point("after_catalog");
  for (const auto& s : catalog.scenes) {
    if (s.status == SceneStatus::quarantined) {
      spdlog::warn("quarantined scene {}: {}", s.id, s.reason);
      summary.quarantine_reasons.push_back(s.id + ": " + s.reason);
    } else if (s.status == SceneStatus::skipped) {
      spdlog::info("skipped scene {}: {}", s.id, s.reason);
    }
    for (const auto& [key, a] : s.assets)
      if (a.decibels) spdlog::warn("scene {}: {} holds decibels, not linear power; converted on reading", s.id, a.path);
  }
  // --- claims and the rice mask the water regimes are decided on
  std::optional<PolygonLayer> claims;
  if (!cfg.claims.empty()) {
    claims.emplace(cfg.resolve(cfg.claims).string(), cfg.claim_id_field, cfg.claim_practice_field, grid_srs,
                   "claims.id_field / claims.practice_field");
    spdlog::info("{} claims from {}", claims->size(), cfg.resolve(cfg.claims).string());
  }
  const bool s1_rice_detector = cfg.rice_mask == "sentinel1";
  const std::string rice_mask_path = s1_rice_detector ? "" : cfg.resolve(cfg.rice_mask).string();
  if (!s1_rice_detector) open_raster(rice_mask_path);  // fail now, naming the file, not in a block
  // Hashes of the other inputs, taken when they are read: the result names
  // the exact bytes of every file a number depends on (DESIGN §1.6).
  const std::string claims_sha256 = claims ? sha256_dataset(cfg.resolve(cfg.claims).string()) : "";
  const std::string rice_mask_sha256 = !model && !s1_rice_detector ? sha256_dataset(rice_mask_path) : "";
  const std::string rice_source =
      model ? "crop classifier: " + model_path + " (class 1 = rice)"
      : s1_rice_detector ? "sentinel1: pixels the radar sees flooded, then growing (S1-only rice detector)"
                         : "raster: " + rice_mask_path + " (class 1 = rice)";

  EngineInputs in;
  in.config = &cfg;
  in.grid = &grid;
  in.communes = &communes;
  in.claims = claims ? &*claims : nullptr;
  in.rice_mask_path = rice_mask_path;
  in.model = model ? &*model : nullptr;
  in.flood = flood_cycle_params(cfg);
  in.season_start = season_start;
  in.season_end = season_end;
  auto select_scenes = [&] {
    in.s1 = catalog.used(Sensor::sentinel1);
    in.s2 = catalog.used(Sensor::sentinel2);
    summary.scenes_used = catalog.count(SceneStatus::used);
    summary.scenes_quarantined = catalog.count(SceneStatus::quarantined);
    summary.scenes_skipped = catalog.count(SceneStatus::skipped);
    summary.s1_used = in.s1.size();
    summary.s2_used = in.s2.size();
    summary.exit_code = summary.scenes_quarantined > 0 ? kExitOkWithQuarantine : kExitOk;
  };
  select_scenes();
  summary.blocks = static_cast<int>(grid.blocks(engine_block_size(cfg, cfg.block_size)).size());
  spdlog::info("{} scenes used ({} Sentinel-1, {} Sentinel-2), {} quarantined, {} skipped; {} blocks",
               summary.scenes_used, summary.s1_used, summary.s2_used, summary.scenes_quarantined,
               summary.scenes_skipped, summary.blocks);
  if (opt.dry_run) return summary;

  // --- output, written under a temporary name
  const auto out_path = std::filesystem::absolute(cfg.resolve(cfg.out));
  summary.out_path = out_path.string();
  const RunLock lock(out_path);
  // Temporaries of runs killed before their rename: ours now, as we hold the lock.
  for (const auto& stale : remove_stale_temporaries(out_path))
    spdlog::warn("removed {}, left by an interrupted run", stale.string());
  // Windows decoded on earlier nights. Another run using the same folder
  // (a second job misconfigured onto it) costs this one its speed, not its night.
  std::optional<SceneCache> cache;
  if (!cfg.cache_dir.empty()) {
    try {
      cache.emplace(cfg.resolve(cfg.cache_dir), grid);
    } catch (const Error& e) {
      if (e.exit_code() != kExitLocked) throw;
      spdlog::warn("{}; this run goes without the scene cache", e.what());
    }
  }
  in.cache = cache ? &*cache : nullptr;
  fault_point("after_lock");
  // A scene whose header was fine may still fail to decode in some block.
  // Then it is quarantined and the grid processed again without it: every
  // block of a result uses the same scenes. Each pass drops ≥ 1 scene.
  for (;;) {
    SceneFailures failures;
    in.failures = &failures;
    if (cache) cache->begin_pass();
    ResultWriter out(out_path, grid.height, grid.width, cfg.map_chunk, cfg.compression_level);
    out.create_map<std::uint8_t>("/maps/crop_class", 0, "crop class code (config [[classes]]), 0 = no data");
    out.create_map<std::uint8_t>(
        "/maps/water_regime", 255,
        "0 not rice, 1 continuously flooded, 2 single drainage, 3 multiple drainage, 255 undetermined");
    out.create_map<std::uint8_t>("/maps/drainage_events", 255, "in-season drainage events, 255 = not determined");
    out.create_map<std::int32_t>("/maps/commune_index", -1, "row in /communes, -1 outside every commune");
    out.create_map<std::uint16_t>("/qa/s1_observation_count", 0, "usable Sentinel-1 dates (VV and VH valid) in season");
    out.create_map<std::uint16_t>("/qa/s2_clear_count", 0,
                                  "clear Sentinel-2 dates (SCL in sentinel2.usable_scl) in season");
    out.create_map<std::uint16_t>("/qa/s1_max_gap_days", 0,
                                  "longest stretch in days without a usable Sentinel-1 date, season bounds included");
    out.create_map<std::uint8_t>("/qa/regime_confidence", 0, "confidence of the water regime, 0–100 (0 = not rice)");
    out.create_map<std::uint16_t>(
        "/qa/cultivation_days", 0,
        "flood onset → harvest in days (IPCC t), default where harvest not seen; 0 = not rice");
    if (!model) out.set_attribute("/maps/crop_class", "status", "not_computed: no crop model given (run --model)");
    for (const char* m : {"/maps/water_regime", "/maps/drainage_events", "/qa/regime_confidence"}) {
      out.set_attribute(m, "rice_mask", rice_source);
      out.set_attribute(m, "method", regime_method(cfg));
    }

    kernels::FieldSeriesAccumulator claim_series(season_days(in).size());
    kernels::OpticalFieldAccumulator claim_optical(season_s2_scenes(in).size());
    kernels::CommuneAccumulator totals(communes.size());
    std::vector<std::int64_t> crop_pixels(model ? communes.size() * model->classes.size() : 0, 0);
    ValidationOnRun validation_on_run =
        model ? ValidationOnRun(*model, grid, cfg.season_start, cfg.season_end) : ValidationOnRun();
    EngineOptions eo;
    eo.threads = cfg.threads;
    eo.blocks_in_flight = cfg.blocks_in_flight;
    eo.block_size = cfg.block_size;
    const auto blocks_start = std::chrono::steady_clock::now();
    run_block_engine(
        in, eo,
        [&](BlockProducts& blk) {
          const MapWindow w = to_map_window(blk.window);
          out.write_map_window("/maps/commune_index", w, blk.commune.data());
          out.write_map_window("/qa/s1_observation_count", w, blk.s1_count.data());
          out.write_map_window("/qa/s2_clear_count", w, blk.s2_clear.data());
          out.write_map_window("/qa/s1_max_gap_days", w, blk.s1_max_gap.data());
          out.write_map_window("/maps/water_regime", w, blk.water_regime.data());
          out.write_map_window("/maps/drainage_events", w, blk.drainage_events.data());
          out.write_map_window("/qa/regime_confidence", w, blk.regime_confidence.data());
          out.write_map_window("/qa/cultivation_days", w, blk.cultivation_days.data());
          if (model) {
            out.write_map_window("/maps/crop_class", w, blk.crop_class.data());
            for (std::size_t k = 0; k < crop_pixels.size(); ++k) crop_pixels[k] += blk.crop_pixels[k];
            validation_on_run.take(blk.window, blk.commune, blk.crop_class, *model);
          }
          totals.merge(blk.totals);
          claim_series.merge(blk.claims);
          claim_optical.merge(blk.claims_optical);
          fault_point("after_block");
        },
        opt.progress);
    spdlog::info("blocks processed in {:.2f} s", seconds_since(blocks_start));
    if (auto failed = failures.take(); !failed.empty()) {
      for (auto& sc : catalog.scenes) {
        const auto it = failed.find(sc.id);
        if (it == failed.end()) continue;
        sc.status = SceneStatus::quarantined;
        sc.reason = "decoding failed during processing: " + it->second;
        spdlog::warn("quarantined scene {}: {}; processing the grid again without it", sc.id, sc.reason);
        summary.quarantine_reasons.push_back(sc.id + ": " + sc.reason);
      }
      select_scenes();
      continue;  // the abandoned writer deletes its temporary file
    }

    // --- per-commune table
    const std::size_t n = communes.size();
    const hsize_t hn = n;
    std::vector<double> area(n), s1_mean(n), s2_mean(n), unobserved(n);
    std::vector<std::int64_t> pixels(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& t = totals[i];
      pixels[i] = t.pixels;
      area[i] = static_cast<double>(t.pixels) * grid.pixel_area_ha();
      s1_mean[i] = t.pixels ? static_cast<double>(t.s1_observations) / static_cast<double>(t.pixels) : 0;
      s2_mean[i] = t.pixels ? static_cast<double>(t.s2_clear) / static_cast<double>(t.pixels) : 0;
      unobserved[i] = static_cast<double>(t.s1_unobserved_pixels) * grid.pixel_area_ha();
      summary.communes.push_back({communes.ids()[i], communes.labels()[i], area[i], s1_mean[i], s2_mean[i]});
    }
    out.write_strings("/communes/code", communes.ids());
    out.write_strings("/communes/name", communes.labels());
    std::vector<std::string> shapes;
    for (std::size_t i = 0; i < communes.size(); ++i) shapes.push_back(communes.wkt(i));
    out.write_strings("/communes/geometry_wkt", shapes);
    out.set_attribute("/communes/geometry_wkt", "crs_wkt", grid.crs_wkt);
    out.write_f64("/communes/area_ha", {hn}, area);
    out.set_attribute("/communes/area_ha", "description",
                      "commune area on the analysis grid (pixel count × pixel area)");
    const hsize_t nc = cfg.classes.size();
    RiceAreaError rice_area_error;  // from the classifier's validation, for the methane interval
    if (model) {
      rice_area_error = write_crop_results(out, *model, model_path, CropPostProcessing::from(cfg).describe(),
                                            crop_pixels, n, grid.pixel_area_ha(), validation_on_run);
    } else {
      write_not_computed(out, "/communes/crop_area_ha", {hn, nc}, "no crop model given (run --model)");
      std::vector<std::string> labels;
      for (const auto& k : cfg.classes) labels.push_back(k.name);
      out.set_attribute("/communes/crop_area_ha", "labels", labels);
    }
    std::vector<double> rice_ha(n), regime_ha(n * 4), awd_ha(n);
    for (std::size_t i = 0; i < n; ++i) {
      rice_ha[i] = static_cast<double>(totals[i].rice_pixels) * grid.pixel_area_ha();
      for (std::size_t k = 0; k < 4; ++k)
        regime_ha[i * 4 + k] = static_cast<double>(totals[i].regime_pixels[k]) * grid.pixel_area_ha();
      awd_ha[i] = regime_ha[i * 4 + 2];
    }
    out.write_f64("/communes/rice_area_ha", {hn}, rice_ha);
    out.set_attribute("/communes/rice_area_ha", "rice_mask", rice_source);
    out.write_f64("/communes/water_regime_area_ha", {hn, 4}, regime_ha);
    out.set_attribute("/communes/water_regime_area_ha", "labels", kRegimeLabels);
    out.write_f64("/communes/awd_area_ha", {hn}, awd_ha);
    out.set_attribute("/communes/awd_area_ha", "description", "rice area detected under multiple drainage (AWD)");
    if (claims) {
      const auto claims_start = std::chrono::steady_clock::now();
      write_claims(out, *claims, claim_series, season_days(in), claim_optical, season_s2_scenes(in), season_start,
                   season_end, cfg, in.flood);
      spdlog::info("{} claims verified and written in {:.2f} s", claims->size(), seconds_since(claims_start));
    }
    write_methane(out, cfg, totals, communes.ids(), grid.pixel_area_ha(), rice_area_error.province_rel_sd,
                  rice_area_error.commune_rel_sd);

    out.write_i64("/qa/communes/pixels", {hn}, pixels);
    out.write_f64("/qa/communes/s1_observation_mean", {hn}, s1_mean);
    out.write_f64("/qa/communes/s2_clear_mean", {hn}, s2_mean);
    out.write_f64("/qa/communes/s1_unobserved_area_ha", {hn}, unobserved);
    std::vector<std::string> s1_dates, s2_dates;
    for (const Scene* s : in.s1) s1_dates.push_back(s->datetime);
    for (const Scene* s : in.s2) s2_dates.push_back(s->datetime);
    out.write_strings("/qa/s1_datetimes", s1_dates);
    out.write_strings("/qa/s2_datetimes", s2_dates);

    // --- provenance: every scene offered, and every asset's hash
    std::vector<std::vector<std::string>> scene_rows, asset_rows;
    const std::string items_ref = items_path.string();
    for (const auto& s : catalog.scenes) {
      scene_rows.push_back({s.id, sensor_name(s.sensor), s.platform, s.datetime, items_ref + "#" + s.id, s.sha256,
                            status_name(s.status), s.reason});
      for (const auto& [key, a] : s.assets) asset_rows.push_back({s.id, key, a.href, a.path, a.sha256});
    }
    out.write_string_table("/provenance/scenes",
                           {"id", "sensor", "platform", "datetime", "href", "sha256", "status", "reason"}, scene_rows);
    out.write_string_table("/provenance/assets", {"scene_id", "asset", "href", "path", "sha256"}, asset_rows);
    out.set_attribute("/provenance/scenes", "catalog", items_ref);
    out.set_attribute("/provenance/scenes", "catalog_sha256", sha256_file(items_ref));
    out.set_attribute("/provenance/assets", "communes", communes_path);
    out.set_attribute("/provenance/assets", "communes_sha256", sha256_dataset(communes_path));
    if (claims) {
      out.set_attribute("/provenance/assets", "claims", cfg.resolve(cfg.claims).string());
      out.set_attribute("/provenance/assets", "claims_sha256", claims_sha256);
    }
    if (model) {
      out.set_attribute("/provenance/assets", "model", model_path);
      out.set_attribute("/provenance/assets", "model_sha256", model_sha256);
    }
    if (!rice_mask_sha256.empty()) {
      out.set_attribute("/provenance/assets", "rice_mask", rice_mask_path);
      out.set_attribute("/provenance/assets", "rice_mask_sha256", rice_mask_sha256);
    }
    // Where the pixels came from: a cached window holds the bytes its decode
    // gave on an earlier night, for the same asset hash and grid.
    out.set_attribute("/provenance/assets", "scene_cache", cache ? cache->dir().string() : std::string("off"));
    if (cache) {
      const SceneCacheStats cs = cache->stats();
      summary.cache_hits = cs.hits;
      summary.cache_decoded = cs.decoded;
      out.set_attribute("/provenance/assets", "windows_from_cache", static_cast<std::int64_t>(cs.hits));
      out.set_attribute("/provenance/assets", "windows_decoded", static_cast<std::int64_t>(cs.decoded));
    }

    // --- root attributes (DESIGN §4) and georeferencing of every map
    out.set_attribute("/", "format", "paddymrv");
    out.set_attribute("/", "format_version", kFormatVersion);
    out.set_attribute("/", "software_version", PADDYMRV_VERSION);
    out.set_attribute("/", "created_utc", utc_now_rfc3339());
    out.set_attribute("/", "season_name", cfg.season_name);
    out.set_attribute("/", "season_start", cfg.season_start);
    out.set_attribute("/", "season_end", cfg.season_end);
    const bool provisional = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) <= season_end;
    out.set_attribute("/", "provisional", static_cast<std::int64_t>(provisional));
    out.set_attribute("/", "config_toml", to_toml(cfg));
    write_georef(out, "/", grid);
    for (const char* m : {"/maps/crop_class", "/maps/water_regime", "/maps/drainage_events", "/maps/commune_index",
                          "/qa/regime_confidence", "/qa/cultivation_days", "/qa/s1_observation_count",
                          "/qa/s2_clear_count", "/qa/s1_max_gap_days"}) {
      write_georef(out, m, grid);
    }
    out.commit();
    spdlog::info("wrote {}", out_path.string());
    if (cache) {
      const SceneCacheStats cs = cache->stats();
      try {
        const SceneCachePrune pr = cache->prune();
        summary.cache_bytes = pr.kept_bytes;
        spdlog::info(
            "scene cache {}: {} windows from the cache, {} decoded{}; holds {} entries, {} bytes ({:.1f} MiB); "
            "pruned {} unused ({} bytes)",
            cache->dir().string(), cs.hits, cs.decoded,
            cs.rejected ? ", " + std::to_string(cs.rejected) + " damaged entries rebuilt" : std::string(),
            pr.kept_files, pr.kept_bytes, static_cast<double>(pr.kept_bytes) / (1024.0 * 1024.0),
            pr.removed_files, pr.removed_bytes);
      } catch (const std::exception& e) {
        // The result is in place: a cache that cannot be swept is tomorrow's problem, not tonight's.
        spdlog::warn("scene cache {}: pruning failed: {}", cache->dir().string(), e.what());
      }
    }
    return summary;
  }
}

}  // namespace paddymrv
