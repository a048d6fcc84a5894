// The simulator's parameters, declared once: key, group, type, valid range,
// documentation, and how to read and write the value. set_param,
// describe_params, params_to_toml and load_params_toml all iterate this
// table, so `--set`, `--list-params` and simulation.toml cannot drift apart.
#include <charconv>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

#include "pipeline/toml_text.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/simulator.hpp"

namespace paddymrv::sim {

namespace {

struct ParamSpec {
  std::string key;
  std::string group;  // section comment in simulation.toml
  std::string type;   // int, float, string, date, bool, choice list
  std::string doc;
  std::function<void(SimulationParams&, const std::string&)> set;  // throws std::invalid_argument
  std::function<std::string(const SimulationParams&)> get;         // TOML literal
};



long long parse_integer(const std::string& text) {
  long long v = 0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end) throw std::invalid_argument("'" + text + "' is not an integer");
  return v;
}

double parse_real(const std::string& text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end || !std::isfinite(v))
    throw std::invalid_argument("'" + text + "' is not a number");
  return v;
}

template <class T>
std::string range_text(T lo, T hi) {
  std::ostringstream os;
  os << lo << " … " << hi;
  return os.str();
}

ParamSpec int_param(std::string key, std::string group, int SimulationParams::*m, int lo, int hi, std::string doc) {
  return {key, group, "int " + range_text(lo, hi), std::move(doc),
          [=](SimulationParams& p, const std::string& v) {
            const long long x = parse_integer(v);
            if (x < lo || x > hi) throw std::invalid_argument("must be in " + range_text(lo, hi));
            p.*m = static_cast<int>(x);
          },
          [=](const SimulationParams& p) { return std::to_string(p.*m); }};
}

ParamSpec real_param(std::string key, std::string group, double SimulationParams::*m, double lo, double hi,
                     std::string doc) {
  return {key, group, "float " + range_text(lo, hi), std::move(doc),
          [=](SimulationParams& p, const std::string& v) {
            const double x = parse_real(v);
            if (x < lo || x > hi) throw std::invalid_argument("must be in " + range_text(lo, hi));
            p.*m = x;
          },
          [=](const SimulationParams& p) { return toml_float(p.*m); }};
}

ParamSpec date_param(std::string key, std::string group, std::string SimulationParams::*m, std::string doc) {
  return {key, group, "date YYYY-MM-DD", std::move(doc),
          [=](SimulationParams& p, const std::string& v) {
            if (!parse_iso_date(v)) throw std::invalid_argument("'" + v + "' is not an ISO date YYYY-MM-DD");
            p.*m = v;
          },
          [=](const SimulationParams& p) { return toml_quote(p.*m); }};
}

const std::vector<ParamSpec>& table() {
  static const std::vector<ParamSpec> specs = [] {
    using P = SimulationParams;
    std::vector<ParamSpec> t;
    t.push_back({"seed", "randomness", "int 0 … 2^63-1",
                 "seed of every random draw; same seed and parameters give byte-identical files",
                 [](P& p, const std::string& v) {
                   const long long x = parse_integer(v);
                   if (x < 0) throw std::invalid_argument("must be ≥ 0");
                   p.seed = static_cast<std::uint64_t>(x);
                 },
                 [](const P& p) { return std::to_string(p.seed); }});

    const std::string g = "analysis grid (EPSG:32648, 10 m, north-up)";
    t.push_back(int_param("width", g, &P::width, 16, 40000, "columns of the analysis grid (10 m pixels)"));
    t.push_back(int_param("height", g, &P::height, 16, 40000, "rows of the analysis grid (10 m pixels)"));
    t.push_back(real_param("origin_x", g, &P::origin_x, 166000, 834000,
                           "easting of the grid's top-left corner, m; a multiple of 20 (Sentinel-2 20 m lattice)"));
    t.push_back(real_param("origin_y", g, &P::origin_y, 0, 9300000,
                           "northing of the grid's top-left corner, m; a multiple of 20"));

    const std::string s = "season";
    t.push_back({"season_name", s, "string", "season name written to paddymrv.toml",
                 [](P& p, const std::string& v) {
                   if (v.empty()) throw std::invalid_argument("must not be empty");
                   p.season_name = v;
                 },
                 [](const P& p) { return toml_quote(p.season_name); }});
    t.push_back(date_param("season_start", s, &P::season_start, "first day of the season; every scene lies inside"));
    t.push_back(date_param("season_end", s, &P::season_end, "last day of the season"));

    const std::string l = "landscape";
    t.push_back(int_param("n_communes", l, &P::n_communes, 1, 10000,
                          "communes tiling the area (irregular boundaries)"));
    t.push_back(real_param("rice_fraction", l, &P::rice_fraction, 0, 0.95, "share of the area in rice zones"));
    t.push_back(int_param("zone_min_px", l, &P::zone_min_px, 4, 2000, "smallest side of a land-use block, px"));
    t.push_back(int_param("zone_max_px", l, &P::zone_max_px, 8, 4000, "largest side of a land-use block, px"));
    t.push_back(int_param("rice_field_min_px", l, &P::rice_field_min_px, 1, 100,
                          "smallest side of a rice terrace field, px (3 px × 3 px ≈ 0.1 ha)"));
    t.push_back(int_param("rice_field_max_px", l, &P::rice_field_max_px, 1, 200,
                          "largest side of a rice field, px (8 px × 8 px ≈ 0.6 ha)"));
    t.push_back(int_param("crop_field_min_px", l, &P::crop_field_min_px, 1, 200, "smallest side of other fields, px"));
    t.push_back(int_param("crop_field_max_px", l, &P::crop_field_max_px, 1, 500, "largest side of other fields, px"));
    t.push_back(real_param("path_fraction", l, &P::path_fraction, 0, 1,
                           "share of block boundaries carrying a 1-px path (other) or road (built_up)"));

    // Harder landscapes for measuring the crop classifier (issue #4). Off by
    // default. Plausible magnitudes, from reasoning rather than a fit:
    // - field_spectral_sd ≈ 0.05–0.10: within one crop, leaf chlorophyll
    //   (cultivar, nitrogen), LAI (planting density) and leaf water differ
    //   between fields; radiative-transfer sensitivity (PROSAIL, Jacquemoud
    //   et al. 2009, Remote Sens. Environ. 113:S56) turns the usual spread of
    //   those (tens of percent) into ~5–15 % relative spread of canopy
    //   reflectance per band region; soil colour varies as much.
    // - field_phenology_sd_days ≈ 7–14: farm calendars within a district
    //   spread over 2–4 weeks, and over Lào Cai's 100–3,000 m relief the
    //   temperature lapse (~0.6 °C / 100 m) delays leaf-out and sowing by
    //   days per 100 m of altitude.
    // - canopy_similarity ≈ 0.5–0.7: the class table's leaf spectra differ
    //   by 10–30 % between tree/crop classes; closed broadleaf canopies of
    //   different species often differ by only a few percent at 10–20 m
    //   (Clark, Roberts & Clark 2005, Remote Sens. Environ. 96:375, tropical
    //   tree species separable mainly with hyperspectral detail).
    const std::string hv = "per-field variability and subtle canopies (0 = off)";
    t.push_back(real_param("field_spectral_sd", hv, &P::field_spectral_sd, 0, 0.5,
                           "1 sigma of persistent per-field log gains of the canopy reflectance (visible, NIR/red-edge, "
                           "SWIR drawn apart) and of the soil background; 0.08 = ±8 % field to field"));
    t.push_back(real_param("field_phenology_sd_days", hv, &P::field_phenology_sd_days, 0, 60,
                           "1 sigma of a per-field shift of non-rice phenology (green-up, sowing), days, clipped at 3 "
                           "sigma; rice keeps its transplanting window"));
    t.push_back(real_param("canopy_similarity", hv, &P::canopy_similarity, 0, 1,
                           "pulls the leaf spectra of the non-rice crop and tree classes (2–9) toward their mean: "
                           "0 = class table, 1 = one shared spectrum (classes then differ in cover and timing only)"));

    const std::string r = "rice water management (days count from the season start)";
    t.push_back(real_param("awd_fraction", r, &P::awd_fraction, 0, 1,
                           "share of rice fields with multiple drainage periods (AWD)"));
    t.push_back(real_param("single_drainage_fraction", r, &P::single_drainage_fraction, 0, 1,
                           "share of rice fields with a single drainage; the rest is continuously flooded"));
    t.push_back(int_param("transplant_first_day", r, &P::transplant_first_day, 0, 300, "earliest transplanting"));
    t.push_back(int_param("transplant_last_day", r, &P::transplant_last_day, 0, 300, "latest transplanting"));
    t.push_back(int_param("crop_duration_min_days", r, &P::crop_duration_min_days, 60, 200,
                          "transplanting → harvest, shortest (spring crop ~95–115 days in the field)"));
    t.push_back(int_param("crop_duration_max_days", r, &P::crop_duration_max_days, 60, 200,
                          "transplanting → harvest, longest"));
    t.push_back(int_param("first_drainage_min_days", r, &P::first_drainage_min_days, 0, 100,
                          "first drainage no earlier than this after flooding (DESIGN §5: ≥ 21 days)"));
    t.push_back(int_param("drainage_min_days", r, &P::drainage_min_days, 1, 60, "shortest drainage event"));
    t.push_back(int_param("drainage_max_days", r, &P::drainage_max_days, 1, 60, "longest drainage event"));
    t.push_back(int_param("reflood_min_days", r, &P::reflood_min_days, 1, 60,
                          "shortest re-flooded spell between two drainage events"));
    t.push_back(int_param("awd_min_events", r, &P::awd_min_events, 2, 10, "fewest drainage events of an AWD field"));
    t.push_back(int_param("awd_max_events", r, &P::awd_max_events, 2, 10, "most drainage events of an AWD field"));
    t.push_back(int_param("end_drainage_min_days", r, &P::end_drainage_min_days, 0, 40,
                          "end-season drainage starts at least this long before harvest"));
    t.push_back(int_param("end_drainage_max_days", r, &P::end_drainage_max_days, 0, 40,
                          "end-season drainage starts at most this long before harvest"));

    const std::string s1 = "Sentinel-1 (IW GRD, descending, linear power)";
    t.push_back(int_param("s1_revisit_days", s1, &P::s1_revisit_days, 1, 60,
                          "days between acquisitions; 6 = two satellites alternating (1A/1C), 12 = one (1C)"));
    t.push_back(real_param("s1_enl", s1, &P::s1_enl, 0.5, 1000,
                           "equivalent number of looks of the gamma speckle (IW GRDH ≈ 4.4)"));
    t.push_back(real_param("s1_missing_prob", s1, &P::s1_missing_prob, 0, 1,
                           "probability that a scheduled acquisition is missing (no item)"));
    t.push_back(real_param("s1_partial_prob", s1, &P::s1_partial_prob, 0, 1,
                           "probability that a scene ends at a slanted swath edge inside the area"));
    t.push_back(int_param("s1_relative_orbit", s1, &P::s1_relative_orbit, 1, 175, "sat:relative_orbit of the items"));

    const std::string s2 = "Sentinel-2 (L2A, baseline 05.10)";
    t.push_back(int_param("s2_revisit_days", s2, &P::s2_revisit_days, 1, 60,
                          "days between acquisitions (platforms 2A/2B/2C in turn)"));
    t.push_back(real_param("s2_missing_prob", s2, &P::s2_missing_prob, 0, 1,
                           "probability that a scheduled acquisition is missing"));
    t.push_back(real_param("cloud_cover_mean", s2, &P::cloud_cover_mean, 0, 1,
                           "mean cloudy fraction of a scene (Beta-distributed per date, rising towards the monsoon)"));
    t.push_back(real_param("s2_noise", s2, &P::s2_noise, 0, 0.1, "reflectance noise, 1 sigma (plus 2 % relative)"));
    t.push_back({"s2_asset_names", s2, "esa|common",
                 "asset keys: esa (B02 … B12, SCL) or common (blue … swir22, scl)",
                 [](P& p, const std::string& v) {
                   if (v != "esa" && v != "common") throw std::invalid_argument("must be esa or common");
                   p.s2_asset_names = v;
                 },
                 [](const P& p) { return toml_quote(p.s2_asset_names); }});

    const std::string v = "reference samples and claims";
    t.push_back(real_param("reference_fraction", v, &P::reference_fraction, 0, 1,
                           "share of the fields of each class given as reference polygons"));
    t.push_back(int_param("reference_min_per_class", v, &P::reference_min_per_class, 0, 100000,
                          "at least this many reference fields per class (when the class has them)"));
    t.push_back(real_param("validation_fraction", v, &P::validation_fraction, 0, 1,
                           "share of the reference polygons with split = validation"));
    t.push_back(int_param("validation_points", v, &P::validation_points, 0, 1000000,
                          "> 0: also write reference_points.geojson, the training polygons plus this many pixels "
                          "drawn at random over the area with their true class and split = validation: the "
                          "probability sample the crop-area intervals assume (0 = not written)"));
    t.push_back(real_param("claim_fraction", v, &P::claim_fraction, 0, 1, "share of AWD fields that file an AWD claim"));
    t.push_back(real_param("false_claim_fraction", v, &P::false_claim_fraction, 0, 0.9,
                           "share of AWD claims made for fields that are not AWD"));
    t.push_back(real_param("cf_claim_fraction", v, &P::cf_claim_fraction, 0, 1,
                           "share of continuously flooded fields that file a CF claim"));

    const std::string o = "output";
    t.push_back({"cog_overviews", o, "bool", "write internal overviews in the scene COGs",
                 [](P& p, const std::string& x) {
                   if (x == "true" || x == "1" || x == "yes") p.cog_overviews = true;
                   else if (x == "false" || x == "0" || x == "no") p.cog_overviews = false;
                   else throw std::invalid_argument("must be true or false");
                 },
                 [](const P& p) { return std::string(p.cog_overviews ? "true" : "false"); }});
    return t;
  }();
  return specs;
}

const ParamSpec* find(const std::string& key) {
  for (const auto& s : table())
    if (s.key == key) return &s;
  return nullptr;
}

std::string plain_value(const ParamSpec& s, const SimulationParams& p) {
  std::string v = s.get(p);
  if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

}  // namespace

SimulationParams preset(const std::string& name) {
  SimulationParams p;
  // Benchmarks keep the demo's season and landscape density; each step has
  // 4× the area (and 4× the communes) of the previous one.
  if (name == "demo") return p;
  if (name == "bench-s") {
    p.width = p.height = 800;
    p.n_communes = 16;
  } else if (name == "bench-m") {
    p.width = p.height = 1600;
    p.n_communes = 64;
  } else if (name == "bench-l") {
    p.width = p.height = 3200;
    p.n_communes = 256;
  } else {
    throw ConfigError("unknown simulation preset '" + name + "' (demo, bench-s, bench-m, bench-l)");
  }
  return p;
}

void set_param(SimulationParams& params, const std::string& key, const std::string& value) {
  const ParamSpec* s = find(key);
  if (!s) throw ConfigError("unknown simulation parameter '" + key + "' (see --list-params)");
  try {
    s->set(params, value);
  } catch (const std::invalid_argument& e) {
    throw ConfigError("simulation parameter " + key + " = '" + value + "': " + e.what());
  }
}

void validate_params(const SimulationParams& p) {
  auto fail = [](const std::string& m) { throw ConfigError("simulation parameters: " + m); };
  if (std::fmod(p.origin_x, 20.0) != 0 || std::fmod(p.origin_y, 20.0) != 0)
    fail("origin_x and origin_y must be multiples of 20 m (the Sentinel-2 20 m lattice)");
  const auto start = parse_iso_date(p.season_start), end = parse_iso_date(p.season_end);
  if (!start || !end) fail("season_start and season_end must be ISO dates");
  const int days = static_cast<int>((*end - *start).count());
  auto pair = [&](int lo, int hi, const char* a, const char* b) {
    if (lo > hi) fail(std::string(a) + " (" + std::to_string(lo) + ") > " + b + " (" + std::to_string(hi) + ")");
  };
  pair(p.zone_min_px, p.zone_max_px, "zone_min_px", "zone_max_px");
  pair(p.rice_field_min_px, p.rice_field_max_px, "rice_field_min_px", "rice_field_max_px");
  pair(p.crop_field_min_px, p.crop_field_max_px, "crop_field_min_px", "crop_field_max_px");
  pair(p.transplant_first_day, p.transplant_last_day, "transplant_first_day", "transplant_last_day");
  pair(p.crop_duration_min_days, p.crop_duration_max_days, "crop_duration_min_days", "crop_duration_max_days");
  pair(p.drainage_min_days, p.drainage_max_days, "drainage_min_days", "drainage_max_days");
  pair(p.awd_min_events, p.awd_max_events, "awd_min_events", "awd_max_events");
  pair(p.end_drainage_min_days, p.end_drainage_max_days, "end_drainage_min_days", "end_drainage_max_days");
  if (p.awd_fraction + p.single_drainage_fraction > 1.0 + 1e-12)
    fail("awd_fraction + single_drainage_fraction must not exceed 1");
  // The latest field must still grow to maturity within the season.
  if (days < p.transplant_last_day + 60)
    fail("the season (" + std::to_string(days) + " days) must last ≥ transplant_last_day + 60 days");
  const int cells = (p.width / 20) * (p.height / 20);
  if (p.n_communes > std::max(1, cells))
    fail("n_communes = " + std::to_string(p.n_communes) + " is too many for a " + std::to_string(p.width) + "×" +
         std::to_string(p.height) + " grid (each commune needs ≥ 20×20 px)");
}

std::string describe_params(const SimulationParams& params) {
  std::size_t wk = 3, wv = 5;
  for (const auto& s : table()) {
    wk = std::max(wk, s.key.size());
    wv = std::max(wv, plain_value(s, params).size());
  }
  std::ostringstream os;
  os << std::left << std::setw(static_cast<int>(wk) + 2) << "key" << std::setw(static_cast<int>(wv) + 2) << "value"
     << "type — doc\n";
  std::string group;
  for (const auto& s : table()) {
    if (s.group != group) os << "# " << (group = s.group) << "\n";
    os << std::left << std::setw(static_cast<int>(wk) + 2) << s.key << std::setw(static_cast<int>(wv) + 2)
       << plain_value(s, params) << s.type << " — " << s.doc << "\n";
  }
  return os.str();
}

std::string params_to_toml(const SimulationParams& params) {
  std::ostringstream os;
  os << "# paddymrv simulate: every parameter of this simulated season.\n"
        "# Rerun with: paddymrv simulate --params simulation.toml --out DIR\n";
  std::string group;
  for (const auto& s : table()) {
    if (s.group != group) os << "\n# " << (group = s.group) << "\n";
    os << "# " << s.doc << " [" << s.type << "]\n" << s.key << " = " << s.get(params) << "\n";
  }
  return os.str();
}

void load_params_toml(SimulationParams& params, const std::filesystem::path& file) {
  toml::table doc;
  try {
    doc = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw ConfigError(file.string() + ": " + std::string(e.description()));
  }
  for (const auto& [k, node] : doc) {
    const std::string key(k.str());
    std::string text;
    if (auto sv = node.value_exact<std::string>()) {
      text = *sv;
    } else if (auto iv = node.value_exact<std::int64_t>()) {
      text = std::to_string(*iv);
    } else if (auto dv = node.value_exact<double>()) {
      text = toml_float(*dv);
    } else if (auto bv = node.value_exact<bool>()) {
      text = *bv ? "true" : "false";
    } else if (node.is_date()) {
      const auto d = node.as_date()->get();
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
      text = buf;
    } else {
      throw ConfigError(file.string() + ": " + key + ": expected a string, number or boolean");
    }
    try {
      set_param(params, key, text);
    } catch (const ConfigError& e) {
      throw ConfigError(file.string() + ": " + e.what());
    }
  }
}

}  // namespace paddymrv::sim
