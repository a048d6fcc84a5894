#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernels/commune_accumulator.hpp"
#include "kernels/observation_count.hpp"

using namespace paddymrv::kernels;

TEST(ObservationCount, Sentinel1NeedsBothPolarisationsFiniteAndPositive) {
  const float nan = std::nanf("");
  std::vector<float> vv{0.01f, 0.02f, nan, 0.0f, 0.05f, -1.0f, INFINITY};
  std::vector<float> vh{0.002f, nan, 0.003f, 0.004f, 0.005f, 0.001f, 0.001f};
  std::vector<std::uint16_t> count(7, 3);
  std::vector<std::uint8_t> usable(7);
  add_s1_observations(vv, vh, count, usable);
  EXPECT_EQ(count, (std::vector<std::uint16_t>{4, 3, 3, 3, 4, 3, 3}));
  EXPECT_EQ(usable, (std::vector<std::uint8_t>{1, 0, 0, 0, 1, 0, 0}));
}

TEST(ObservationCount, Sentinel2ClearFollowsTheSclMask) {
  std::vector<std::uint8_t> scl{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  std::vector<std::uint16_t> count(scl.size(), 0);
  add_s2_clear(scl, default_scl_mask(), count);
  EXPECT_EQ(count, (std::vector<std::uint16_t>{0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0}));
  std::vector<int> only_veg{4};
  add_s2_clear(scl, SclMask::from(only_veg), count);
  EXPECT_EQ(count[4], 2);
  EXPECT_EQ(count[5], 1);
}

TEST(GapTracker, LongestGapIncludesSeasonBounds) {
  GapTracker g(3, 0);
  const std::vector<std::uint8_t> a{1, 1, 0}, b{1, 0, 0}, c{0, 1, 0};
  g.add(6, a);
  g.add(12, b);
  g.add(30, c);
  std::vector<std::uint16_t> out(3);
  g.finish(40, out);
  EXPECT_EQ(out[0], 28);  // last seen day 12, season ends day 40
  EXPECT_EQ(out[1], 24);  // 6 → 30
  EXPECT_EQ(out[2], 40);  // never seen
}

TEST(CommuneAccumulator, MergeIsOrderIndependentAndMatchesOnePass) {
  std::mt19937 rng(7);
  const std::size_t n = 10000;
  std::vector<std::int32_t> commune(n);
  std::vector<std::uint16_t> s1(n), s2(n);
  for (std::size_t i = 0; i < n; ++i) {
    commune[i] = static_cast<std::int32_t>(rng() % 6) - 1;  // −1 = outside
    s1[i] = rng() % 30;
    s2[i] = rng() % 20;
  }
  CommuneAccumulator whole(5);
  whole.add_block(commune, s1, s2);
  // Four "blocks" merged in two different orders.
  std::vector<CommuneAccumulator> parts(4, CommuneAccumulator(5));
  for (std::size_t b = 0; b < 4; ++b) {
    const std::size_t lo = b * n / 4, hi = (b + 1) * n / 4;
    parts[b].add_block({commune.data() + lo, hi - lo}, {s1.data() + lo, hi - lo}, {s2.data() + lo, hi - lo});
  }
  CommuneAccumulator fwd(5), rev(5);
  for (int b = 0; b < 4; ++b) fwd.merge(parts[b]);
  for (int b = 3; b >= 0; --b) rev.merge(parts[b]);
  EXPECT_EQ(fwd.rows(), whole.rows());
  EXPECT_EQ(rev.rows(), whole.rows());
  std::int64_t pixels = 0;
  for (const auto& r : whole.rows()) pixels += r.pixels;
  EXPECT_EQ(pixels, std::count_if(commune.begin(), commune.end(), [](int c) { return c >= 0; }));
  EXPECT_THROW(fwd.merge(CommuneAccumulator(4)), std::invalid_argument);
}
