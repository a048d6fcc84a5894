#pragma once
// The effective configuration of a run. Every field is declared exactly once
// in the parameter table (pipeline/parameters.hpp) with its TOML key,
// command-line flag, type, default and documentation; the config file, the
// command line, `--help`, `run --print-config` and the result's `config_toml`
// attribute are all generated from that table.
#include <filesystem>
#include <string>
#include <vector>

namespace paddymrv {

struct CropClass {
  int code = 0;
  std::string name;
};

// A commune whose management differs from the province default, e.g. straw
// incorporation surveyed there (IPCC Eq. 5.3 amendments replace the default).
struct CommuneMethaneOverride {
  std::string code;
  std::string region;                   // "" = the province's methane.region
  std::vector<double> amendment_rates;  // t/ha
  std::vector<double> amendment_cfoa;
  // 95 % range of each CFOA (Table 5.14); empty = taken as exact.
  std::vector<double> amendment_cfoa_low, amendment_cfoa_high;
  std::string source;
};

// A national (Tier 2) baseline emission factor for one region and season type,
// replacing the IPCC default EF_c where it applies (DESIGN §5: Vietnam North,
// early season 2.21, late season 3.89 kg CH4 ha⁻¹ d⁻¹; Climate 8(6):74, 2020).
struct EmissionFactorEntry {
  std::string region, season_type;
  double ef_c = 0;
  std::vector<double> ef_c_range;  // low, high (95 %)
  std::string source;
};

struct Config {
  // Directory of the config file: relative input paths resolve against it.
  std::filesystem::path base_dir = ".";

  // [season]
  std::string season_name = "2026-spring";
  std::string season_start = "2026-02-01";
  std::string season_end = "2026-06-15";
  int season_lookback_days = 0;

  // [grid]
  std::string grid_crs = "EPSG:32648";
  double grid_resolution = 10.0;
  std::vector<double> grid_extent;  // xmin, ymin, xmax, ymax in grid CRS; empty = communes
  int block_size = 512;

  // [inputs]
  std::string items;
  std::string communes;
  std::string claims;
  std::string model;
  int allow_network = 0;

  // [communes]
  std::string commune_code_field = "commune_code";
  std::string commune_name_field = "commune_name";

  // [sentinel1]
  std::string s1_resampling = "nearest";

  // [water_regime]
  std::string rice_mask = "sentinel1";
  double min_canopy_rise_db = 4.0;
  int speckle_window = 5;
  int segment_tile = 64;
  double segment_max_cost = 2.0;
  int segment_max_pixels = 1024;
  int segment_min_pixels = 4;
  double s1_looks = 4.4;
  int min_observations = 6;
  int min_days_after_onset = 10;
  double flooded_z = 1.5;
  double event_z = 3.5;
  int max_event_days = 24;
  int max_gap_days = 14;
  double max_gap_factor = 1.6;
  double min_flood_contrast_db = 3.0;
  double onset_margin_db = 2.0;
  double onset_drop_db = 2.0;
  double harvest_drop_db = 3.0;
  double closure_fraction = 0.4;

  // [methane] — IPCC 2019 Refinement Vol. 4 Ch. 5.5 defaults; the
  // province may set national Tier 2 factors (e.g. Vietnam North, early
  // season 2.21 kg CH4/ha/d; Climate 8(6):74, 2020) with their source.
  double ef_c = 1.22;
  std::vector<double> ef_c_range = {0.83, 1.81};
  std::string ef_c_source = "IPCC 2019 Refinement Vol. 4 Table 5.11, South-East Asia";
  std::vector<double> sf_w = {1.00, 0.71, 0.55};
  std::vector<double> sf_w_low = {0.73, 0.53, 0.41};
  std::vector<double> sf_w_high = {1.27, 0.94, 0.72};
  std::string sf_w_source = "IPCC 2019 Refinement Vol. 4 Table 5.12";
  double sf_p = 1.00;
  std::vector<double> sf_p_range = {0.88, 1.12};
  std::string sf_p_source = "IPCC 2019 Refinement Vol. 4 Table 5.13 (p. 5.55), non-flooded < 180 d before cultivation";
  std::vector<double> amendment_rates;  // t/ha per amendment type (ROA)
  std::vector<double> amendment_cfoa;   // CFOA per type (Table 5.14): straw < 30 d 1.00, > 30 d 0.19, compost 0.17, …
  std::vector<double> amendment_cfoa_low, amendment_cfoa_high;  // their 95 % ranges; empty = exact
  int default_cultivation_days = 102;
  double gwp100 = 28.0;
  int monte_carlo_samples = 2000;
  int monte_carlo_seed = 20261129;
  std::vector<CommuneMethaneOverride> methane_communes;  // [[methane_commune]]
  std::string methane_region;       // region of the province in [[emission_factor]] ("" = IPCC default EF_c)
  std::string methane_season_type;  // season type of this run in [[emission_factor]], e.g. "early" / "late"
  std::vector<EmissionFactorEntry> emission_factors;  // [[emission_factor]]

  // [targets] — the province's plan, for the report's progress lines.
  double target_low_emission_share = 0.70;  // share of rice under low-emission practice
  double target_emission_reduction = 0.15;  // less rice CH4 than the reference year
  int target_reference_year = 2020;
  double reference_ch4_t = 0;  // rice CH4 of the reference year, t (0 = not set)

  // [claims]
  std::string claim_id_field = "claim_id";
  std::string claim_practice_field = "practice";
  double claim_min_rice_fraction = 0.5;
  double claim_min_clear_fraction = 0.5;  // share of a field seen clear for its S2 date to count

  // [sentinel2]
  std::vector<int> s2_usable_scl = {4, 5, 6, 7};

  // [classifier] — crop-type random forest (issue #4)
  std::string samples;  // reference polygons for `paddymrv train`
  int classifier_trees = 100;
  int classifier_max_depth = 20;
  int classifier_seed = 20261129;
  double classifier_validation_fraction = 0.3;
  int classifier_s2_steps = 12;
  int classifier_cloud_dilation = 1;
  int classifier_context_radius = 4;          // a second forest on the radar features' guided (2r+1)² means; 0 = none
  double classifier_context_bandwidth = 0.1;  // …weighing e⁻¹ at this RMS difference of the S2 index series
  int classifier_max_pixels_per_polygon = 400;
  int classifier_majority_window = 9;  // k×k mode filter of the crop map; 0/1 = off (default: tuning seeds, docs)
  std::string classifier_majority_of = "guided";  // "guided" (tree votes weighted by S2 likeness, default: tuning seeds), "votes" or "classes"
  double classifier_guide_bandwidth = 0.1;        // "guided": RMS difference of the S2 index series weighing e⁻¹
  // Field-level voting: tree votes pooled inside segments of the S2 index
  // series (kernels/segment_vote.hpp), on grid-aligned tiles; 0 = off.
  int classifier_segment_tile = 0;
  double classifier_segment_max_cost = 16.0;  // Ward cost per value, in units of the tile's neighbour noise (tuning seeds)
  int classifier_segment_max_pixels = 1024;
  int classifier_segment_min_pixels = 4;  // smaller segments keep their pixels' own votes
  std::string classifier_segment_mode = "pool";  // "pool": votes pooled per segment before the filter (tuning seeds); "vote": segments vote after it

  // [engine]
  int threads = 0;
  int blocks_in_flight = 0;
  // GDAL's block cache. A block's halo reaches into the neighbouring input
  // tiles, which GDAL decodes whole: with 256 MiB the next block found them
  // evicted and bench-m decoded its inputs ≈ 2.7 times (libdeflate samples);
  // 1 GiB keeps a row of blocks' tiles on grids ≈ 1,600 px wide (decode ≈ 1×,
  // 1-thread wall −4…−10 % on this noisy VM, peak RSS +570 MiB). Wider grids
  // keep the previous block's tiles only (docs/performance.md).
  int gdal_cache_mb = 1024;
  std::string cache_dir;  // scene-window cache (scene_cache.hpp); "" = off

  // [output]
  std::string out = "result.h5";
  int map_chunk = 256;
  int compression_level = 4;

  // [[classes]]
  std::vector<CropClass> classes = default_classes();

  static std::vector<CropClass> default_classes();
  // Resolves a path from the config against base_dir (absolute, /vsi… kept).
  std::filesystem::path resolve(const std::string& path) const;
};

}  // namespace paddymrv
