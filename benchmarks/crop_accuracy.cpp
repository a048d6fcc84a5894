// Accuracy of the crop classifier on simulated seasons it was never tuned
// on (issue #4): for each scenario (seed + simulator settings) it simulates
// a season, trains on the reference polygons (`paddymrv train`'s function),
// runs the season with the model (`paddymrv run --model`'s function) once
// per majority-filter window, and scores every map:
// - "val OA": the map at the validation pixels (the very pixels, thinned per
//   polygon, on which `train` validates; without the filter it equals
//   train's per-pixel OA, which is checked);
// - "baseline": the plain per-pixel forest (NDVI/LSWI + VV/VH
//   percentiles), trained on the same training pixels, on the same
//   validation pixels; margin = val OA − baseline OA;
// - "interior": the map against truth/crop_class.tif on pixels whose 8
//   neighbours share their true class (no field edge), and rice F1 there;
//   the baseline's own map (per pixel, never filtered) is scored the same
//   way, which measures the margin on ~10⁵ pixels of thousands of fields
//   instead of the ~160 validation polygons.
// Not a test: a measurement (docs/crop_classification.md).
//
// Usage: paddymrv_crop_accuracy OUT_DIR [--threads N] [--windows 0,3,5,3v] [--config key=value,…] [scenario …]
// (--config: config keys for train and run, e.g. classifier.max_depth=12, to
// compare settings on the same seasons; samples, model, threads and out are
// the tool's and are refused)
// scenario = name:seed[:key=value,key=value]   (simulator --set keys)
// --validation-points N: validate on N pixels drawn at random from the
// whole area by the simulator (its validation_points parameter: a simple
// random sample with the true classes, reference_points.geojson) instead of
// the held-out reference polygons, which still train nothing: the
// probability sample the area intervals assume.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/crop_features_block.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_job.hpp"
#include "pipeline/simulator.hpp"
#include "pipeline/train_job.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;

namespace {

struct Scenario {
  std::string name;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> settings;
  std::string text;
};

Scenario parse_scenario(const std::string& s) {
  Scenario sc;
  sc.text = s;
  std::stringstream ss(s);
  std::string part;
  std::getline(ss, sc.name, ':');
  std::getline(ss, part, ':');
  sc.seed = std::stoull(part);
  if (std::getline(ss, part)) {
    std::stringstream kv(part);
    std::string item;
    while (std::getline(kv, item, ',')) {
      const auto eq = item.find('=');
      sc.settings.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
  }
  return sc;
}

// "3" = 3×3 majority of classes, "3v" = 3×3 majority of tree votes, "5g" =
// 5×5 majority of tree votes guided by the S2 series (classifier.majority_of
// = guided), "5g0.08" the same with guide_bandwidth 0.08. A suffix "s" adds
// field-level voting inside segments (classifier.segment_tile = 64) after
// the filter: "9gs", "0s" (on the unfiltered map); "s4" with segment_max_cost
// 4, "s4p4096" also with segment_max_pixels 4096, "s4m16" with
// segment_min_pixels 16, "s4P" with segment_mode = pool (votes pooled per
// segment before the filter).
struct Filter {
  int window = 0;
  std::string of = "classes";
  double bandwidth = 0;  // 0: the config's
  bool segments = false;
  double seg_cost = 0;   // 0: the config's
  int seg_max_pixels = 0, seg_min_pixels = 0;  // 0: the config's
  bool seg_pool = false;  // classifier.segment_mode = pool
  std::string text;      // as given
  std::string tag() const { return text; }
  std::string label() const {
    std::string l;
    if (window <= 1) {
      l = "off";
    } else {
      l = std::to_string(window) + "×" + std::to_string(window);
      if (of == "votes") l += " votes";
      if (of == "guided") {
        char bw[32] = "";
        if (bandwidth > 0) std::snprintf(bw, sizeof bw, " %.3g", bandwidth);
        l += " guided";
        l += bw;
      }
    }
    if (segments) {
      l += seg_pool ? " + pooled segments" : " + segments";
      char b[96] = "";
      if (seg_cost > 0) std::snprintf(b, sizeof b, " cost %.3g", seg_cost);
      l += b;
      if (seg_max_pixels > 0) l += " max " + std::to_string(seg_max_pixels) + " px";
      if (seg_min_pixels > 0) l += " min " + std::to_string(seg_min_pixels) + " px";
    }
    return l;
  }
};

std::vector<Filter> parse_windows(const std::string& s) {
  std::vector<Filter> out;
  std::stringstream ss(s);
  std::string item;
  // A number at rest[pos…] (0 when none), advancing pos past it.
  auto number = [](const std::string& rest, std::size_t& pos) {
    std::size_t end = pos;
    while (end < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[end])) || rest[end] == '.')) ++end;
    const double v = end > pos ? std::stod(rest.substr(pos, end - pos)) : 0.0;
    pos = end;
    return v;
  };
  while (std::getline(ss, item, ',')) {
    Filter f;
    f.text = item;
    std::size_t used = 0;
    f.window = std::stoi(item, &used);
    const std::string rest = item.substr(used);
    std::size_t pos = 0;
    if (pos < rest.size() && rest[pos] == 'v') f.of = "votes", ++pos;
    if (pos < rest.size() && rest[pos] == 'g') {
      f.of = "guided";
      ++pos;
      f.bandwidth = number(rest, pos);
    }
    if (pos < rest.size() && rest[pos] == 's') {
      f.segments = true;
      ++pos;
      f.seg_cost = number(rest, pos);
      while (pos < rest.size()) {
        const char c = rest[pos++];
        const int v = static_cast<int>(number(rest, pos));
        if (c == 'P') {
          f.seg_pool = true;
          continue;
        }
        if (c == 'p') f.seg_max_pixels = v;
        else if (c == 'm') f.seg_min_pixels = v;
        else throw std::invalid_argument("--windows: unknown suffix in " + item);
      }
    }
    if (pos != rest.size()) throw std::invalid_argument("--windows: cannot read " + item);
    out.push_back(f);
  }
  return out;
}

struct MapScore {
  double val_oa = 0;       // at the validation pixels
  double interior_oa = 0;  // against the truth, interior pixels
  double rice_f1 = 0;      // interior pixels
  double all_oa = 0;       // against the truth, every pixel (field edges too: what smoothing costs there)
};

MapScore score_map(const std::vector<std::int32_t>& map, const std::vector<std::int32_t>& truth, int w, int h,
                   const TrainSummary& ts) {
  MapScore s;
  std::size_t hit = 0;
  for (std::size_t k = 0; k < ts.validation_cells.size(); ++k)
    hit += map.at(ts.validation_cells[k]) == ts.validation_labels[k];
  s.val_oa = ts.validation_cells.empty() ? 0 : static_cast<double>(hit) / static_cast<double>(ts.validation_cells.size());
  long long agree = 0, total = 0, tp = 0, fp = 0, fn = 0, all_agree = 0, all_total = 0;
  for (int y = 1; y + 1 < h; ++y)
    for (int x = 1; x + 1 < w; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * w + x;
      const int t = truth[i];
      if (t <= 0) continue;
      ++all_total;
      all_agree += map[i] == t;
      bool interior = true;
      for (int dy = -1; dy <= 1 && interior; ++dy)
        for (int dx = -1; dx <= 1; ++dx) interior = interior && truth[i + static_cast<std::ptrdiff_t>(dy) * w + dx] == t;
      if (!interior) continue;
      ++total;
      agree += map[i] == t;
      tp += (map[i] == 1 && t == 1), fp += (map[i] == 1 && t != 1), fn += (map[i] != 1 && t == 1);
    }
  s.interior_oa = total ? static_cast<double>(agree) / static_cast<double>(total) : 0;
  s.rice_f1 = tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0;
  s.all_oa = all_total ? static_cast<double>(all_agree) / static_cast<double>(all_total) : 0;
  return s;
}

// The error-adjusted areas against the truth: the province table
// (/qa/crop_area_province) per class, and every commune × class
// (/communes/crop_area_adjusted_ha ± crop_area_ci95_ha) that has some true
// area — how far they are, against the plain mapped areas, and how often
// the 95 % interval holds the truth.
struct AreaScore {
  double adjusted_error_ha = 0, mapped_error_ha = 0;  // province, Σ over classes
  int covered = 0, cells = 0;                        // province classes with true area
  int commune_covered = 0, commune_cells = 0;
  double commune_adjusted_error_ha = 0, commune_mapped_error_ha = 0;  // Σ over communes × classes
};

AreaScore score_areas(const ResultReader& r, const Config& cfg, const std::vector<std::int32_t>& truth,
                      const std::vector<std::int32_t>& commune) {
  AreaScore a;
  const auto adjusted = r.read<double>("/communes/crop_area_adjusted_ha");
  const auto ci = r.read<double>("/communes/crop_area_ci95_ha");
  const auto commune_mapped = r.read<double>("/communes/crop_area_ha");
  const std::size_t C = cfg.classes.size(), n = adjusted.size() / C;
  const double pixel_ha = cfg.grid_resolution * cfg.grid_resolution / 1e4;
  // Pixels counted as integers, times the pixel area once: summing 0.01 ha
  // a pixel at a time drifts by 1e-12 and missed exact matches (water).
  std::vector<std::int64_t> true_px(n * C, 0), province_px(C, 0);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    for (std::size_t c = 0; c < C; ++c) {
      if (cfg.classes[c].code != truth[i]) continue;
      ++province_px[c];
      if (commune[i] >= 0 && static_cast<std::size_t>(commune[i]) < n)
        ++true_px[static_cast<std::size_t>(commune[i]) * C + c];
    }
  }
  // "Holds the truth" to within half a pixel: the province table is text
  // (6 significant digits), and an exact count is exact only to a pixel.
  const double tolerance = pixel_ha / 2;
  std::vector<double> true_ha(n * C), province_ha(C);
  for (std::size_t k = 0; k < n * C; ++k) true_ha[k] = static_cast<double>(true_px[k]) * pixel_ha;
  for (std::size_t c = 0; c < C; ++c) province_ha[c] = static_cast<double>(province_px[c]) * pixel_ha;
  for (std::size_t k = 0; k < n * C; ++k) {
    a.commune_adjusted_error_ha += std::abs(adjusted[k] - true_ha[k]);
    a.commune_mapped_error_ha += std::abs(commune_mapped[k] - true_ha[k]);
    if (true_ha[k] <= 0) continue;
    ++a.commune_cells;
    a.commune_covered += std::abs(adjusted[k] - true_ha[k]) <= ci[k] + tolerance;
  }
  // Columns: code, class, mapped_ha, adjusted_ha, ci95_ha, … (crop_writer.cpp).
  for (const auto& row : r.read_string_table("/qa/crop_area_province")) {
    const int code = std::stoi(row.at(0));
    for (std::size_t c = 0; c < C; ++c) {
      if (cfg.classes[c].code != code) continue;
      const double mapped = std::stod(row.at(2)), adj = std::stod(row.at(3)), half = std::stod(row.at(4));
      a.adjusted_error_ha += std::abs(adj - province_ha[c]);
      a.mapped_error_ha += std::abs(mapped - province_ha[c]);
      if (province_ha[c] <= 0) continue;
      ++a.cells;
      a.covered += std::abs(adj - province_ha[c]) <= half + tolerance;
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [--threads N] [--windows 0,3,...] [name:seed[:key=value,...] ...]\n",
                 argv[0]);
    return 64;
  }
  const fs::path out = argv[1];
  std::string threads = "0";
  std::map<std::string, std::string> config_overrides;
  std::size_t validation_points = 0;
  std::vector<Filter> windows = {{}};
  std::vector<Scenario> scenarios;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) threads = argv[++i];
    else if (a == "--windows" && i + 1 < argc) windows = parse_windows(argv[++i]);
    else if (a == "--validation-points" && i + 1 < argc)
      validation_points = std::stoul(argv[++i]);
    else if (a == "--config" && i + 1 < argc) {
      std::stringstream kv(argv[++i]);
      std::string item;
      while (std::getline(kv, item, ',')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos) throw std::invalid_argument("--config: expected key=value, got " + item);
        const std::string key = item.substr(0, eq);
        for (const char* own : {"samples", "model", "threads", "out"})
          if (key == own) throw std::invalid_argument("--config: " + key + " is set by the tool");
        config_overrides[key] = item.substr(eq + 1);
      }
    } else scenarios.push_back(parse_scenario(a));
  }
  if (scenarios.empty()) {
    std::fprintf(stderr, "no scenario given (benchmarks/crop_accuracy.sh lists the held-out ones)\n");
    return 64;
  }
  std::printf("| scenario | seed | settings | majority | val OA | baseline val OA | val margin | interior OA | "
              "baseline interior OA | interior margin | rice F1 | baseline rice F1 | all-pixel OA | baseline all-pixel OA | "
              "run s | province Σ\\|adjusted − truth\\| ha (mapped) | province classes in 95 %% CI | commune × class in 95 %% CI | "
              "commune Σ\\|adjusted − truth\\| ha (mapped) |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  int status = 0;
  for (const auto& sc : scenarios) {
    const fs::path dir = out / (sc.name + "_" + std::to_string(sc.seed));
    fs::remove_all(dir);
    auto p = sim::preset("demo");
    p.seed = sc.seed;
    std::string settings;
    for (const auto& [k, v] : sc.settings) {
      sim::set_param(p, k, v);
      settings += (settings.empty() ? "" : ", ") + k + "=" + v;
    }
    // The simulator's random validation points (with the same training
    // polygons) replace the held-out reference polygons.
    if (validation_points > 0) sim::set_param(p, "validation_points", std::to_string(validation_points));
    sim::simulate(p, dir / "sim");
    const std::string model = (dir / "model.yml").string();
    // Whether the points came from --validation-points or a scenario's own
    // validation_points setting.
    const std::string samples =
        (dir / "sim" / (p.validation_points > 0 ? "reference_points.geojson" : "reference.geojson")).string();
    if (validation_points > 0) settings += (settings.empty() ? "" : ", ") + std::to_string(validation_points) + " random validation points";
    std::map<std::string, std::string> overrides = {{"samples", samples},
                                                    {"model", model},
                                                    {"threads", threads},
                                                    {"out", (dir / "result.h5").string()}};
    overrides.insert(config_overrides.begin(), config_overrides.end());
    // Config overrides go into the row too: a row trained otherwise must
    // not read like a default one.
    for (const auto& [k, v] : config_overrides) settings += (settings.empty() ? "" : ", ") + k + "=" + v;
    const Config cfg = load_config((dir / "sim" / "paddymrv.toml").string(), overrides);
    TrainOptions to;
    to.model_path = model;
    to.report_path = (dir / "validation.json").string();
    to.baseline = true;
    to.baseline_map = true;
    const TrainSummary ts = train_job(cfg, to);

    auto ds = open_raster((dir / "sim" / "truth" / "crop_class.tif").string());
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<std::int32_t> truth(static_cast<std::size_t>(w) * h);
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, truth.data(), w, h, GDT_Int32, 0, 0, nullptr) != CE_None)
      return 70;
    if (ts.baseline_map.size() != truth.size()) return 70;
    // True area per commune × class (the simulator's commune index has the
    // result's commune order), to score the error-adjusted areas.
    std::vector<std::int32_t> commune;
    {
      auto cds = open_raster((dir / "sim" / "truth" / "commune_index.tif").string());
      commune.resize(truth.size());
      if (cds->GetRasterXSize() != w || cds->GetRasterYSize() != h ||
          cds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, commune.data(), w, h, GDT_Int32, 0, 0, nullptr) != CE_None)
        return 70;
    }
    const MapScore base = score_map(std::vector<std::int32_t>(ts.baseline_map.begin(), ts.baseline_map.end()), truth,
                                    w, h, ts);
    if (std::abs(base.val_oa - ts.baseline_accuracy.overall) > 1e-12) {
      std::fprintf(stderr, "%s: baseline map val OA %.6f != train's %.6f\n", sc.text.c_str(), base.val_oa,
                   ts.baseline_accuracy.overall);
      status = 1;
    }

    for (const Filter& f : windows) {
      const int win = f.window;
      Config rc = cfg;
      rc.classifier_majority_window = win;
      rc.classifier_majority_of = f.of;
      if (f.bandwidth > 0) rc.classifier_guide_bandwidth = f.bandwidth;
      rc.classifier_segment_tile = f.segments ? 64 : 0;
      rc.classifier_segment_mode = f.seg_pool ? "pool" : "vote";
      if (f.seg_cost > 0) rc.classifier_segment_max_cost = f.seg_cost;
      if (f.seg_max_pixels > 0) rc.classifier_segment_max_pixels = f.seg_max_pixels;
      if (f.seg_min_pixels > 0) rc.classifier_segment_min_pixels = f.seg_min_pixels;
      rc.out = (dir / ("result_w" + f.tag() + ".h5")).string();
      const auto t0 = std::chrono::steady_clock::now();
      run_job(rc);
      const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const auto map = ResultReader(rc.out).read<std::int32_t>("/maps/crop_class");
      if (map.size() != truth.size()) return 70;
      const MapScore m = score_map(map, truth, w, h, ts);
      if (win <= 1 && !f.segments && std::abs(m.val_oa - ts.accuracy.overall) > 1e-12) {
        // The unfiltered map must reproduce train's per-pixel validation.
        std::fprintf(stderr, "%s: map val OA %.6f != train's %.6f\n", sc.text.c_str(), m.val_oa, ts.accuracy.overall);
        status = 1;
      }
      if (CropPostProcessing::from(rc).describe() == ts.map_post_processing &&
          std::abs(m.val_oa - ts.map_accuracy.overall) > 1e-12) {
        // train validated this very map: the two must agree.
        std::fprintf(stderr, "%s: map val OA %.6f != train's map validation %.6f\n", sc.text.c_str(), m.val_oa,
                     ts.map_accuracy.overall);
        status = 1;
      }
      const AreaScore as = score_areas(ResultReader(rc.out), cfg, truth, commune);
      std::printf("| %s | %llu | %s | %s | %.4f | %.4f | %+.1f pt | %.4f | %.4f | %+.1f pt | %.4f | %.4f | %.4f | %.4f | %.1f | %.1f (%.1f) | %d/%d | %d/%d | %.1f (%.1f) |\n",
                  sc.name.c_str(), static_cast<unsigned long long>(sc.seed),
                  settings.empty() ? "demo defaults" : settings.c_str(),
                  f.label().c_str(), m.val_oa,
                  ts.baseline_accuracy.overall, 100 * (m.val_oa - ts.baseline_accuracy.overall), m.interior_oa,
                  base.interior_oa, 100 * (m.interior_oa - base.interior_oa), m.rice_f1, base.rice_f1, m.all_oa, base.all_oa,
                  run_s, as.adjusted_error_ha, as.mapped_error_ha, as.covered, as.cells, as.commune_covered,
                  as.commune_cells, as.commune_adjusted_error_ha, as.commune_mapped_error_ha);
      std::fflush(stdout);
    }
  }
  return status;
}
