// Accuracy of the crop classifier on simulated seasons it was never tuned
// on (issue #4): for each scenario (seed + simulator settings) it simulates
// a season, trains on the reference polygons (`paddymrv train`'s function),
// runs the season with the model (`paddymrv run --model`'s function) and
// compares /maps/crop_class with truth/crop_class.tif on interior pixels
// (the pixel and its 8 neighbours share one true class: no field edge).
// The plain per-pixel baseline forest (NDVI/LSWI + VV/VH percentiles) is
// trained on the same training polygons; both are compared on the same
// validation polygons. Not a test: a measurement (RESULTS.md).
//
// Usage: paddymrv_crop_accuracy OUT_DIR [--threads N] [scenario …]
// scenario = name:seed[:key=value,key=value]   (simulator --set keys)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [--threads N] [name:seed[:key=value,...] ...]\n", argv[0]);
    return 64;
  }
  const fs::path out = argv[1];
  std::string threads = "0";
  std::vector<Scenario> scenarios;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) threads = argv[++i];
    else scenarios.push_back(parse_scenario(a));
  }
  if (scenarios.empty()) {
    // Seeds and settings never used while developing the classifier.
    for (const char* s : {"default:9101", "default:9102", "heavy_cloud:9201:cloud_cover_mean=0.75",
                          "noisy_s2:9301:s2_noise=0.02,cloud_cover_mean=0.5"})
      scenarios.push_back(parse_scenario(s));
  }
  std::printf("| scenario | seed | settings | val OA | val kappa | baseline val OA | margin | interior OA | rice F1 "
              "(interior) | train s | run s |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
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
    sim::simulate(p, dir / "sim");
    const std::string model = (dir / "model.yml").string();
    const Config cfg = load_config((dir / "sim" / "paddymrv.toml").string(),
                                   {{"samples", (dir / "sim" / "reference.geojson").string()},
                                    {"model", model},
                                    {"threads", threads},
                                    {"out", (dir / "result.h5").string()}});
    TrainOptions to;
    to.model_path = model;
    to.report_path = (dir / "validation.json").string();
    to.baseline = true;
    const TrainSummary ts = train_job(cfg, to);
    const auto t0 = std::chrono::steady_clock::now();
    run_job(cfg);
    const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const ResultReader r(dir / "result.h5");
    const auto map = r.read<std::int32_t>("/maps/crop_class");
    auto ds = open_raster((dir / "sim" / "truth" / "crop_class.tif").string());
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<std::int32_t> truth(static_cast<std::size_t>(w) * h);
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, truth.data(), w, h, GDT_Int32, 0, 0, nullptr) != CE_None)
      return 70;
    long long agree = 0, total = 0, tp = 0, fp = 0, fn = 0;
    for (int y = 1; y + 1 < h; ++y)
      for (int x = 1; x + 1 < w; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * w + x;
        const int t = truth[i];
        if (t <= 0) continue;
        bool interior = true;
        for (int dy = -1; dy <= 1 && interior; ++dy)
          for (int dx = -1; dx <= 1; ++dx) interior = interior && truth[i + static_cast<std::ptrdiff_t>(dy) * w + dx] == t;
        if (!interior) continue;
        ++total;
        agree += map[i] == t;
        tp += (map[i] == 1 && t == 1), fp += (map[i] == 1 && t != 1), fn += (map[i] != 1 && t == 1);
      }
    const double oa = total ? static_cast<double>(agree) / static_cast<double>(total) : 0;
    const double f1 = tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0;
    std::printf("| %s | %llu | %s | %.4f | %.4f | %.4f | %+.1f pt | %.4f | %.4f | %.1f | %.1f |\n", sc.name.c_str(),
                static_cast<unsigned long long>(sc.seed), settings.empty() ? "demo defaults" : settings.c_str(),
                ts.accuracy.overall, ts.accuracy.kappa, ts.baseline_accuracy.overall,
                100 * (ts.accuracy.overall - ts.baseline_accuracy.overall), oa, f1, ts.seconds, run_s);
    std::fflush(stdout);
  }
  return 0;
}
