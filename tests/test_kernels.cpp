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
  std::vector<std::uint8_t> regime(n);
  std::vector<std::uint16_t> days(n);
  const std::uint8_t codes[] = {0, 1, 2, 3, 255};
  for (std::size_t i = 0; i < n; ++i) {
    commune[i] = static_cast<std::int32_t>(rng() % 6) - 1;  // −1 = outside
    s1[i] = rng() % 30;
    s2[i] = rng() % 20;
    regime[i] = codes[rng() % 5];
    days[i] = 90 + rng() % 30;
  }
  CommuneAccumulator whole(5);
  whole.add_block(commune, s1, s2, regime, days);
  // Four "blocks" merged in two different orders.
  std::vector<CommuneAccumulator> parts(4, CommuneAccumulator(5));
  for (std::size_t b = 0; b < 4; ++b) {
    const std::size_t lo = b * n / 4, hi = (b + 1) * n / 4;
    parts[b].add_block({commune.data() + lo, hi - lo}, {s1.data() + lo, hi - lo}, {s2.data() + lo, hi - lo},
                       {regime.data() + lo, hi - lo}, {days.data() + lo, hi - lo});
  }
  CommuneAccumulator fwd(5), rev(5);
  for (int b = 0; b < 4; ++b) fwd.merge(parts[b]);
  for (int b = 3; b >= 0; --b) rev.merge(parts[b]);
  EXPECT_EQ(fwd.rows(), whole.rows());
  EXPECT_EQ(rev.rows(), whole.rows());
  std::int64_t pixels = 0;
  for (const auto& r : whole.rows()) pixels += r.pixels;
  EXPECT_EQ(pixels, std::count_if(commune.begin(), commune.end(), [](int c) { return c >= 0; }));
  // Rice = every coded regime; its four columns add up to it.
  for (const auto& r : whole.rows()) {
    EXPECT_EQ(r.regime_pixels[0] + r.regime_pixels[1] + r.regime_pixels[2] + r.regime_pixels[3], r.rice_pixels);
    EXPECT_GT(r.regime_pixels[3], 0);  // 255 = undetermined lands in the last column
  }
  EXPECT_THROW(fwd.merge(CommuneAccumulator(4)), std::invalid_argument);
}

#include "kernels/field_series.hpp"

TEST(FieldSeries, MeansAreExactAndIndependentOfBlockSplit) {
  std::mt19937 rng(3);
  std::gamma_distribution<float> g(4.5f, 1.0f / 4.5f);
  const std::size_t n = 5000, dates = 4;
  std::vector<std::int32_t> field(n);
  std::vector<std::uint8_t> rice(n);
  std::vector<std::vector<float>> vv(dates, std::vector<float>(n)), vh = vv;
  for (std::size_t i = 0; i < n; ++i) field[i] = static_cast<std::int32_t>(rng() % 4) - 1, rice[i] = rng() % 2;
  for (std::size_t d = 0; d < dates; ++d)
    for (std::size_t i = 0; i < n; ++i) vv[d][i] = 0.05f * g(rng), vh[d][i] = (i % 50 == 0) ? NAN : 0.01f * g(rng);
  auto fill = [&](std::size_t lo, std::size_t hi) {
    FieldSeriesAccumulator a(dates);
    for (std::size_t d = 0; d < dates; ++d)
      a.add_date(d, {field.data() + lo, hi - lo}, {vv[d].data() + lo, hi - lo}, {vh[d].data() + lo, hi - lo});
    a.add_pixels({field.data() + lo, hi - lo}, {rice.data() + lo, hi - lo});
    return a;
  };
  const auto whole = fill(0, n);
  FieldSeriesAccumulator split(dates);
  for (std::size_t b = 3; b-- > 0;) split.merge(fill(b * n / 3, (b + 1) * n / 3));  // reversed order
  ASSERT_EQ(whole.fields(), (std::vector<std::int32_t>{0, 1, 2}));
  for (std::int32_t f : whole.fields()) {
    const auto a = whole.series(f), b = split.series(f);
    EXPECT_EQ(a.vv, b.vv);  // bit-identical
    EXPECT_EQ(a.vh, b.vh);
    EXPECT_EQ(a.rice_pixels, b.rice_pixels);
    // And equal to the plain mean over the usable pixels.
    double s = 0;
    int c = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (field[i] == f && std::isfinite(vh[2][i])) s += vv[2][i], ++c;
    EXPECT_NEAR(a.vv[2], s / c, 1e-6);
  }
}
