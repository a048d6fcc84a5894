#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "kernels/series_segmentation.hpp"

using namespace paddymrv::kernels;

namespace {

// A tile of dB series: value k of pixel i = level(type of i, k) + the dB of
// gamma speckle with `looks` looks.
struct Tile {
  int w = 0, h = 0;
  std::vector<std::vector<float>> values;  // [k][pixel]
  std::vector<const float*> planes() const {
    std::vector<const float*> p;
    for (const auto& v : values) p.push_back(v.data());
    return p;
  }
};

template <class Level>
Tile speckled_tile(int w, int h, int n_values, float looks, unsigned seed, Level level) {
  std::mt19937 rng(seed);
  std::gamma_distribution<float> g(looks, 1.0f / looks);
  Tile t{w, h, std::vector<std::vector<float>>(static_cast<std::size_t>(n_values))};
  for (int k = 0; k < n_values; ++k) {
    auto& v = t.values[static_cast<std::size_t>(k)];
    v.resize(static_cast<std::size_t>(w) * h);
    for (int i = 0; i < w * h; ++i) v[static_cast<std::size_t>(i)] = level(i % w, i / w, k) + 10.0f * std::log10(g(rng));
  }
  return t;
}

// VH of a paddy through 40 dates: flooded at −22 dB rising with the canopy;
// an AWD field stands 6 dB above it on dates 8–9 and 16–17 (two dry spells).
float paddy_db(bool awd, int k) {
  const float flooded = -22.0f + 0.2f * static_cast<float>(k);
  const bool dry = awd && ((k >= 8 && k <= 9) || (k >= 16 && k <= 17));
  return flooded + (dry ? 6.0f : 0.0f);
}

double trigamma(double x) {  // ψ'(x) by recurrence and the asymptotic series
  double r = 0;
  for (; x < 6; x += 1) r += 1 / (x * x);
  return r + 1 / x + 1 / (2 * x * x) + 1 / (6 * x * x * x) - 1 / (30 * std::pow(x, 5));
}

}  // namespace

TEST(SeriesSegmentation, NoiseVarianceIsTheSpeckleOfOnePixel) {
  const float looks = 4.5f;
  const Tile t = speckled_tile(48, 48, 30, looks, 1, [](int, int, int k) { return paddy_db(false, k); });
  const std::vector<std::uint8_t> mask(48 * 48, 1);
  const double expected = std::pow(10 / std::log(10.0), 2) * trigamma(looks);  // var of 10 log10(gamma)
  EXPECT_NEAR(neighbour_noise_variance(48, 48, mask, t.planes()), expected, 0.15 * expected);
}

TEST(SeriesSegmentation, OneFieldBecomesOneSegment) {
  const Tile t = speckled_tile(20, 20, 60, 4.5f, 2, [](int, int, int k) { return paddy_db(true, k); });
  const std::vector<std::uint8_t> mask(400, 1);
  const auto planes = t.planes();
  const auto label = segment_series(20, 20, mask, planes, neighbour_noise_variance(20, 20, mask, planes));
  std::map<std::int32_t, int> size;
  for (auto l : label) ++size[l];
  int in_large = 0;
  for (auto& [l, n] : size) in_large += n >= 50 ? n : 0;
  // Greedy merging sorts pure speckle into a few clusters (see the header):
  // a few large segments, not one.
  EXPECT_GE(in_large, 360) << "90 % of the field in segments of ≥ 50 px";
  EXPECT_LE(size.size(), 5u);
}

TEST(SeriesSegmentation, TerracesWithDifferentDrainageStayApart) {
  // 5 × 4 px terraces in a checkerboard of continuously flooded and AWD
  // fields with the same calendar: only the two dry spells tell them apart.
  const int W = 40, H = 24;
  auto awd_at = [](int x, int y) { return ((x / 5) + (y / 4)) % 2 == 1; };
  const Tile t = speckled_tile(W, H, 40, 4.5f, 3, [&](int x, int y, int k) { return paddy_db(awd_at(x, y), k); });
  const std::vector<std::uint8_t> mask(W * H, 1);
  const auto planes = t.planes();
  const auto label = segment_series(W, H, mask, planes, neighbour_noise_variance(W, H, mask, planes));
  std::map<std::int32_t, std::pair<int, int>> members;  // segment → (CF px, AWD px)
  for (int i = 0; i < W * H; ++i) {
    auto& m = members[label[static_cast<std::size_t>(i)]];
    (awd_at(i % W, i / W) ? m.second : m.first) += 1;
  }
  int minority = 0, in_big = 0;
  for (auto& [l, m] : members) {
    minority += std::min(m.first, m.second);
    if (m.first + m.second >= 8) in_big += m.first + m.second;
  }
  EXPECT_LE(minority, W * H / 20) << "at most 5 % of pixels in a segment of the other regime";
  EXPECT_GE(in_big, W * H * 3 / 4) << "most pixels averaged with at least 7 others";
}

TEST(SeriesSegmentation, SegmentsKeepToTheMaskAreConnectedAndCapped) {
  const int W = 30, H = 30;
  const Tile t = speckled_tile(W, H, 30, 4.5f, 4, [](int, int, int k) { return paddy_db(false, k); });
  std::vector<std::uint8_t> mask(W * H, 1);
  for (int y = 0; y < H; ++y) mask[static_cast<std::size_t>(y * W + 15)] = 0;  // a path splits the tile
  const auto planes = t.planes();
  SegmentationParams p;
  p.max_pixels = 100;
  const auto label = segment_series(W, H, mask, planes, neighbour_noise_variance(W, H, mask, planes), p);
  std::map<std::int32_t, std::set<int>> pixels;
  std::int32_t first_unseen = 0;
  for (int i = 0; i < W * H; ++i) {
    const auto l = label[static_cast<std::size_t>(i)];
    if (!mask[static_cast<std::size_t>(i)]) {
      EXPECT_EQ(l, -1);
      continue;
    }
    ASSERT_GE(l, 0);
    ASSERT_LE(l, first_unseen) << "labels numbered in raster order of first pixels";
    if (l == first_unseen) ++first_unseen;
    pixels[l].insert(i);
  }
  for (auto& [l, px] : pixels) {
    EXPECT_LE(px.size(), 100u);
    std::set<int> sides;
    for (int i : px) sides.insert(i % W < 15 ? 0 : 1);
    EXPECT_EQ(sides.size(), 1u) << "segment " << l << " crosses the path";
    // 4-connected: a flood fill from one pixel reaches all.
    std::set<int> seen{*px.begin()};
    std::vector<int> todo{*px.begin()};
    while (!todo.empty()) {
      const int i = todo.back();
      todo.pop_back();
      for (int j : {i - 1, i + 1, i - W, i + W}) {
        if (j < 0 || j >= W * H || (std::abs(j - i) == 1 && j / W != i / W)) continue;
        if (px.count(j) && seen.insert(j).second) todo.push_back(j);
      }
    }
    EXPECT_EQ(seen.size(), px.size()) << "segment " << l << " is not 4-connected";
  }
}

TEST(SeriesSegmentation, WithoutANoiseEstimateEveryPixelStandsAlone) {
  const std::vector<float> v(16, -20.0f);
  const std::vector<const float*> planes(10, v.data());
  const std::vector<std::uint8_t> mask(16, 1);
  EXPECT_EQ(neighbour_noise_variance(4, 4, mask, planes), 0.0);  // identical values: no speckle seen
  const auto label = segment_series(4, 4, mask, planes, 0.0);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(label[static_cast<std::size_t>(i)], i);
}

TEST(SeriesSegmentation, RejectsAMaskOfTheWrongSize) {
  const std::vector<std::uint8_t> mask(5, 1);
  EXPECT_THROW(segment_series(4, 4, mask, {}, 1.0), std::invalid_argument);
}
