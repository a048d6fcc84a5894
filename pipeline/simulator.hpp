#pragma once
// `paddymrv simulate`: a seeded, deterministic season simulator. It writes a
// complete input set in the input contract (DESIGN §3) — STAC items with
// Sentinel-1 and Sentinel-2 COGs, communes, reference samples, claims, a
// ready paddymrv.toml — plus the ground truth the pipeline's results are
// checked against (truth/). Same parameters and seed → byte-identical files.
//
// The parameters are declared once, in the table of sim_params.cpp, which
// feeds set_param (--set key=value), describe_params (--list-params) and
// the simulation.toml written with every run.
#include <cstdint>
#include <filesystem>
#include <string>

namespace paddymrv::sim {

// Bumped whenever the same parameters make different files (a truth table
// computed otherwise, a new asset): tools that cache simulated seasons key
// them on it. 2: observability.csv counts only passes that covered a field.
inline constexpr int kOutputVersion = 2;

struct SimulationParams {
  std::uint64_t seed = 42;

  // Analysis grid (= truth grid), EPSG:32648, 10 m, north-up.
  int width = 400;                 // pixels
  int height = 300;                // pixels
  double origin_x = 380000;        // top-left corner, multiple of 20 m
  double origin_y = 2490000;

  // Season.
  std::string season_name = "2026-spring";
  std::string season_start = "2026-02-01";
  std::string season_end = "2026-06-15";

  // Landscape.
  int n_communes = 4;
  double rice_fraction = 0.4;  // share of the area in rice
  int zone_min_px = 30;        // landscape blocks of one land use
  int zone_max_px = 100;
  int rice_field_min_px = 3;   // rice terraces: ~0.1–0.6 ha
  int rice_field_max_px = 8;
  int crop_field_min_px = 6;   // other crop fields
  int crop_field_max_px = 25;
  double path_fraction = 0.25;  // share of zone boundaries carrying a 1-px path or road

  // Harder landscapes (issue #4: "per-field variability, crops whose
  // canopies differ only subtly in spectrum"); 0 = off, the default
  // seasons stay byte-identical.
  double field_spectral_sd = 0;        // 1σ of per-field log gains of canopy (VIS, NIR, SWIR) and soil reflectance
  double field_phenology_sd_days = 0;  // 1σ of a per-field shift of non-rice phenology, days
  double canopy_similarity = 0;        // 0 … 1: pulls non-rice crop/tree leaf spectra toward their mean

  // Rice water management.
  double awd_fraction = 0.35;              // multiple drainage (AWD)
  double single_drainage_fraction = 0.25;  // the rest is continuously flooded
  int transplant_first_day = 8;            // days after season start
  int transplant_last_day = 32;
  int crop_duration_min_days = 95;
  int crop_duration_max_days = 112;
  int first_drainage_min_days = 21;
  int drainage_min_days = 5;
  int drainage_max_days = 15;
  int reflood_min_days = 6;
  int awd_min_events = 2;
  int awd_max_events = 4;
  int end_drainage_min_days = 10;
  int end_drainage_max_days = 18;

  // Sentinel-1.
  int s1_revisit_days = 6;
  double s1_enl = 4.5;
  double s1_missing_prob = 0.08;
  double s1_partial_prob = 0.12;
  int s1_relative_orbit = 91;

  // Sentinel-2.
  int s2_revisit_days = 5;
  double s2_missing_prob = 0.03;
  double cloud_cover_mean = 0.35;
  double s2_noise = 0.005;  // reflectance noise (1σ)
  std::string s2_asset_names = "esa";

  // Vector inputs.
  double reference_fraction = 0.15;
  int reference_min_per_class = 6;
  double validation_fraction = 0.3;
  int validation_points = 0;  // > 0: reference_points.geojson, a probability sample for the area intervals
  double claim_fraction = 0.3;        // share of AWD fields that file a claim
  double false_claim_fraction = 0.15;  // share of AWD claims that are false
  double cf_claim_fraction = 0.05;     // share of CF fields that file a CF claim

  // Output.
  bool cog_overviews = true;
};

// "demo", "bench-s", "bench-m", "bench-l"; ConfigError on an unknown name.
SimulationParams preset(const std::string& name);

// Applies `--set key=value`. ConfigError on an unknown key or a bad value.
void set_param(SimulationParams& params, const std::string& key, const std::string& value);

// Cross-parameter checks (ranges that depend on each other, dates).
// ConfigError naming the parameters.
void validate_params(const SimulationParams& params);

// A table: key, value, documentation (for --list-params).
std::string describe_params(const SimulationParams& params);

// Every parameter as TOML, with its documentation as a comment.
std::string params_to_toml(const SimulationParams& params);

// Reads a simulation.toml written by an earlier run on top of `params`.
// ConfigError on unknown keys or bad values.
void load_params_toml(SimulationParams& params, const std::filesystem::path& file);

struct SimulationSummary {
  int width = 0, height = 0;
  int n_s1_items = 0, n_s2_items = 0;
  int n_fields = 0;
  int n_communes = 0;
};

// Writes the whole season into out_dir (created; existing files replaced).
SimulationSummary simulate(const SimulationParams& params, const std::filesystem::path& out_dir);

}  // namespace paddymrv::sim
