// Single-thread cost of the crop-classification kernels (issue #6): feature
// extraction per pixel (season composites of S2 indices and S1 dB) and
// random-forest prediction per Mpx (OpenCV's and the flattened forest's), on
// synthetic inputs of a province season (35 Sentinel-2 dates, 25 Sentinel-1
// dates).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/crop_features.hpp"
#include "kernels/flat_forest.hpp"
#include "kernels/random_forest.hpp"

using namespace paddymrv::kernels;

namespace {

struct Season {
  std::vector<double> s2_days, s1_days;
  std::vector<PixelObservations> pixels;
};

Season season(int pixels, int s2_dates, int s1_dates, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Season s;
  for (int d = 0; d < s2_dates; ++d) s.s2_days.push_back(4.0 * d);
  for (int d = 0; d < s1_dates; ++d) s.s1_days.push_back(6.0 * d);
  s.pixels.resize(pixels);
  for (auto& p : s.pixels) {
    p.s2_days = &s.s2_days;
    p.s1_days = &s.s1_days;
    const float amp = 0.3f + 0.5f * u(rng);
    for (int d = 0; d < s2_dates; ++d) {
      const bool cloudy = u(rng) < 0.5f;  // monsoon: half the dates masked
      const float t = static_cast<float>(d) / s2_dates;
      p.ndvi.push_back(cloudy ? NAN : 0.1f + amp * std::sin(3.14159f * t) + 0.03f * noise(rng));
      p.lswi.push_back(cloudy ? NAN : 0.2f - 0.2f * t + 0.03f * noise(rng));
      p.ndre.push_back(cloudy ? NAN : 0.05f + 0.5f * amp * std::sin(3.14159f * t) + 0.03f * noise(rng));
    }
    for (int d = 0; d < s1_dates; ++d) {
      p.vh_db.push_back(-22.0f + 8.0f * static_cast<float>(d) / s1_dates + 0.8f * noise(rng));
      p.vv_db.push_back(p.vh_db.back() + 6.0f + 0.8f * noise(rng));
    }
  }
  return s;
}

}  // namespace

static void BM_CropFeatures(benchmark::State& state) {
  const auto s = season(2048, 35, 25, 5);
  const CropFeatureLayout layout;
  std::vector<float> out(static_cast<std::size_t>(layout.size()));
  std::size_t i = 0;
  for (auto _ : state) {
    compute_crop_features(layout, 0.0, 140.0, s.pixels[i], out.data());
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % s.pixels.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["features"] = layout.size();
  state.counters["us_per_pixel"] = benchmark::Counter(static_cast<double>(state.iterations()) * 1e-6,
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CropFeatures);

namespace {

// A 100-tree forest trained on 3000 rows of 12 overlapping classes, and
// 65536 rows (a 256×256 block) to classify; built once for both benchmarks.
struct ForestCase {
  ForestParams params;
  cv::Ptr<cv::ml::RTrees> forest;
  cv::Mat rows;
};

const ForestCase& forest_case() {
  static const ForestCase cached = [] {
    const CropFeatureLayout layout;
    const int f = layout.size(), n_train = 3000, n_pred = 65536;
    std::mt19937 rng(9);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    auto make = [&](int rows, std::vector<int>& labels) {
      cv::Mat m(rows, f, CV_32F);
      labels.resize(rows);
      for (int r = 0; r < rows; ++r) {
        labels[r] = 1 + r % 12;
        for (int c = 0; c < f; ++c)
          m.at<float>(r, c) = 0.3f * static_cast<float>((labels[r] * (c + 1)) % 7) + noise(rng);
      }
      return m;
    };
    std::vector<int> train_labels, pred_labels;
    ForestCase fc;
    const cv::Mat train = make(n_train, train_labels);
    fc.rows = make(n_pred, pred_labels);
    fc.forest = train_forest(train, train_labels, fc.params);
    return fc;
  }();
  return cached;
}

void report(benchmark::State& state, const ForestCase& c) {
  state.SetItemsProcessed(state.iterations() * c.rows.rows);
  state.counters["trees"] = c.params.trees;
  state.counters["s_per_Mpx"] = benchmark::Counter(static_cast<double>(state.iterations()) * c.rows.rows * 1e-6,
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

// OpenCV's own prediction (one cv::Mat row header per pixel inside cv::ml).
static void BM_ForestPredictOpenCv(benchmark::State& state) {
  cv::setNumThreads(1);  // single thread, as every kernel figure here
  const ForestCase& c = forest_case();
  for (auto _ : state) {
    auto cls = predict_forest(*c.forest, c.rows);
    benchmark::DoNotOptimize(cls.data());
  }
  report(state, c);
}
BENCHMARK(BM_ForestPredictOpenCv)->Unit(benchmark::kMillisecond);

// The same forest flattened (what train and run use): tree by tree over chunks of rows.
static void BM_ForestPredictFlat(benchmark::State& state) {
  const ForestCase& c = forest_case();
  const FlatForest flat(*c.forest);
  for (auto _ : state) {
    auto cls = flat.predict(c.rows);
    benchmark::DoNotOptimize(cls.data());
  }
  report(state, c);
}
BENCHMARK(BM_ForestPredictFlat)->Unit(benchmark::kMillisecond);
