#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernels/speckle_filter.hpp"

using namespace paddymrv::kernels;

namespace {
// Gamma speckle (mean 1, shape L) on a constant reflectivity.
std::vector<float> speckled(int w, int h, float level, float looks, unsigned seed) {
  std::mt19937 rng(seed);
  std::gamma_distribution<float> g(looks, 1.0f / looks);
  std::vector<float> v(static_cast<std::size_t>(w) * h);
  for (auto& x : v) x = level * g(rng);
  return v;
}
double mean_of(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += x;
  return s / static_cast<double>(v.size());
}
}  // namespace

TEST(SpeckleFilter, UnfilteredGammaSpeckleHasItsNominalLooks) {
  const auto img = speckled(200, 200, 0.05f, 4.5f, 1);
  EXPECT_NEAR(equivalent_looks(img), 4.5, 0.25);
}

TEST(SpeckleFilter, LeePreservesTheMeanAndRaisesLooks) {
  auto img = speckled(200, 200, 0.05f, 4.5f, 2);
  const double before = mean_of(img);
  lee_filter(img, 200, 200, {5, 4.5f, false});
  EXPECT_NEAR(mean_of(img) / before, 1.0, 0.01);
  EXPECT_GT(equivalent_looks(img), 4.5 * 5);  // a 5×5 window on a homogeneous area
}

TEST(SpeckleFilter, LeeKeepsAnEdge) {
  // Left half flooded paddy (−22 dB), right half bund/soil (−10 dB).
  const int w = 60, h = 40;
  auto img = speckled(w, h, 1.0f, 4.5f, 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img[y * w + x] *= x < w / 2 ? 0.0063f : 0.1f;
  lee_filter(img, w, h, {5, 4.5f, false});
  double left = 0, right = 0;
  for (int y = 0; y < h; ++y) left += img[y * w + w / 2 - 4], right += img[y * w + w / 2 + 3];
  EXPECT_LT(10 * std::log10(left / h), -19.0);
  EXPECT_GT(10 * std::log10(right / h), -12.0);
}

TEST(SpeckleFilter, QueganPreservesEachDateMeanAndRaisesLooks) {
  const int w = 120, h = 120, dates = 10;
  std::vector<std::vector<float>> stack;
  std::vector<double> before;
  for (int d = 0; d < dates; ++d) {
    // The level changes with time (a field draining and re-flooding).
    stack.push_back(speckled(w, h, d % 3 == 0 ? 0.1f : 0.01f, 4.5f, 10 + d));
    before.push_back(mean_of(stack.back()));
  }
  stack[4][77] = NAN;  // a missing pixel stays missing
  quegan_filter(stack, w, h, {5, 4.5f, true});
  for (int d = 0; d < dates; ++d) {
    if (d != 4) {
      EXPECT_NEAR(mean_of(stack[d]) / before[d], 1.0, 0.02) << d;
    }
    // 1/ENL ≈ 1/(25·L) + 1/(N·L) for a 5×5 window and N = 10 dates: ≈ 32.
    EXPECT_GT(equivalent_looks(stack[d]), 4.5 * 6) << d;
  }
  EXPECT_TRUE(std::isnan(stack[4][77]));
  // The temporal change survives: flooded dates stay ~10 dB below drained ones.
  EXPECT_NEAR(10 * std::log10(mean_of(stack[0]) / mean_of(stack[1])), 10.0, 0.5);
}
