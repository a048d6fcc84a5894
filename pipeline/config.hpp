#pragma once
// The effective configuration of a run. Every field is declared exactly once
// in the parameter table (pipeline/parameters.hpp) with its TOML key,
// command-line flag, type, default and documentation; the config file, the
// command line, `--help`, `paddymrv config` and the result's `config_toml`
// attribute are all generated from that table.
#include <filesystem>
#include <string>
#include <vector>

namespace paddymrv {

struct CropClass {
  int code = 0;
  std::string name;
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

  // [communes]
  std::string commune_code_field = "commune_code";
  std::string commune_name_field = "commune_name";

  // [sentinel1]
  std::string s1_resampling = "nearest";

  // [water_regime]
  std::string rice_mask = "sentinel1";
  double min_canopy_rise_db = 4.0;
  int speckle_window = 5;
  double s1_looks = 4.4;
  int min_observations = 6;
  int min_days_after_onset = 10;
  double flooded_z = 1.5;
  double event_z = 3.5;
  int max_event_days = 24;
  int max_gap_days = 14;

  // [claims]
  std::string claim_id_field = "claim_id";
  std::string claim_practice_field = "practice";
  double claim_min_rice_fraction = 0.5;

  // [sentinel2]
  std::vector<int> s2_usable_scl = {4, 5, 6, 7};

  // [engine]
  int threads = 0;
  int blocks_in_flight = 0;
  int gdal_cache_mb = 256;

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
