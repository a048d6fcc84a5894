// Field-level water-regime accuracy of the flood-cycle detector on simulated
// seasons the detector was not tuned on, next to the plain per-pixel rule
// ("a 3 dB rise then a 2 dB fall after the flood onset", majority per field).
//
// Usage: paddymrv_regime_accuracy --seed N --revisit D [--enl L] [--width W --height H] [--workdir DIR]
// Prints one markdown table row; benchmarks/water_regime_accuracy.sh runs the grid of settings.
#include <boost/program_options.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "kernels/claim_verdict.hpp"
#include "kernels/flood_cycle.hpp"
#include "kernels/observation_count.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_job.hpp"
#include "pipeline/simulator.hpp"
#include "pipeline/stac_catalog.hpp"
#include "pipeline/window_reader.hpp"

namespace fs = std::filesystem;
namespace po = boost::program_options;
using namespace paddymrv;
using kernels::WaterRegime;

namespace {

template <class T>
std::vector<T> read_band(const fs::path& p, GDALDataType t, int& w, int& h, double gt[6]) {
  auto ds = open_raster(p.string());
  w = ds->GetRasterXSize();
  h = ds->GetRasterYSize();
  ds->GetGeoTransform(gt);
  std::vector<T> v(static_cast<std::size_t>(w) * h);
  if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, t, 0, 0, nullptr) != CE_None)
    throw std::runtime_error("read " + p.string());
  return v;
}

// The plain per-pixel rule the issue names as the floor to beat.
int baseline_events(const std::vector<float>& vh_db) {
  std::size_t onset = 0;
  for (std::size_t i = 1; i < vh_db.size() / 2; ++i)
    if (std::isfinite(vh_db[i]) && (!std::isfinite(vh_db[onset]) || vh_db[i] < vh_db[onset])) onset = i;
  int events = 0;
  float flooded = vh_db[onset];
  bool raised = false;
  float peak = flooded;
  for (std::size_t i = onset + 1; i < vh_db.size(); ++i) {
    const float v = vh_db[i];
    if (!std::isfinite(v)) continue;
    if (!raised) {
      if (v >= flooded + 3.0f) raised = true, peak = v;
      else flooded = v;  // follow the flooded level
    } else {
      peak = std::max(peak, v);
      if (v <= peak - 2.0f) ++events, raised = false, flooded = v;
    }
  }
  return events;
}

int regime_of(int events) { return events == 0 ? 1 : events == 1 ? 2 : 3; }

}  // namespace

int main(int argc, char** argv) {
  po::options_description desc("paddymrv_regime_accuracy");
  desc.add_options()("seed", po::value<std::uint64_t>()->default_value(1001))(
      "revisit", po::value<int>()->default_value(6))("enl", po::value<double>()->default_value(4.5))(
      "width", po::value<int>()->default_value(400))("height", po::value<int>()->default_value(300))(
      "looks", po::value<double>()->default_value(4.4), "looks per pixel the detector assumes (nominal GRD)")(
      "event-z", po::value<double>(), "override water_regime.event_z (for tuning on other seeds)")(
      "closure-fraction", po::value<double>(), "override the detector's closure_fraction (for tuning on other seeds)")(
      "segment-tile", po::value<int>(), "override water_regime.segment_tile (0 = per-pixel maps)")(
      "segment-max-cost", po::value<double>(), "override water_regime.segment_max_cost (for tuning on other seeds)")(
      "workdir", po::value<std::string>()->default_value("/tmp/paddymrv-accuracy"));
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, desc), vm);
  gdal_init();
  spdlog::set_level(spdlog::level::warn);  // stdout carries the table row only
  auto params = sim::preset("demo");
  const auto seed = vm["seed"].as<std::uint64_t>();
  const int revisit = vm["revisit"].as<int>();
  params.seed = seed;
  params.s1_revisit_days = revisit;
  params.s1_enl = vm["enl"].as<double>();
  params.width = vm["width"].as<int>();
  params.height = vm["height"].as<int>();
  // Seasons are cached by their settings; the suffix names the simulator's
  // output version, so that a cache written by an older simulator is never
  // read as this one's truth. A size other than the demo's is named too
  // (the demo's is not, so that existing caches stay valid).
  const bool demo_size = params.width == 400 && params.height == 300;
  const fs::path dir = fs::path(vm["workdir"].as<std::string>()) /
                       ("s" + std::to_string(seed) + "_r" + std::to_string(revisit) + "_e" +
                        std::to_string(std::lround(10 * params.s1_enl)) +
                        (demo_size ? "" : "_w" + std::to_string(params.width) + "_h" + std::to_string(params.height)) +
                        "_v" + std::to_string(sim::kOutputVersion));
  if (!fs::exists(dir / "truth/observability.csv")) sim::simulate(params, dir);

  int w = 0, h = 0;
  double gt[6];
  const auto field = read_band<std::int32_t>(dir / "truth/field_id.tif", GDT_Int32, w, h, gt);
  const auto regime_px = read_band<std::uint8_t>(dir / "truth/water_regime.tif", GDT_Byte, w, h, gt);
  AnalysisGrid grid;
  {
    auto ds = open_raster((dir / "truth/field_id.tif").string());
    grid.crs_wkt = ds->GetProjectionRef();
  }
  grid.origin_x = gt[0];
  grid.origin_y = gt[3];
  grid.resolution = gt[1];
  grid.width = w;
  grid.height = h;
  const auto start = *parse_iso_date(params.season_start);
  const Catalog cat = read_stac_catalog(dir / "items.json", {start, *parse_iso_date(params.season_end), 0});
  const auto s1 = cat.used(Sensor::sentinel1);

  // Truth regime per rice field.
  std::map<int, int> truth;
  for (std::size_t i = 0; i < field.size(); ++i)
    if (regime_px[i] > 0) truth[field[i]] = regime_px[i];
  // The regime the radar could show at all (truth/observability.csv: events an
  // ideal observer sees at ≥ 3σ of the field-mean speckle): the ceiling.
  std::map<int, int> observable;
  {
    std::ifstream in(dir / "truth/observability.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::vector<std::string> col;
      for (std::string c; std::getline(ss, c, ',');) col.push_back(c);
      if (col.size() >= 6) observable[std::stoi(col[0])] = std::stoi(col[5]);
    }
  }
  std::map<int, std::size_t> index;
  for (auto& [id, r] : truth) index.emplace(id, index.size());
  const std::size_t nf = truth.size(), nd = s1.size();
  std::vector<double> sum_vv(nf * nd, 0), sum_vh(nf * nd, 0), count(nf * nd, 0);
  std::vector<int> days;
  std::vector<std::vector<float>> px_vh(field.size());
  std::vector<float> vv, vh;
  for (std::size_t d = 0; d < nd; ++d) {
    days.push_back((s1[d]->day() - start).count());
    WindowReader(s1[d]->assets.at("vv").path, s1[d]->assets.at("vv").nodata, grid).read({0, 0, w, h}, Resampling::nearest, vv);
    WindowReader(s1[d]->assets.at("vh").path, s1[d]->assets.at("vh").nodata, grid).read({0, 0, w, h}, Resampling::nearest, vh);
    for (std::size_t i = 0; i < field.size(); ++i) {
      if (regime_px[i] == 0) continue;
      const bool ok = kernels::s1_usable(vv[i], vh[i]);
      px_vh[i].push_back(ok ? 10.0f * std::log10(vh[i]) : NAN);
      if (!ok) continue;
      const std::size_t k = index[field[i]] * nd + d;
      sum_vv[k] += vv[i], sum_vh[k] += vh[i], count[k] += 1;
    }
  }

  // Detector on field-averaged series (what claim verification does).
  const double looks = vm["looks"].as<double>();
  std::array<int, 4> confusion_rows{};
  std::map<int, std::map<int, int>> confusion;  // truth → detected (0 = undetermined)
  std::map<int, std::map<int, int>> confusion_seen;  // observable regime → detected
  int correct = 0, over = 0, under = 0, undetermined = 0, total = 0;
  double field_awd_px = 0;  // pixels of fields the detector calls multiple drainage
  std::map<int, double> n_px_of;
  for (std::size_t i = 0; i < field.size(); ++i)
    if (regime_px[i] > 0) n_px_of[field[i]] += 1;
  int base_correct = 0, base_over = 0;
  int ceiling = 0, obs_correct = 0, obs_over = 0;  // against the observable regime
  std::map<int, int> undetermined_reasons;  // kernels::RegimeReason → fields
  std::map<int, std::map<int, int>> base_votes;
  for (std::size_t i = 0; i < field.size(); ++i)
    if (regime_px[i] > 0) ++base_votes[field[i]][regime_of(baseline_events(px_vh[i]))];
  for (auto& [id, t] : truth) {
    const std::size_t f = index[id];
    std::vector<float> fvv(nd), fvh(nd);
    double n_px = 0;
    for (std::size_t d = 0; d < nd; ++d) {
      const double c = count[f * nd + d];
      fvv[d] = c > 0 ? static_cast<float>(sum_vv[f * nd + d] / c) : NAN;
      fvh[d] = c > 0 ? static_cast<float>(sum_vh[f * nd + d] / c) : NAN;
      n_px = std::max(n_px, c);
    }
    kernels::FloodCycleParams fp;
    if (vm.count("event-z")) fp.event_z = vm["event-z"].as<double>();
    if (vm.count("closure-fraction")) fp.closure_fraction = vm["closure-fraction"].as<double>();
    const auto r = kernels::detect_flood_cycle({days, fvv, fvh, looks * n_px}, fp);
    const int got = static_cast<int>(r.regime);
    if (got == 3) field_awd_px += n_px_of[id];
    ++total;
    const int seen = observable.count(id) ? observable[id] : t;
    ceiling += seen == t;
    obs_correct += got == seen;
    obs_over += got != 255 && got > seen;
    if (r.regime == WaterRegime::undetermined) {
      ++undetermined;
      ++undetermined_reasons[static_cast<int>(r.reason)];
    } else if (got == t) {
      ++correct;
    } else if (got > t) {
      ++over;
    } else {
      ++under;
    }
    ++confusion_rows[static_cast<std::size_t>(t)];
    ++confusion[t][got == 255 ? 0 : got];
    ++confusion_seen[seen][got == 255 ? 0 : got];
    if (got != 255 && got > t && std::getenv("PADDYMRV_ACCURACY_DEBUG")) {
      std::fprintf(stderr, "over: field %d truth %d got %d px %.0f events %zu:", id, t, got, n_px, r.events.size());
      for (auto& e : r.events) std::fprintf(stderr, " [%d %d-%d %d z=%.1f]", e.last_flooded_day, e.first_dry_day, e.last_dry_day, e.first_reflooded_day, e.strength);
      std::fprintf(stderr, "\n");
    }
    if (std::getenv("PADDYMRV_ACCURACY_DUMP")) {  // series for offline study
      std::fprintf(stderr, "dump %d %d %d %d %.0f|", id, t, seen, got, n_px);
      for (std::size_t d = 0; d < nd; ++d) std::fprintf(stderr, " %d:%.2f:%.2f", days[d], 10 * std::log10(fvv[d]), 10 * std::log10(fvh[d]));
      std::fprintf(stderr, "|");
      for (auto& e : r.events) std::fprintf(stderr, " %d-%d:%.1f", e.first_dry_day, e.last_dry_day, e.strength);
      std::fprintf(stderr, "| onset %d end %d closure %d\n", r.onset_day, r.end_flooding_day, r.visible_until_day);
    }
    int best = 1, votes = -1;
    for (auto [reg, v] : base_votes[id])
      if (v > votes) best = reg, votes = v;
    base_correct += best == t;
    base_over += best > t;
  }
  std::fprintf(stderr, "undetermined by reason (1 few obs, 2 no flooding, 3 gap, 4 window short):");
  for (auto [reason, n] : undetermined_reasons) std::fprintf(stderr, " %d:%d", reason, n);
  std::fprintf(stderr, "\n");
  std::fprintf(stderr, "confusion (rows truth CF/single/multiple; cols undetermined/CF/single/multiple):\n");
  for (int t = 1; t <= 3; ++t)
    std::fprintf(stderr, "  %d: %5d %5d %5d %5d\n", t, confusion[t][0], confusion[t][1], confusion[t][2], confusion[t][3]);
  std::fprintf(stderr, "confusion against the observable regime (same layout):\n");
  for (int t = 1; t <= 3; ++t)
    std::fprintf(stderr, "  %d: %5d %5d %5d %5d\n", t, confusion_seen[t][0], confusion_seen[t][1], confusion_seen[t][2],
                 confusion_seen[t][3]);
  // Claims: the whole pipeline on this season (rice mask = the truth's
  // crop map, to measure verification alone), verdicts against the truth.
  const bool claims = !std::getenv("PADDYMRV_ACCURACY_NO_CLAIMS");  // detector only, for quick tuning
  Config cfg = load_config((dir / "paddymrv.toml").string(),
                           {{"out", (dir / "claims_result.h5").string()}, {"rice-mask", (dir / "truth/crop_class.tif").string()}});
  if (vm.count("event-z")) cfg.event_z = vm["event-z"].as<double>();
  if (vm.count("segment-tile")) cfg.segment_tile = vm["segment-tile"].as<int>();
  if (vm.count("segment-max-cost")) cfg.segment_max_cost = vm["segment-max-cost"].as<double>();
  if (claims) run_job(cfg);
  std::vector<std::string> ids, verdict;
  if (claims) {
    const ResultReader rr(dir / "claims_result.h5");
    ids = rr.read_strings("/claims/claim_id");
    verdict = rr.read_strings("/claims/verdict");
  }
  // A claim is true when the field's regime is the claimed one (AWD ⇔
  // multiple drainage, CF ⇔ continuously flooded, sim_samples.hpp), and
  // "true as the radar could show it" when its observable regime is.
  std::map<std::string, bool> claim_true, claim_seen_true;
  {
    std::ifstream in(dir / "truth/claims.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::vector<std::string> col;
      for (std::string c; std::getline(ss, c, ',');) col.push_back(c);
      if (col.size() < 6) continue;
      claim_true[col[0]] = col[5] == "true";
      const int field_id = std::stoi(col[2]), claimed = static_cast<int>(kernels::claimed_regime(col[1]));
      const auto seen = observable.find(field_id);
      claim_seen_true[col[0]] = seen != observable.end() ? seen->second == claimed : claim_true[col[0]];
    }
  }
  int v_ok = 0, v_ok_seen = 0, v_false_verified = 0, v_insufficient = 0, n_claims = static_cast<int>(ids.size());
  for (std::size_t c = 0; c < ids.size(); ++c) {
    const bool t = claim_true[ids[c]];
    if (verdict[c] == "insufficient_data") ++v_insufficient;
    else if ((verdict[c] == "verified") == t) ++v_ok;
    if (verdict[c] != "insufficient_data" && (verdict[c] == "verified") == claim_seen_true[ids[c]]) ++v_ok_seen;
    if (verdict[c] == "verified" && !t) ++v_false_verified;
  }
  // Maps of the same run (per segment, else per pixel) against the truth on
  // the truth's rice pixels, and the commune AWD area of DESIGN §4.
  double map_acc = NAN, map_over = NAN, awd_vs_truth = NAN, awd_vs_seen = NAN, communes_within = NAN;
  if (claims) {
    const ResultReader rr(dir / "claims_result.h5");
    const auto dims = rr.dims("/maps/water_regime");
    if (dims.size() == 2 && dims[0] == static_cast<hsize_t>(h) && dims[1] == static_cast<hsize_t>(w)) {
      const auto map = rr.read<std::uint8_t>("/maps/water_regime");
      const auto commune = rr.read<std::int32_t>("/maps/commune_index");
      const auto awd = rr.read<double>("/communes/awd_area_ha");
      const double px_ha = gt[1] * gt[1] / 1e4;
      std::vector<double> truth_awd(awd.size(), 0.0);
      double n_rice = 0, ok = 0, over_px = 0, truth_total = 0, seen_total = 0;
      for (std::size_t i = 0; i < map.size(); ++i) {
        if (regime_px[i] == 0) continue;
        ++n_rice;
        ok += map[i] == regime_px[i];
        over_px += map[i] != 255 && map[i] > regime_px[i];
        const bool multiple = regime_px[i] == 3;
        truth_total += multiple * px_ha;
        seen_total += (observable.count(field[i]) ? observable[field[i]] == 3 : multiple) * px_ha;
        if (multiple && commune[i] >= 0) truth_awd[static_cast<std::size_t>(commune[i])] += px_ha;
      }
      double got_total = 0;
      int within = 0, judged = 0;
      for (std::size_t c = 0; c < awd.size(); ++c) {
        got_total += awd[c];
        if (truth_awd[c] < 1.0) continue;  // communes with at least 1 ha of AWD
        ++judged;
        within += std::abs(awd[c] - truth_awd[c]) <= 0.1 * truth_awd[c];
      }
      map_acc = 100.0 * ok / std::max(1.0, n_rice);
      map_over = 100.0 * over_px / std::max(1.0, n_rice);
      awd_vs_truth = 100.0 * got_total / std::max(1e-9, truth_total);
      awd_vs_seen = 100.0 * got_total / std::max(1e-9, seen_total);
      communes_within = judged ? 100.0 * within / judged : NAN;
      std::fprintf(stderr, "maps: AWD area %.1f ha detected, %.1f ha true, %.1f ha observable, %.1f ha on truth fields; %d of %d communes within 10 %%\n",
                   got_total, truth_total, seen_total, field_awd_px * px_ha, within, judged);
    } else {
      std::fprintf(stderr, "maps: result grid differs from the truth grid, map columns left empty\n");
    }
  }
  auto cpct = [&](int a) { return 100.0 * a / std::max(1, n_claims); };
  auto pct = [&](int a) { return 100.0 * a / std::max(1, total); };
  std::printf("| %llu | %d | %.1f | %d (CF %d, single %d, multiple %d) | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f |\n",
              static_cast<unsigned long long>(seed), revisit, params.s1_enl, total, confusion_rows[1],
              confusion_rows[2], confusion_rows[3], pct(correct), pct(over), pct(under), pct(undetermined),
              pct(ceiling), pct(obs_correct), pct(obs_over),
              pct(base_correct), pct(base_over), n_claims, cpct(v_ok), cpct(v_false_verified), cpct(v_insufficient),
              map_acc, map_over, awd_vs_truth, awd_vs_seen, communes_within, cpct(v_ok_seen));
  return 0;
}
