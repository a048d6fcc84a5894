// The context filter of the radar features (kernels/context_features.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernels/context_features.hpp"

namespace k = paddymrv::kernels;

namespace {

// Two fields side by side on a W × H grid: columns x < W/2 are field A, the
// others field B. Each pixel has 4 guide values (its field's optical series
// plus a little noise), one copied column and 2 radar columns (its field's
// value plus strong per-pixel noise).
constexpr int kW = 24, kH = 16, kCols = 7, kGuide = 4, kFirstSmoothed = 5;
// Output rows: the 7 own columns, then the means of columns 5 and 6.
constexpr int kOutCols = kCols + kCols - kFirstSmoothed;
constexpr float kRadarA = -12.0f, kRadarB = -10.0f;

std::vector<float> two_fields(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> guide_noise(0.0f, 0.01f), radar_noise(0.0f, 1.0f);
  std::vector<float> f(static_cast<std::size_t>(kW) * kH * kCols);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      float* p = f.data() + (static_cast<std::size_t>(y) * kW + x) * kCols;
      const bool a = x < kW / 2;
      for (int g = 0; g < kGuide; ++g) p[g] = (a ? 0.3f + 0.1f * g : 0.7f - 0.1f * g) + guide_noise(rng);
      p[4] = static_cast<float>(y * kW + x);  // not smoothed: copied as is
      p[5] = (a ? kRadarA : kRadarB) + radar_noise(rng);
      p[6] = (a ? kRadarA : kRadarB) - 3.0f + radar_noise(rng);
    }
  return f;
}

k::ContextInput whole(const std::vector<float>& f, int radius) {
  k::ContextInput in;
  in.features = f.data();
  in.outer_width = kW;
  in.outer_height = kH;
  in.cols = kCols;
  in.guide_dims = kGuide;
  in.first_smoothed = kFirstSmoothed;
  in.smoothed = kCols - kFirstSmoothed;
  in.radius = radius;
  in.bandwidth = 0.1;
  in.width = kW;
  return in;
}

std::vector<float> run(const k::ContextInput& in, std::size_t rows) {
  std::vector<float> out(rows * static_cast<std::size_t>(kOutCols));
  k::guided_context_rows(in, 0, rows, out.data());
  return out;
}

}  // namespace

TEST(ContextFeatures, AveragesTheFieldsRadarFeaturesButNotAcrossTheBoundary) {
  const auto f = two_fields(1);
  const auto out = run(whole(f, 4), static_cast<std::size_t>(kW) * kH);
  double raw_sq = 0, ctx_sq = 0, pull_a = 0, pull_b = 0;
  int n = 0;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * kW + x) * kCols;
      const std::size_t o = (static_cast<std::size_t>(y) * kW + x) * kOutCols + kCols;  // mean of column 5
      const float truth = x < kW / 2 ? kRadarA : kRadarB;
      raw_sq += std::pow(f[i + 5] - truth, 2);
      ctx_sq += std::pow(out[o] - truth, 2);
      ++n;
      // Next to the boundary the other field (2 dB away) weighs e⁻⁶ (its
      // guide differs by 0.06 in mean square, bandwidth 0.1): the mean stays
      // on the pixel's own field. An unweighted 9 × 9 mean would be pulled
      // by 2 dB × 36/81 ≈ 0.9 dB towards the other field.
      if (x == kW / 2 - 1) pull_a += (out[o] - truth) / kH;
      if (x == kW / 2) pull_b += (out[o] - truth) / kH;
    }
  // 1 dB of noise per pixel; a mean of ≥ 25 of the field's pixels (radius 4
  // at the boundary: 5 × 9) has ≤ 0.2 dB.
  EXPECT_LT(std::sqrt(ctx_sq / n), 0.25);
  EXPECT_GT(std::sqrt(raw_sq / n), 0.8);
  EXPECT_LT(std::abs(pull_a), 0.2);
  EXPECT_LT(std::abs(pull_b), 0.2);
}

TEST(ContextFeatures, EveryOwnColumnIsKeptBeforeTheMeans) {
  const auto f = two_fields(2);
  const auto out = run(whole(f, 3), static_cast<std::size_t>(kW) * kH);
  int moved = 0;
  for (std::size_t p = 0; p < static_cast<std::size_t>(kW) * kH; ++p) {
    for (int c = 0; c < kCols; ++c) ASSERT_EQ(out[p * kOutCols + c], f[p * kCols + c]);
    moved += out[p * kOutCols + kCols] != f[p * kCols + kFirstSmoothed];
  }
  EXPECT_GT(moved, kW * kH / 2);  // the means are not the pixel's own values
}

TEST(ContextFeatures, RadiusZeroMeansAreThePixelsOwnValues) {
  const auto f = two_fields(3);
  const auto out = run(whole(f, 0), static_cast<std::size_t>(kW) * kH);
  for (std::size_t p = 0; p < static_cast<std::size_t>(kW) * kH; ++p)
    for (int c = 0; c < kOutCols; ++c)
      ASSERT_EQ(out[p * kOutCols + c], f[p * kCols + (c < kCols ? c : c - kCols + kFirstSmoothed)]);
}

// What makes the map independent of block size: a pixel's result depends
// only on the features within its radius, wherever the outer window is cut,
// and rows computed in slabs equal rows computed at once.
TEST(ContextFeatures, ABlockReadWithItsHaloGivesTheWholeGridsValues) {
  const auto f = two_fields(4);
  const int r = 2;
  const auto all = run(whole(f, r), static_cast<std::size_t>(kW) * kH);
  // Block: columns 6..13, rows 5..10; outer = block + r.
  const int bx = 6, by = 5, bw = 8, bh = 6;
  const int ox = bx - r, oy = by - r, ow = bw + 2 * r, oh = bh + 2 * r;
  std::vector<float> outer(static_cast<std::size_t>(ow) * oh * kCols);
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x)
      for (int c = 0; c < kCols; ++c)
        outer[(static_cast<std::size_t>(y) * ow + x) * kCols + c] =
            f[(static_cast<std::size_t>(y + oy) * kW + x + ox) * kCols + c];
  k::ContextInput in = whole(outer, r);
  in.outer_width = ow;
  in.outer_height = oh;
  in.x0 = r;
  in.y0 = r;
  in.width = bw;
  std::vector<float> block(static_cast<std::size_t>(bw) * bh * kOutCols);
  // Two slabs of uneven size.
  k::guided_context_rows(in, 0, 5, block.data());
  k::guided_context_rows(in, 5, static_cast<std::size_t>(bw) * bh - 5, block.data() + 5 * kOutCols);
  for (int y = 0; y < bh; ++y)
    for (int x = 0; x < bw; ++x)
      for (int c = 0; c < kOutCols; ++c)
        ASSERT_EQ(block[(static_cast<std::size_t>(y) * bw + x) * kOutCols + c],
                  all[(static_cast<std::size_t>(y + by) * kW + x + bx) * kOutCols + c])
            << "pixel " << x << "," << y << " column " << c;
}

TEST(ContextFeatures, InconsistentInputIsRefused) {
  const auto f = two_fields(5);
  std::vector<float> out(kOutCols);
  k::ContextInput in = whole(f, 2);
  in.guide_dims = kCols + 1;
  EXPECT_THROW(k::guided_context_rows(in, 0, 1, out.data()), std::invalid_argument);
  in = whole(f, 2);
  in.x0 = 1;  // the output window would stick out of the outer one
  EXPECT_THROW(k::guided_context_rows(in, 0, 1, out.data()), std::invalid_argument);
  in = whole(f, 2);
  EXPECT_THROW(k::guided_context_rows(in, static_cast<std::size_t>(kW) * kH, 1, out.data()), std::invalid_argument);
}
