// Single-thread cost of the crop-classification kernels (issue #6): feature
// extraction per pixel (season composites of S2 indices and S1 dB) and
// random-forest prediction per Mpx (OpenCV's and the flattened forest's), the
// crop map's majority filters per Mpx (3×3 tree votes; 9×9 guided by the S2
// series, the default), on
// synthetic inputs of a province season (35 Sentinel-2 dates, 25 Sentinel-1
// dates).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/crop_features.hpp"
#include "kernels/flat_forest.hpp"
#include "kernels/majority_filter.hpp"
#include "kernels/random_forest.hpp"
#include "kernels/segment_vote.hpp"

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
// 65536 rows (a 256×256 block) to classify; built once for the benchmarks.
struct ForestCase {
  ForestParams params;
  cv::Ptr<cv::ml::RTrees> forest;
  cv::Mat rows;
  cv::Mat train;  // what the forest learnt, for a second forest on another view
  std::vector<int> train_labels;
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
    std::vector<int> pred_labels;
    ForestCase fc;
    fc.train = make(n_train, fc.train_labels);
    fc.rows = make(n_pred, pred_labels);
    fc.forest = train_forest(fc.train, fc.train_labels, fc.params);
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

// The default crop model (a field context): the same forest plus a second one
// trained on a context view, both flattened into one committee reading
// 55 + 19 columns per row (pipeline/crop_model.hpp).
static void BM_ForestPredictCommittee(benchmark::State& state) {
  const ForestCase& c = forest_case();
  const CropFeatureLayout layout;
  const int first_s1 = layout.first_s1_feature(), f = layout.size();
  // The context view: the radar columns with new noise (another draw, as
  // field means differ from a pixel's own values), so the second forest
  // splits on other values than the first and walks other paths.
  auto context_view = [&](const cv::Mat& m) {
    cv::Mat v = m.clone();
    cv::Mat noise(v.rows, f - first_s1, CV_32F);
    cv::randn(noise, 0.0, 0.5);
    v.colRange(first_s1, f) += noise;
    return v;
  };
  static const cv::Mat rows = [&] {
    cv::Mat r;
    cv::hconcat(c.rows, context_view(c.rows).colRange(first_s1, f), r);
    return r;
  }();
  static const FlatForest committee = [&] {
    std::vector<int> own(static_cast<std::size_t>(f));
    for (int j = 0; j < f; ++j) own[static_cast<std::size_t>(j)] = j;
    FlatForest both(*c.forest, own, layout.context_row_width());
    ForestParams p = c.params;
    p.seed += 1;
    both.add_trees(FlatForest(*train_forest(context_view(c.train), c.train_labels, p), layout.context_columns(),
                              layout.context_row_width()));
    return both;
  }();
  for (auto _ : state) {
    auto cls = committee.predict(rows);
    benchmark::DoNotOptimize(cls.data());
  }
  report(state, c);
  state.counters["trees"] = committee.trees();
}
BENCHMARK(BM_ForestPredictCommittee)->Unit(benchmark::kMillisecond);

// The majority filters on a 512² block of 12 classes: fields of 4 × 4 px,
// each with its own S2 series (36 guide values of 55 features) plus pixel
// noise, tree votes drawn at random.
namespace {
struct FilterCase {
  int width = 512, height = 512, classes = 12, features = 55, dims = 36;
  std::vector<std::uint8_t> cls, codes;
  std::vector<std::uint16_t> votes;
  std::vector<float> guide;
};
const FilterCase& filter_case() {
  static const FilterCase c = [] {
    FilterCase f;
    const std::size_t n = static_cast<std::size_t>(f.width) * f.height;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> level(0.0f, 0.6f), noise(-0.02f, 0.02f);
    std::uniform_int_distribution<int> vote(0, 9);
    for (int k = 1; k <= f.classes; ++k) f.codes.push_back(static_cast<std::uint8_t>(k));
    f.cls.resize(n);
    f.votes.resize(n * static_cast<std::size_t>(f.classes));
    f.guide.resize(n * static_cast<std::size_t>(f.features));
    std::vector<float> field(static_cast<std::size_t>(f.features));
    for (int fy = 0; fy < f.height; fy += 4)
      for (int fx = 0; fx < f.width; fx += 4) {
        for (float& v : field) v = level(rng);
        const auto code = static_cast<std::uint8_t>(1 + (fx / 4 + 7 * (fy / 4)) % f.classes);
        for (int y = fy; y < fy + 4; ++y)
          for (int x = fx; x < fx + 4; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * f.width + x;
            f.cls[i] = code;
            for (int k = 0; k < f.classes; ++k) f.votes[i * f.classes + k] = static_cast<std::uint16_t>(vote(rng));
            for (int k = 0; k < f.features; ++k) f.guide[i * f.features + k] = field[k] + noise(rng);
          }
      }
    return f;
  }();
  return c;
}
void report_filter(benchmark::State& state, const FilterCase& c) {
  state.counters["s_per_Mpx"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * c.width * c.height * 1e-6,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
}  // namespace

static void BM_VoteMajorityFilter3(benchmark::State& state) {
  const FilterCase& c = filter_case();
  for (auto _ : state) {
    auto out = vote_majority_filter(c.cls, c.votes, c.codes, c.width, c.height, 3);
    benchmark::DoNotOptimize(out.data());
  }
  report_filter(state, c);
}
BENCHMARK(BM_VoteMajorityFilter3)->Unit(benchmark::kMillisecond);

static void BM_GuidedVoteMajorityFilter9(benchmark::State& state) {
  const FilterCase& c = filter_case();
  const VoteGuide guide{c.guide.data(), c.dims, c.features, 0.1};
  for (auto _ : state) {
    auto out = guided_vote_majority_filter(c.cls, c.votes, c.codes, guide, c.width, c.height, 9);
    benchmark::DoNotOptimize(out.data());
  }
  report_filter(state, c);
}
BENCHMARK(BM_GuidedVoteMajorityFilter9)->Unit(benchmark::kMillisecond);

// Field-level voting (kernels/segment_vote.hpp) on the same block: the
// segmentation of the 36 guide values in 64 px tiles at the default cost,
// then the whole "pool" path (segments, pooled votes, 9×9 guided filter with
// the other tiles' own votes) — what classify_crops adds to the guided filter.
static void BM_GuideSegments64(benchmark::State& state) {
  const FilterCase& c = filter_case();
  SegmentVoteParams p;
  p.segmentation.max_merge_cost = 16;
  for (auto _ : state) {
    auto seg = guide_segments(c.cls, {c.guide.data(), c.dims, c.features}, 0, 0, c.width, c.height, p);
    benchmark::DoNotOptimize(seg.data());
  }
  report_filter(state, c);
}
BENCHMARK(BM_GuideSegments64)->Unit(benchmark::kMillisecond);

static void BM_PooledSegmentsGuided9(benchmark::State& state) {
  const FilterCase& c = filter_case();
  SegmentVoteParams p;
  p.segmentation.max_merge_cost = 16;
  const VoteGuide guide{c.guide.data(), c.dims, c.features, 0.1};
  for (auto _ : state) {
    auto seg = guide_segments(c.cls, {c.guide.data(), c.dims, c.features}, 0, 0, c.width, c.height, p);
    auto cls = c.cls;
    auto pooled = c.votes;
    pool_segment_votes(cls, pooled, c.codes, seg, p.min_pixels);
    auto out = guided_vote_majority_filter(cls, pooled, c.codes, guide, c.width, c.height, 9,
                                           {c.votes.data(), p.tile, 0, 0});
    benchmark::DoNotOptimize(out.data());
  }
  report_filter(state, c);
}
BENCHMARK(BM_PooledSegmentsGuided9)->Unit(benchmark::kMillisecond);
