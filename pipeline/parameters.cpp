#include "pipeline/toml_text.hpp"
#include "pipeline/parameters.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"

namespace paddymrv {

std::vector<CropClass> Config::default_classes() {
  // Fixed codes of the province's crop programme (DESIGN §3): reference
  // files, models and results stay comparable across configs.
  return {{1, "rice"},         {2, "vegetables"}, {3, "tea"},
          {4, "temperate_fruit"}, {5, "medicinal"}, {6, "banana_pineapple"},
          {7, "citrus"},       {8, "maize_cassava"}, {9, "forest"},
          {10, "water"},       {11, "built_up"},   {12, "other"}};
}

std::filesystem::path Config::resolve(const std::string& path) const {
  if (path.empty()) return {};
  if (path.rfind("/vsi", 0) == 0) return path;
  const std::filesystem::path p(path);
  return p.is_absolute() ? p : base_dir / p;
}

namespace {



// Typed readers shared by TOML and text front ends.
std::string toml_string(const toml::node& n) {
  if (auto s = n.value<std::string>()) return *s;
  if (n.is_date()) {  // allow unquoted TOML dates for season bounds
    const auto& d = *n.as_date();
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.get().year, d.get().month, d.get().day);
    return buf;
  }
  throw std::invalid_argument("expected a string");
}
long long toml_int(const toml::node& n) {
  if (!n.is_integer()) throw std::invalid_argument("expected an integer");
  return *n.value<long long>();
}
double toml_double(const toml::node& n) {
  if (!n.is_number()) throw std::invalid_argument("expected a number");
  return *n.value<double>();
}

int to_int(long long v) {
  if (v < INT32_MIN || v > INT32_MAX) throw std::invalid_argument("integer out of range");
  return static_cast<int>(v);
}

int parse_int(const std::string& s) {
  std::size_t used = 0;
  const long long v = std::stoll(s, &used);
  if (used != s.size()) throw std::invalid_argument("expected an integer, got '" + s + "'");
  return to_int(v);
}
double parse_double(const std::string& s) {
  std::size_t used = 0;
  const double v = std::stod(s, &used);
  if (used != s.size()) throw std::invalid_argument("expected a number, got '" + s + "'");
  return v;
}
template <class T, class F>
std::vector<T> parse_list(const std::string& s, F parse_one) {
  std::vector<T> out;
  std::string item;
  std::istringstream is(s);
  while (std::getline(is, item, ',')) {
    if (!item.empty()) out.push_back(parse_one(item));
  }
  return out;
}

// Parameter factories: one per field type, binding a Config member.
Parameter string_param(std::string key, std::string flag, std::string doc, std::string Config::*m,
                       std::string type = "string") {
  return {std::move(key), std::move(flag), std::move(type), std::move(doc),
          [m](Config& c, const toml::node& n) { c.*m = toml_string(n); },
          [m](Config& c, const std::string& s) { c.*m = s; },
          [m](const Config& c) { return toml_quote(c.*m); }};
}
Parameter int_param(std::string key, std::string flag, std::string doc, int Config::*m) {
  return {std::move(key), std::move(flag), "int", std::move(doc),
          [m](Config& c, const toml::node& n) { c.*m = to_int(toml_int(n)); },
          [m](Config& c, const std::string& s) { c.*m = parse_int(s); },
          [m](const Config& c) { return std::to_string(c.*m); }};
}
Parameter double_param(std::string key, std::string flag, std::string doc, double Config::*m) {
  return {std::move(key), std::move(flag), "float", std::move(doc),
          [m](Config& c, const toml::node& n) { c.*m = toml_double(n); },
          [m](Config& c, const std::string& s) { c.*m = parse_double(s); },
          [m](const Config& c) { return toml_float(c.*m); }};
}
Parameter doubles_param(std::string key, std::string flag, std::string doc,
                        std::vector<double> Config::*m) {
  return {std::move(key), std::move(flag), "list of float", std::move(doc),
          [m](Config& c, const toml::node& n) {
            const auto* a = n.as_array();
            if (!a) throw std::invalid_argument("expected an array of numbers");
            (c.*m).clear();
            for (const auto& e : *a) (c.*m).push_back(toml_double(e));
          },
          [m](Config& c, const std::string& s) { c.*m = parse_list<double>(s, parse_double); },
          [m](const Config& c) {
            std::string out = "[";
            for (std::size_t i = 0; i < (c.*m).size(); ++i)
              out += (i ? ", " : "") + toml_float((c.*m)[i]);
            return out + "]";
          }};
}
Parameter ints_param(std::string key, std::string flag, std::string doc, std::vector<int> Config::*m) {
  return {std::move(key), std::move(flag), "list of int", std::move(doc),
          [m](Config& c, const toml::node& n) {
            const auto* a = n.as_array();
            if (!a) throw std::invalid_argument("expected an array of integers");
            (c.*m).clear();
            for (const auto& e : *a) (c.*m).push_back(to_int(toml_int(e)));
          },
          [m](Config& c, const std::string& s) { c.*m = parse_list<int>(s, parse_int); },
          [m](const Config& c) {
            std::string out = "[";
            for (std::size_t i = 0; i < (c.*m).size(); ++i)
              out += (i ? ", " : "") + std::to_string((c.*m)[i]);
            return out + "]";
          }};
}

std::vector<Parameter> build_parameters() {
  return {
      string_param("season.name", "season-name",
                   "Name of the rice season this run covers (e.g. 2026-spring); stored in the result.",
                   &Config::season_name),
      string_param("season.start", "season-start",
                   "First day of the season, ISO date. Lào Cai: spring crop Feb–Jun, main crop Jun–Oct.",
                   &Config::season_start, "date"),
      string_param("season.end", "season-end",
                   "Last day of the season (inclusive), ISO date. A result is provisional until it has passed.",
                   &Config::season_end, "date"),
      int_param("season.lookback_days", "season-lookback-days",
                "Days before season.start whose scenes are still used (crop features); older ones are skipped.",
                &Config::season_lookback_days),
      string_param("grid.crs", "grid-crs",
                   "CRS of the analysis grid (any definition GDAL accepts). Lào Cai lies in UTM zone 48N.",
                   &Config::grid_crs),
      double_param("grid.resolution", "grid-resolution",
                   "Pixel size of the analysis grid in CRS units (m); 10 m matches Sentinel-2's finest bands.",
                   &Config::grid_resolution),
      doubles_param("grid.extent", "grid-extent",
                    "xmin, ymin, xmax, ymax in grid CRS; empty = the communes' bounds snapped outward to the resolution.",
                    &Config::grid_extent),
      int_param("grid.block_size", "block-size",
                "Side of a processing block in pixels; a block with its whole time stack is the unit of work.",
                &Config::block_size),
      string_param("inputs.items", "items",
                   "STAC ItemCollection (items.json) listing the season's Sentinel-1 and Sentinel-2 scenes.",
                   &Config::items, "path"),
      string_param("inputs.communes", "communes",
                   "Commune polygons (any OGR vector) with code and name fields.", &Config::communes, "path"),
      string_param("inputs.claims", "claims",
                   "AWD adoption claims, one polygon per field with claim_id and practice (optional).",
                   &Config::claims, "path"),
      string_param("inputs.model", "model", "Crop classifier model file written by `paddymrv train` (optional).",
                   &Config::model, "path"),
      int_param("inputs.allow_network", "allow-network",
                "1 = scene hrefs may be network paths (http, s3, /vsicurl…); 0 (default) = such scenes are "
                "quarantined, so a catalogue can never make the nightly job reach the network.",
                &Config::allow_network),
      string_param("communes.code_field", "commune-code-field", "Attribute holding the commune code.",
                   &Config::commune_code_field),
      string_param("communes.name_field", "commune-name-field", "Attribute holding the commune name (UTF-8).",
                   &Config::commune_name_field),
      string_param("sentinel1.resampling", "s1-resampling",
                   "nearest | bilinear. Nearest keeps each pixel's gamma speckle statistics and never mixes a "
                   "flooded field with its neighbour across a bund.",
                   &Config::s1_resampling),
      string_param("water_regime.rice_mask", "rice-mask",
                   "Where water regimes are decided: 'sentinel1' = paddies the radar sees flooded and then "
                   "growing (an S1-only rice detector, until the crop classifier exists), or a GeoTIFF of class "
                   "codes on any grid (1 = rice), e.g. the simulator's truth/crop_class.tif.",
                   &Config::rice_mask, "string or path"),
      double_param("water_regime.min_canopy_rise_db", "",
                   "S1 rice detector: VH must rise this much from the flooded level as the crop grows (dB).",
                   &Config::min_canopy_rise_db),
      int_param("water_regime.speckle_window", "",
                "Window of the multi-temporal speckle filter (Quegan & Yu 2001) for the per-pixel maps, odd px.",
                &Config::speckle_window),
      int_param("water_regime.segment_tile", "",
                "Maps decide regimes per segment: rice pixels sharing one radar history (a terrace), found by "
                "region merging inside tiles of this side (px), aligned to the grid so that segments never depend "
                "on where blocks are cut (grid.block_size is rounded up to a multiple). 0 = per pixel.",
                &Config::segment_tile),
      double_param("water_regime.segment_max_cost", "",
                   "Segments merge while Ward's cost per compared value stays below this many times one pixel's "
                   "speckle variance (≈ 1 between two halves of one field; 2 = the default, see "
                   "kernels/series_segmentation.hpp).",
                   &Config::segment_max_cost),
      int_param("water_regime.segment_max_pixels", "", "Largest segment (px): a field, not a valley.",
                &Config::segment_max_pixels),
      int_param("water_regime.segment_min_pixels", "",
                "Segments smaller than this keep the per-pixel decision on the speckle-filtered series.",
                &Config::segment_min_pixels),
      double_param("water_regime.s1_looks", "",
                   "Equivalent number of looks of one Sentinel-1 pixel (GRD IW ≈ 4.4, ESA product definition).",
                   &Config::s1_looks),
      int_param("water_regime.min_observations", "", "Usable radar dates a pixel or field needs in the season.",
                &Config::min_observations),
      int_param("water_regime.min_days_after_onset", "",
                "Rises earlier than this after flood onset are land preparation, not drainage (days).",
                &Config::min_days_after_onset),
      double_param("water_regime.flooded_z", "",
                   "A date within this many σ of the field's flooded envelope counts as flooded.",
                   &Config::flooded_z),
      double_param("water_regime.event_z", "",
                   "A drainage event needs a date this many σ above the flooded envelope (and above its flooded "
                   "neighbours); higher = fewer false drainages, the costly error in MRV.",
                   &Config::event_z),
      int_param("water_regime.max_event_days", "",
                "Longest observed dry run still taken as one aeration period (days).", &Config::max_event_days),
      int_param("water_regime.max_gap_days", "",
                "A gap between radar dates longer than this (and max_gap_factor × the usual spacing) in the drainage window "
                "makes 'continuously flooded' undeterminable.",
                &Config::max_gap_days),
      double_param("water_regime.max_gap_factor", "",
                   "…and longer than this many times the series' median spacing of dates (both must hold).",
                   &Config::max_gap_factor),
      double_param("water_regime.min_flood_contrast_db", "",
                   "A series counts as ever flooded only if its flooded dates are this much darker than its "
                   "season median (dB, VH).",
                   &Config::min_flood_contrast_db),
      double_param("water_regime.onset_margin_db", "",
                   "Flood onset: the first date within this of the series' darkest level (or 3σ of its "
                   "speckle, whichever is larger), dB.",
                   &Config::onset_margin_db),
      double_param("water_regime.onset_drop_db", "",
                   "…and this far below the dates before it, if any (land preparation → standing water), dB.",
                   &Config::onset_drop_db),
      double_param("water_regime.harvest_drop_db", "",
                   "Harvest: VH this far below its seasonal peak on every date to the end (stubble), dB.",
                   &Config::harvest_drop_db),
      double_param("water_regime.closure_fraction", "",
                   "Canopy closure for drainage evidence: the flooded level at this share of its rise from onset "
                   "to peak. After it a dry spell changes a small field's mean by less than its speckle, so a gap "
                   "there cannot hide a drainage the radar could have shown (chosen on seeds 2001/2002).",
                   &Config::closure_fraction),
      double_param("methane.ef_c", "",
                   "Baseline emission factor EF_c, continuously flooded without organic amendments, kg CH4/ha/day.",
                   &Config::ef_c),
      doubles_param("methane.ef_c_range", "", "95 % range of EF_c (low, high) for the Monte Carlo interval.",
                    &Config::ef_c_range),
      string_param("methane.ef_c_source", "", "Where EF_c comes from (stored with the result).", &Config::ef_c_source),
      doubles_param("methane.sf_w", "",
                    "Water-regime scaling factors SF_w: continuously flooded, single drainage, multiple drainage.",
                    &Config::sf_w),
      doubles_param("methane.sf_w_low", "", "Lower ends of the SF_w ranges, same order.", &Config::sf_w_low),
      doubles_param("methane.sf_w_high", "", "Upper ends of the SF_w ranges, same order.", &Config::sf_w_high),
      string_param("methane.sf_w_source", "", "Where SF_w comes from.", &Config::sf_w_source),
      double_param("methane.sf_p", "",
                   "Pre-season water regime scaling factor SF_p (Table 5.13: non-flooded < 180 d 1.00, > 180 d 0.89, "
                   "flooded > 30 d 2.41, non-flooded > 365 d 0.59).",
                   &Config::sf_p),
      doubles_param("methane.sf_p_range", "",
                    "95 % range of SF_p (low, high); Table 5.13: 0.88–1.12, 0.80–0.99, 2.13–2.73, 0.41–0.84.",
                    &Config::sf_p_range),
      string_param("methane.sf_p_source", "", "Where SF_p comes from.", &Config::sf_p_source),
      doubles_param("methane.amendment_rates", "",
                    "Organic amendments applied, t/ha per type (ROA of Eq. 5.3); empty = none.",
                    &Config::amendment_rates),
      doubles_param("methane.amendment_cfoa", "",
                    "Conversion factor CFOA of each amendment type (Table 5.14, p. 5.56: straw < 30 d 1.00, straw > 30 d "
                    "0.19, compost 0.17, farmyard manure 0.21, green manure 0.45).",
                    &Config::amendment_cfoa),
      doubles_param("methane.amendment_cfoa_low", "",
                    "Lower ends of the 95 % ranges of amendment_cfoa, same order (Table 5.14: 0.85, 0.11, 0.09, 0.15, "
                    "0.36 in the order above); empty = CFOA taken as exact in the Monte Carlo (the notes say so).",
                    &Config::amendment_cfoa_low),
      doubles_param("methane.amendment_cfoa_high", "", "Upper ends of the CFOA ranges, same order (Table 5.14: 1.17, 0.28, 0.29, 0.28, 0.57).",
                    &Config::amendment_cfoa_high),
      int_param("methane.default_cultivation_days", "",
                "Cultivation period where the radar does not show the harvest (IPCC Table 5.11A, SE Asia: 102).",
                &Config::default_cultivation_days),
      double_param("methane.gwp100", "gwp100", "GWP100 of CH4: 28 (AR5, UNFCCC and VCS reporting) or 27.0 (AR6).",
                   &Config::gwp100),
      int_param("methane.monte_carlo_samples", "", "Draws of the factor Monte Carlo for the 95 % interval.",
                &Config::monte_carlo_samples),
      int_param("methane.monte_carlo_seed", "", "Seed of that Monte Carlo: same seed, same interval.",
                &Config::monte_carlo_seed),
      string_param("methane.region", "",
                   "Region of the province in the [[emission_factor]] table (e.g. \"north\"); \"\" keeps the IPCC "
                   "default EF_c. A [[methane_commune]] may name its own region.",
                   &Config::methane_region),
      string_param("methane.season_type", "",
                   "Season type of this run in the [[emission_factor]] table (e.g. \"early\" for the spring crop, "
                   "\"late\" for the main crop).",
                   &Config::methane_season_type),
      double_param("targets.low_emission_share", "",
                   "Planned share of the rice area under low-emission practice (multiple drainage), 0–1.",
                   &Config::target_low_emission_share),
      double_param("targets.emission_reduction", "",
                   "Planned reduction of rice CH4 against the reference year, 0–1 (province plan: 0.15).",
                   &Config::target_emission_reduction),
      int_param("targets.reference_year", "", "Year of the reference emission.", &Config::target_reference_year),
      double_param("targets.reference_ch4_t", "",
                   "Rice CH4 of the reference year in t for the whole area (0 = not set: no progress line).",
                   &Config::reference_ch4_t),
      string_param("claims.id_field", "claim-id-field", "Attribute holding the claim id.", &Config::claim_id_field),
      string_param("claims.practice_field", "claim-practice-field",
                   "Attribute holding the claimed practice (AWD, CF, …).", &Config::claim_practice_field),
      double_param("claims.min_rice_fraction", "",
                   "Share of a claimed field that must be rice for a verdict other than insufficient_data.",
                   &Config::claim_min_rice_fraction),
      double_param("claims.min_clear_fraction", "",
                   "Share of a claimed field's pixels that must be clear (SCL in sentinel2.usable_scl) for a "
                   "Sentinel-2 date to count as a view of the field: its NDVI/LSWI means are then stored in "
                   "/claims/optical and drawn on the evidence picture.",
                   &Config::claim_min_clear_fraction),
      ints_param("sentinel2.usable_scl", "s2-usable-scl",
                 "SCL classes that count as a clear view (ESA L2A: 4 vegetation, 5 bare, 6 water, 7 unclassified).",
                 &Config::s2_usable_scl),
      // [classifier]: the crop-type random forest (issue #4; docs/crop_classification.md)
      string_param("classifier.samples", "samples",
                   "Reference polygons (OGR) with an integer `class` and optional `split` = train | validation, "
                   "read by `paddymrv train`.",
                   &Config::samples, "path"),
      int_param("classifier.trees", "trees", "Trees of the random forest (cv::ml::RTrees).", &Config::classifier_trees),
      int_param("classifier.max_depth", "", "Maximum depth of each tree.", &Config::classifier_max_depth),
      int_param("classifier.seed", "classifier-seed",
                "Seed of the train/validation split by polygon and of the forest: same seed, same model.",
                &Config::classifier_seed),
      double_param("classifier.validation_fraction", "validation-fraction",
                   "Share of the reference polygons of each class held out for validation when they carry no "
                   "`split` (whole polygons, never parts).",
                   &Config::classifier_validation_fraction),
      int_param("classifier.s2_steps", "",
                "Regular time steps of the Sentinel-2 index profiles over the season (composite + gap filling).",
                &Config::classifier_s2_steps),
      int_param("classifier.cloud_dilation", "",
                "Pixels around SCL cloud/shadow (3, 8, 9, 10) that are masked too.", &Config::classifier_cloud_dilation),
      int_param("classifier.context_radius", "",
                "Field context of the radar features, set at `train` and stored in the model (run applies the "
                "model's): with r > 0 the model is two forests whose votes are summed, one on each pixel's own "
                "features and one where its Sentinel-1 features are their mean over the (2r+1)² pixels around "
                "it, weighted by how alike their Sentinel-2 index series are (context_bandwidth), so a pixel also "
                "gets its field's radar signature instead of its own speckle. 0 = the pixel forest alone. 4 was "
                "chosen on tuning seasons (docs/crop_classification.md, \"Field context\").",
                &Config::classifier_context_radius),
      double_param("classifier.context_bandwidth", "",
                   "With context_radius > 0: a neighbour whose NDVI/LSWI/NDRE series differ from the pixel's by "
                   "this much (root mean square) weighs e⁻¹ in the mean of the radar features.",
                   &Config::classifier_context_bandwidth),
      int_param("classifier.max_pixels_per_polygon", "",
                "At most this many training pixels per reference polygon (evenly spaced), so large fields do "
                "not dominate the forest.",
                &Config::classifier_max_pixels_per_polygon),
      int_param("classifier.majority_window", "majority-window",
                "Side k (odd) of the k×k majority filter applied to the crop map by `run --model`; 0 or 1 = off. "
                "A pixel takes a neighbouring class only when that class has more votes than its own; blocks are "
                "read with a k/2 halo, so the map does not depend on block size (docs/crop_classification.md).",
                &Config::classifier_majority_window),
      string_param("classifier.majority_of", "majority-of",
                   "What the majority filter counts: \"classes\" (one vote per pixel), \"votes\" (the sum of "
                   "the forest's tree votes over the window, so unsure pixels follow confident neighbours) or "
                   "\"guided\" (tree votes weighted by how alike the Sentinel-2 index series of the two pixels are, "
                   "so a field's pixels vote together and its neighbours little).",
                   &Config::classifier_majority_of),
      double_param("classifier.guide_bandwidth", "",
                   "With majority_of = \"guided\": a neighbour whose NDVI/LSWI/NDRE series differ from the "
                   "pixel's by this much (root mean square) weighs e⁻¹ of its votes.",
                   &Config::classifier_guide_bandwidth),
      int_param("classifier.segment_tile", "segment-tile",
                "Field-level voting: the forest's tree votes are pooled over each segment (pixels of one field, "
                "found by region merging on their Sentinel-2 NDVI/LSWI/NDRE series inside grid-aligned tiles of "
                "this side, px; see segment_mode). 0 = off (the default: on held-out seasons it did not raise "
                "the hard margins, docs/crop_classification.md); 64 = the tuned tile. Blocks are classified on "
                "whole tiles, so the map never depends on where blocks are cut.",
                &Config::classifier_segment_tile),
      double_param("classifier.segment_max_cost", "",
                   "Segments merge while Ward's cost per compared value stays below this many times the tile's "
                   "neighbour noise variance of the index series (kernels/series_segmentation.hpp).",
                   &Config::classifier_segment_max_cost),
      int_param("classifier.segment_max_pixels", "", "Largest segment of the crop map's voting (px).",
                &Config::classifier_segment_max_pixels),
      int_param("classifier.segment_min_pixels", "",
                "Segments smaller than this keep their pixels' own votes and classes.",
                &Config::classifier_segment_min_pixels),
      string_param("classifier.segment_mode", "",
                   "\"vote\": each segment's summed tree votes decide all its pixels, after the majority filter; "
                   "\"pool\": each pixel's tree votes are replaced by its segment's mean before the majority filter, "
                   "which then weighs fields' evidence.",
                   &Config::classifier_segment_mode),
      int_param("engine.threads", "threads", "Worker threads; 0 = all cores. Results do not depend on it.",
                &Config::threads),
      int_param("engine.blocks_in_flight", "blocks-in-flight",
                "Blocks processed at once (bounds memory); 0 = 2 × threads.", &Config::blocks_in_flight),
      int_param("engine.gdal_cache_mb", "gdal-cache-mb", "GDAL block cache in MiB (counts in the memory budget). Input tiles a block's halo shares with "
                "the next block are decoded once only if they are still cached.",
                &Config::gdal_cache_mb),
      string_param("engine.cache_dir", "cache-dir",
                   "Folder of the scene-window cache for incremental nights: the decoded, grid-aligned windows of "
                   "each scene asset, keyed by its SHA-256 and the grid, so that a night with one new scene decodes "
                   "only that one. Results are byte-identical with or without it. Entries a successful run did not "
                   "use are deleted at its end; one folder per nightly job. Empty = no cache.",
                   &Config::cache_dir, "path"),
      string_param("output.path", "out", "Result HDF5 file; written to a temporary name and renamed into place.",
                   &Config::out, "path"),
      int_param("output.map_chunk", "", "HDF5 chunk side of the maps in pixels.", &Config::map_chunk),
      int_param("output.compression_level", "", "Deflate level 0–9 of the maps.", &Config::compression_level),
  };
}

void read_classes(Config& c, const toml::node& n) {
  const auto* arr = n.as_array();
  if (!arr) throw std::invalid_argument("expected an array of tables [[classes]]");
  c.classes.clear();
  for (const auto& e : *arr) {
    const auto* t = e.as_table();
    if (!t || !(*t)["code"] || !(*t)["name"]) {
      throw std::invalid_argument("each [[classes]] entry needs code and name");
    }
    c.classes.push_back({to_int(toml_int(*(*t)["code"].node())), toml_string(*(*t)["name"].node())});
  }
}

std::vector<double> toml_doubles(const toml::node* n) {
  std::vector<double> out;
  if (!n) return out;
  const auto* a = n->as_array();
  if (!a) throw std::invalid_argument("expected an array of numbers");
  for (const auto& e : *a) out.push_back(toml_double(e));
  return out;
}

void read_methane_communes(Config& c, const toml::node& n) {
  const auto* arr = n.as_array();
  if (!arr) throw std::invalid_argument("expected an array of tables [[methane_commune]]");
  c.methane_communes.clear();
  for (const auto& e : *arr) {
    const auto* t = e.as_table();
    if (!t || !(*t)["code"]) throw std::invalid_argument("each [[methane_commune]] needs a code");
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      if (key != "code" && key != "region" && key != "amendment_rates" && key != "amendment_cfoa" &&
          key != "amendment_cfoa_low" && key != "amendment_cfoa_high" && key != "source")
        throw std::invalid_argument("unknown key '" + key + "' in [[methane_commune]]");
    }
    CommuneMethaneOverride o;
    o.code = toml_string(*(*t)["code"].node());
    o.amendment_rates = toml_doubles((*t)["amendment_rates"].node());
    o.amendment_cfoa = toml_doubles((*t)["amendment_cfoa"].node());
    o.amendment_cfoa_low = toml_doubles((*t)["amendment_cfoa_low"].node());
    o.amendment_cfoa_high = toml_doubles((*t)["amendment_cfoa_high"].node());
    if ((*t)["region"]) o.region = toml_string(*(*t)["region"].node());
    if ((*t)["source"]) o.source = toml_string(*(*t)["source"].node());
    c.methane_communes.push_back(std::move(o));
  }
}

void read_emission_factors(Config& c, const toml::node& n) {
  const auto* arr = n.as_array();
  if (!arr) throw std::invalid_argument("expected an array of tables [[emission_factor]]");
  c.emission_factors.clear();
  for (const auto& e : *arr) {
    const auto* t = e.as_table();
    if (!t) throw std::invalid_argument("expected an array of tables [[emission_factor]]");
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      if (key != "region" && key != "season_type" && key != "ef_c" && key != "ef_c_range" && key != "source")
        throw std::invalid_argument("unknown key '" + key + "' in [[emission_factor]]");
    }
    for (const char* key : {"region", "season_type", "ef_c", "ef_c_range", "source"})
      if (!(*t)[key]) throw std::invalid_argument(std::string("each [[emission_factor]] needs ") + key);
    EmissionFactorEntry f;
    f.region = toml_string(*(*t)["region"].node());
    f.season_type = toml_string(*(*t)["season_type"].node());
    f.ef_c = toml_double(*(*t)["ef_c"].node());
    f.ef_c_range = toml_doubles((*t)["ef_c_range"].node());
    f.source = toml_string(*(*t)["source"].node());
    c.emission_factors.push_back(std::move(f));
  }
}

void collect_leaf_keys(const toml::table& t, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (key == "classes" || key == "methane_commune" || key == "emission_factor") {
      out.push_back(key);
    } else if (const auto* sub = v.as_table()) {
      collect_leaf_keys(*sub, key, out);
    } else {
      out.push_back(key);
    }
  }
}

}  // namespace

const std::vector<Parameter>& parameters() {
  static const std::vector<Parameter> table = build_parameters();
  return table;
}

namespace {

// The config from TOML text (or the defaults when text is null); config_path
// names it in messages and its folder resolves relative paths.
Config load_config_from(const std::string& config_path, const std::string* text,
                        const std::map<std::string, std::string>& overrides) {
  Config c;
  if (text) {
    const std::filesystem::path path(config_path);
    toml::table tbl;
    try {
      tbl = toml::parse(*text, config_path);
    } catch (const toml::parse_error& e) {
      std::ostringstream os;
      os << config_path << ":" << e.source().begin.line << ":" << e.source().begin.column
         << ": invalid TOML: " << e.description();
      throw ConfigError(os.str());
    }
    c.base_dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");

    std::set<std::string> known{"classes", "methane_commune", "emission_factor"};
    for (const auto& p : parameters()) known.insert(p.key);
    std::vector<std::string> keys;
    collect_leaf_keys(tbl, "", keys);
    for (const auto& k : keys) {
      if (!known.count(k)) throw ConfigError(config_path + ": unknown key '" + k + "'");
    }
    for (const auto& p : parameters()) {
      const auto node = tbl.at_path(p.key);
      if (!node) continue;
      try {
        p.from_toml(c, *node.node());
      } catch (const std::exception& e) {
        throw ConfigError(config_path + ": " + p.key + ": " + e.what());
      }
    }
    if (const auto node = tbl["classes"]; node) {
      try {
        read_classes(c, *node.node());
      } catch (const std::exception& e) {
        throw ConfigError(config_path + ": classes: " + e.what());
      }
    }
    if (const auto node = tbl["methane_commune"]; node) {
      try {
        read_methane_communes(c, *node.node());
      } catch (const std::exception& e) {
        throw ConfigError(config_path + ": methane_commune: " + e.what());
      }
    }
    if (const auto node = tbl["emission_factor"]; node) {
      try {
        read_emission_factors(c, *node.node());
      } catch (const std::exception& e) {
        throw ConfigError(config_path + ": emission_factor: " + e.what());
      }
    }
  }
  for (const auto& [flag, value] : overrides) {
    const Parameter* param = nullptr;
    for (const auto& p : parameters()) {
      if (p.flag == flag || p.key == flag) param = &p;
    }
    if (!param) throw ConfigError("unknown option --" + flag);
    try {
      param->from_text(c, value);
    } catch (const std::exception& e) {
      throw ConfigError("--" + flag + " " + value + ": " + e.what());
    }
  }
  try {
    validate(c);
  } catch (const ConfigError& e) {
    if (!text) throw;
    throw ConfigError(config_path + (overrides.empty() ? "" : " (with command-line overrides)") + ": " + e.what());
  }
  return c;
}

}  // namespace

Config load_config(const std::string& config_path, const std::map<std::string, std::string>& overrides) {
  if (config_path.empty()) return load_config_from(config_path, nullptr, overrides);
  std::ifstream in(config_path, std::ios::binary);
  if (!in) throw ConfigError(config_path + ": cannot open the config file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load_config_from(config_path, &text, overrides);
}

Config load_config_text(const std::string& toml_text, const std::string& source_name,
                        const std::map<std::string, std::string>& overrides) {
  return load_config_from(source_name, &toml_text, overrides);
}

namespace {

// CFOA ranges are optional as a pair: none (exact), or one low and one high
// per amendment bracketing its value. Returns what is wrong, "" if nothing.
std::string cfoa_ranges_problem(const std::vector<double>& rates, const std::vector<double>& cfoa,
                                const std::vector<double>& low, const std::vector<double>& high) {
  if (low.empty() && high.empty()) return "";
  if (low.size() != cfoa.size() || high.size() != cfoa.size())
    return "amendment_cfoa_low and amendment_cfoa_high need one value per amendment_cfoa (" +
           std::to_string(cfoa.size()) + "), or neither";
  for (std::size_t a = 0; a < cfoa.size() && a < rates.size(); ++a)
    if (!(low[a] >= 0 && low[a] <= cfoa[a] && cfoa[a] <= high[a]))
      return "CFOA range " + std::to_string(a + 1) + " needs 0 ≤ low ≤ amendment_cfoa ≤ high";
  return "";
}

}  // namespace

void validate(const Config& c) {
  auto fail = [](const std::string& key, const std::string& why) { throw ConfigError(key + ": " + why); };
  // The segment settings of [water_regime] and [classifier] (series_segmentation.hpp).
  auto check_segments = [&](const std::string& table, const std::string& zero_means, int tile, double max_cost,
                            int max_pixels, int min_pixels) {
    if (tile != 0 && (tile < 8 || tile > 1024)) fail(table + ".segment_tile", "must be 0 (" + zero_means + ") or 8–1024");
    if (!(max_cost > 0)) fail(table + ".segment_max_cost", "must be > 0");
    if (max_pixels < 1) fail(table + ".segment_max_pixels", "must be ≥ 1");
    if (min_pixels < 1) fail(table + ".segment_min_pixels", "must be ≥ 1");
  };
  // TOML allows inf and nan; no parameter of ours means either.
  for (const auto& p : parameters()) {
    if (p.type != "float" && p.type != "list of float") continue;
    const std::string v = p.to_toml(c);
    if (v.find("inf") != std::string::npos || v.find("nan") != std::string::npos)
      fail(p.key, "must be a finite number, got " + v);
  }
  const auto start = parse_iso_date(c.season_start);
  const auto end = parse_iso_date(c.season_end);
  if (!start) fail("season.start", "'" + c.season_start + "' is not an ISO date (YYYY-MM-DD)");
  if (!end) fail("season.end", "'" + c.season_end + "' is not an ISO date (YYYY-MM-DD)");
  if (*end < *start) fail("season.end", "is before season.start");
  if (c.season_name.empty()) fail("season.name", "must not be empty");
  if (c.season_lookback_days < 0 || c.season_lookback_days > 366) fail("season.lookback_days", "must be 0–366");
  if (!(c.grid_resolution > 0)) fail("grid.resolution", "must be > 0");
  if (!c.grid_extent.empty()) {
    if (c.grid_extent.size() != 4) fail("grid.extent", "needs 4 numbers: xmin, ymin, xmax, ymax");
    if (!(c.grid_extent[2] > c.grid_extent[0] && c.grid_extent[3] > c.grid_extent[1]))
      fail("grid.extent", "xmax must exceed xmin and ymax ymin");
  }
  if (c.block_size < 16 || c.block_size > 8192) fail("grid.block_size", "must be 16–8192");
  if (c.s1_resampling != "nearest" && c.s1_resampling != "bilinear")
    fail("sentinel1.resampling", "must be nearest or bilinear, got '" + c.s1_resampling + "'");
  for (int s : c.s2_usable_scl)
    if (s < 1 || s > 11)
      fail("sentinel2.usable_scl",
           s == 0 ? "SCL 0 is no data, never usable" : "SCL classes are 0–11, got " + std::to_string(s));
  if (c.speckle_window < 1 || c.speckle_window > 31 || c.speckle_window % 2 == 0)
    fail("water_regime.speckle_window", "must be odd, 1–31");
  check_segments("water_regime", "per pixel", c.segment_tile, c.segment_max_cost, c.segment_max_pixels,
                 c.segment_min_pixels);
  if (!(c.s1_looks >= 1)) fail("water_regime.s1_looks", "must be ≥ 1");
  if (c.min_observations < 3) fail("water_regime.min_observations", "must be ≥ 3");
  if (!(c.event_z > c.flooded_z)) fail("water_regime.event_z", "must exceed water_regime.flooded_z");
  if (!(c.max_gap_factor >= 1)) fail("water_regime.max_gap_factor", "must be ≥ 1");
  for (auto [key, v] : {std::pair{"water_regime.min_flood_contrast_db", c.min_flood_contrast_db},
                        std::pair{"water_regime.onset_margin_db", c.onset_margin_db},
                        std::pair{"water_regime.onset_drop_db", c.onset_drop_db},
                        std::pair{"water_regime.harvest_drop_db", c.harvest_drop_db}})
    if (!(v > 0 && v <= 30)) fail(key, "must be above 0 and at most 30 dB");
  if (!(c.closure_fraction > 0 && c.closure_fraction <= 1)) fail("water_regime.closure_fraction", "must be above 0 and at most 1");
  if (!(c.claim_min_rice_fraction >= 0 && c.claim_min_rice_fraction <= 1))
    fail("claims.min_rice_fraction", "must be 0–1");
  if (!(c.claim_min_clear_fraction > 0 && c.claim_min_clear_fraction <= 1))
    fail("claims.min_clear_fraction", "must be above 0 and at most 1");
  if (!(c.ef_c > 0)) fail("methane.ef_c", "must be > 0");
  auto range_ok = [](const std::vector<double>& r, double v) { return r.size() == 2 && r[0] <= v && v <= r[1]; };
  if (!range_ok(c.ef_c_range, c.ef_c)) fail("methane.ef_c_range", "needs low ≤ ef_c ≤ high");
  if (!range_ok(c.sf_p_range, c.sf_p)) fail("methane.sf_p_range", "needs low ≤ sf_p ≤ high");
  if (c.sf_w.size() != 3 || c.sf_w_low.size() != 3 || c.sf_w_high.size() != 3)
    fail("methane.sf_w", "needs 3 values (CF, single, multiple), and as many lows and highs");
  for (std::size_t k = 0; k < 3; ++k)
    if (!(c.sf_w_low[k] <= c.sf_w[k] && c.sf_w[k] <= c.sf_w_high[k])) fail("methane.sf_w", "each needs low ≤ value ≤ high");
  if (c.amendment_rates.size() != c.amendment_cfoa.size())
    fail("methane.amendment_rates", "needs one CFOA per rate (methane.amendment_cfoa)");
  if (const std::string why = cfoa_ranges_problem(c.amendment_rates, c.amendment_cfoa, c.amendment_cfoa_low,
                                                  c.amendment_cfoa_high);
      !why.empty())
    fail("methane.amendment_cfoa_low", why);
  if (c.default_cultivation_days < 1 || c.default_cultivation_days > 366)
    fail("methane.default_cultivation_days", "must be 1–366");
  if (!(c.gwp100 > 0)) fail("methane.gwp100", "must be > 0");
  if (c.monte_carlo_samples < 100 || c.monte_carlo_samples > 1000000) fail("methane.monte_carlo_samples", "must be 100–1e6");
  if (c.allow_network != 0 && c.allow_network != 1) fail("inputs.allow_network", "must be 0 or 1");
  std::set<std::string> override_codes;
  for (const auto& o : c.methane_communes) {
    if (o.amendment_rates.size() != o.amendment_cfoa.size())
      fail("methane_commune " + o.code, "needs one amendment_cfoa per amendment_rates value");
    if (const std::string why =
            cfoa_ranges_problem(o.amendment_rates, o.amendment_cfoa, o.amendment_cfoa_low, o.amendment_cfoa_high);
        !why.empty())
      fail("methane_commune " + o.code, why);
    if (!override_codes.insert(o.code).second) fail("methane_commune", "code " + o.code + " given twice");
  }
  std::set<std::pair<std::string, std::string>> ef_keys;
  for (const auto& f : c.emission_factors) {
    const std::string name = "emission_factor " + f.region + "/" + f.season_type;
    if (!(f.ef_c > 0)) fail(name, "ef_c must be > 0");
    if (!range_ok(f.ef_c_range, f.ef_c)) fail(name, "ef_c_range needs low ≤ ef_c ≤ high");
    if (f.source.empty()) fail(name, "needs a source (the table or paper it comes from)");
    if (!ef_keys.insert({f.region, f.season_type}).second) fail(name, "given twice");
  }
  auto has_factor = [&](const std::string& region) {
    return ef_keys.count({region, c.methane_season_type}) > 0;
  };
  if (!c.methane_region.empty() && !has_factor(c.methane_region))
    fail("methane.region", "no [[emission_factor]] for region '" + c.methane_region + "' and season_type '" +
                               c.methane_season_type + "'");
  for (const auto& o : c.methane_communes)
    if (!o.region.empty() && !has_factor(o.region))
      fail("methane_commune " + o.code, "no [[emission_factor]] for region '" + o.region + "' and season_type '" +
                                            c.methane_season_type + "'");
  if (!(c.target_low_emission_share >= 0 && c.target_low_emission_share <= 1))
    fail("targets.low_emission_share", "must be 0–1");
  if (!(c.target_emission_reduction >= 0 && c.target_emission_reduction <= 1))
    fail("targets.emission_reduction", "must be 0–1");
  if (!(c.reference_ch4_t >= 0)) fail("targets.reference_ch4_t", "must be ≥ 0");
  if (c.classifier_trees < 1 || c.classifier_trees > 5000) fail("classifier.trees", "must be 1–5000");
  if (c.classifier_max_depth < 1 || c.classifier_max_depth > 64) fail("classifier.max_depth", "must be 1–64");
  if (!(c.classifier_validation_fraction >= 0 && c.classifier_validation_fraction < 1))
    fail("classifier.validation_fraction", "must be in [0, 1)");
  if (c.classifier_s2_steps < 1 || c.classifier_s2_steps > 73) fail("classifier.s2_steps", "must be 1–73");
  if (c.classifier_cloud_dilation < 0 || c.classifier_cloud_dilation > 10) fail("classifier.cloud_dilation", "must be 0–10");
  if (c.classifier_context_radius < 0 || c.classifier_context_radius > 20)
    fail("classifier.context_radius", "must be 0–20");
  if (!(c.classifier_context_bandwidth > 0 && c.classifier_context_bandwidth <= 1))
    fail("classifier.context_bandwidth", "must be in (0, 1]");
  if (c.classifier_max_pixels_per_polygon < 1) fail("classifier.max_pixels_per_polygon", "must be ≥ 1");
  if (c.classifier_majority_window < 0 || c.classifier_majority_window > 15 ||
      (c.classifier_majority_window > 1 && c.classifier_majority_window % 2 == 0))
    fail("classifier.majority_window", "must be 0, 1 or an odd number 3–15");
  if (c.classifier_majority_of != "classes" && c.classifier_majority_of != "votes" &&
      c.classifier_majority_of != "guided")
    fail("classifier.majority_of", "must be \"classes\", \"votes\" or \"guided\"");
  if (!(c.classifier_guide_bandwidth > 0 && c.classifier_guide_bandwidth <= 1))
    fail("classifier.guide_bandwidth", "must be in (0, 1]");
  check_segments("classifier", "off", c.classifier_segment_tile, c.classifier_segment_max_cost,
                 c.classifier_segment_max_pixels, c.classifier_segment_min_pixels);
  if (c.classifier_segment_mode != "vote" && c.classifier_segment_mode != "pool")
    fail("classifier.segment_mode", "must be \"vote\" or \"pool\"");
  if (c.classifier_segment_tile > 0 && c.classifier_segment_mode == "pool" && c.classifier_majority_window > 1 &&
      c.classifier_majority_of == "classes")
    fail("classifier.segment_mode", "\"pool\" pools tree votes: it needs majority_of = \"votes\" or \"guided\"");
  if (c.threads < 0 || c.threads > 1024) fail("engine.threads", "must be 0–1024");
  if (c.blocks_in_flight < 0 || c.blocks_in_flight > 4096) fail("engine.blocks_in_flight", "must be 0–4096");
  if (c.gdal_cache_mb < 16) fail("engine.gdal_cache_mb", "must be ≥ 16");
  if (c.map_chunk < 16 || c.map_chunk > 4096) fail("output.map_chunk", "must be 16–4096");
  if (c.compression_level < 0 || c.compression_level > 9) fail("output.compression_level", "must be 0–9");
  if (c.out.empty()) fail("output.path", "must not be empty");
  std::set<int> codes;
  for (const auto& k : c.classes) {
    if (k.code < 1 || k.code > 254) fail("classes", "code " + std::to_string(k.code) + " outside 1–254");
    if (!codes.insert(k.code).second) fail("classes", "code " + std::to_string(k.code) + " declared twice");
  }
  // The fixed codes must keep their meaning so results stay comparable.
  for (const auto& d : Config::default_classes()) {
    bool found = false;
    for (const auto& k : c.classes) found = found || (k.code == d.code && k.name == d.name);
    if (!found) fail("classes", "the fixed code " + std::to_string(d.code) + " must stay '" + d.name + "'");
  }
}

std::string to_toml(const Config& c) {
  std::ostringstream os;
  os << "# paddymrv effective configuration (every parameter with its value)\n";
  std::string section;
  for (const auto& p : parameters()) {
    const auto dot = p.key.find('.');
    const std::string sec = p.key.substr(0, dot);
    if (sec != section) {
      os << "\n[" << sec << "]\n";
      section = sec;
    }
    os << "# " << p.doc << "\n" << p.key.substr(dot + 1) << " = " << p.to_toml(c) << "\n";
  }
  auto list = [](const std::vector<double>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + toml_float(v[i]);
    return out + "]";
  };
  if (!c.methane_communes.empty()) os << "\n# Communes whose organic amendments differ from [methane] (IPCC Eq. 5.3).\n";
  for (const auto& o : c.methane_communes) {
    os << "[[methane_commune]]\ncode = " << toml_quote(o.code) << (o.region.empty() ? "" : "\nregion = " + toml_quote(o.region)) << "\namendment_rates = " << list(o.amendment_rates)
       << "\namendment_cfoa = " << list(o.amendment_cfoa);
    if (!o.amendment_cfoa_low.empty())
      os << "\namendment_cfoa_low = " << list(o.amendment_cfoa_low) << "\namendment_cfoa_high = " << list(o.amendment_cfoa_high);
    os << "\nsource = " << toml_quote(o.source) << "\n";
  }
  if (!c.emission_factors.empty())
    os << "\n# National (Tier 2) EF_c per region and season type; replaces methane.ef_c where it applies.\n";
  for (const auto& f : c.emission_factors) {
    os << "[[emission_factor]]\nregion = " << toml_quote(f.region) << "\nseason_type = " << toml_quote(f.season_type)
       << "\nef_c = " << toml_float(f.ef_c) << "\nef_c_range = " << list(f.ef_c_range)
       << "\nsource = " << toml_quote(f.source) << "\n";
  }
  os << "\n# Crop class table; codes 1–12 are fixed (DESIGN §3), more may be added.\n";
  for (const auto& k : c.classes) {
    os << "[[classes]]\ncode = " << k.code << "\nname = " << toml_quote(k.name) << "\n";
  }
  return os.str();
}

}  // namespace paddymrv
