#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/area_estimate.hpp"
#include "kernels/validation_bootstrap.hpp"

using namespace paddymrv::kernels;

namespace {

// 20 polygons of reference class 0 and 20 of class 1, 100 px each; 200 of
// class 0's pixels are mapped as class 1 — either two whole polygons
// (`clustered`: a field the forest gets wrong) or 10 px in every polygon.
std::vector<ValidationPolygon> sample(bool clustered) {
  std::vector<ValidationPolygon> s;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t wrong = clustered ? (i < 2 ? 100 : 0) : 10;
    s.push_back({0, {100 - wrong, wrong}});
  }
  for (int i = 0; i < 20; ++i) s.push_back({1, {0, 100}});
  return s;
}

}  // namespace

TEST(ValidationBootstrap, PolygonsAddUpToTheirMatrix) {
  const auto m = confusion_of(sample(true), 2);
  EXPECT_EQ(m.at(0, 0), 1800);
  EXPECT_EQ(m.at(1, 0), 200);
  EXPECT_EQ(m.at(1, 1), 2000);
  EXPECT_EQ(m.at(0, 1), 0);
  EXPECT_EQ(confusion_of(sample(false), 2).n, m.n);
}

TEST(ValidationBootstrap, RedrawsWholePolygonsWithinTheirClassReproducibly) {
  const auto s = sample(true);
  const auto a = bootstrap_confusion(s, 2, 50, 7), b = bootstrap_confusion(s, 2, 50, 7);
  ASSERT_EQ(a.size(), 50u);
  bool varies = false;
  for (std::size_t r = 0; r < a.size(); ++r) {
    EXPECT_EQ(a[r].n, b[r].n);  // same seed, same replicates
    // 20 polygons of 100 px per reference class in every replicate…
    EXPECT_EQ(a[r].at(0, 0) + a[r].at(1, 0), 2000);
    EXPECT_EQ(a[r].at(1, 1), 2000);
    // …and a wrong polygon is drawn whole: class 0's errors come in 100s.
    EXPECT_EQ(a[r].at(1, 0) % 100, 0);
    varies = varies || a[r].at(1, 0) != 200;
  }
  EXPECT_TRUE(varies);
  // Another seed, other draws.
  const auto c = bootstrap_confusion(s, 2, 50, 8);
  bool differs = false;
  for (std::size_t r = 0; r < a.size(); ++r) differs = differs || c[r].n != a[r].n;
  EXPECT_TRUE(differs);
  // No polygon (a model written before them): no replicates, so the caller
  // keeps Eq. 10 instead of zero variance.
  EXPECT_TRUE(bootstrap_confusion({}, 2, 50, 7).empty());
}

TEST(ValidationBootstrap, ErrorsConcentratedInFewFieldsWidenTheInterval) {
  const std::vector<double> mapped = {500, 500};  // ha
  const auto clustered = sample(true), spread = sample(false);
  const auto m = confusion_of(clustered, 2);
  const auto eq10 = stratified_area_estimate(m, mapped);
  const auto wide = stratified_area_estimate(m, mapped, bootstrap_confusion(clustered, 2, 2000, 1));
  const auto flat = stratified_area_estimate(m, mapped, bootstrap_confusion(spread, 2, 2000, 1));
  // Same sample counts: same point estimate whatever the interval.
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_DOUBLE_EQ(wide.adjusted[j], eq10.adjusted[j]);
    EXPECT_DOUBLE_EQ(flat.adjusted[j], eq10.adjusted[j]);
  }
  // Eq. 10 sees 2,200 independent pixels in stratum 1: ± ≈ 6 ha. Two wrong
  // fields out of 20 are a binomial count X of polygons, and
  // Â₀ = 500 + 500·100X/(100X + 2000): by the delta method ± ≈ 54 ha.
  // (Stratum 0's 1,800 pixels are all right: its own share adds the uniform
  // prior's posterior variance 1801·1/(1802²·1803) instead of zero,
  // area_estimate.hpp.)
  const double beta = 1801.0 / (1802.0 * 1802.0 * 1803.0);
  EXPECT_NEAR(eq10.ci95[0], 1.96 * 1000 * std::sqrt(0.25 * (200.0 / 2200) * (2000.0 / 2200) / 2199 + 0.25 * beta),
              1e-9);
  EXPECT_GT(wide.ci95[0], 5 * eq10.ci95[0]);
  EXPECT_NEAR(wide.ci95[0], 1.96 * 500 * std::sqrt(20 * 0.1 * 0.9) * 100 * 2000 / (2200.0 * 2200), 10);
  // Every class-0 polygon alike: every replicate is the sample itself, and
  // the interval falls back to its floor, Eq. 10.
  EXPECT_DOUBLE_EQ(flat.ci95[0], eq10.ci95[0]);
  // Fewer than two replicates: Eq. 10.
  EXPECT_EQ(stratified_area_estimate(m, mapped, std::vector<ConfusionMatrix>{}).ci95, eq10.ci95);
}

TEST(ValidationBootstrap, AnErrorFreeFieldIsOneUnitNotItsPixels) {
  // Class 0: 3 validation fields of 100 px, all right, against 300 points
  // all right: the same matrix, but three fields are three draws.
  std::vector<ValidationPolygon> fields, points;
  for (int i = 0; i < 3; ++i) fields.push_back({0, {100, 0}});
  for (int i = 0; i < 300; ++i) points.push_back({0, {1, 0}});
  for (auto* s : {&fields, &points})
    for (int i = 0; i < 10; ++i) s->push_back({1, {5, 95}});
  // Kish: stratum 0 of the fields holds 3 × 100 px right and 10 × 5 px
  // wrong: (350)² / (3·100² + 10·5²) = 4.00 effective units, 300/350 of
  // them right; stratum 1 holds 10 × 95 px: 10 units, all right.
  const auto uf = units_per_stratum(fields, 2), up = units_per_stratum(points, 2);
  const double u0 = 350.0 * 350 / (3 * 1e4 + 10 * 25.0), r0 = u0 * 300 / 350;
  EXPECT_NEAR(uf.units[0], u0, 1e-12);
  EXPECT_NEAR(uf.right[0], r0, 1e-12);
  EXPECT_NEAR(uf.units[1], 10, 1e-12);
  EXPECT_NEAR(uf.right[1], 10, 1e-12);
  // Points: each its own unit of one pixel (stratum 0: 300 points + 10 × 5 px).
  EXPECT_NEAR(up.units[0], 350.0 * 350 / (300 + 250.0), 1e-9);
  EXPECT_NEAR(up.units[1], 10, 1e-12);
  const auto m = confusion_of(fields, 2);
  ASSERT_EQ(m.n, confusion_of(points, 2).n);
  const std::vector<double> mapped = {100, 900};
  const auto by_fields = stratified_area_estimate(m, mapped, units_per_stratum(fields, 2));
  const auto by_pixels = stratified_area_estimate(m, mapped);
  // Stratum 0 has 350 px (300 right of class 0, 50 of class 1) in ≈ 4
  // effective fields: Beta(r0 + 1, u0 − r0 + 1) is far wider than Eq. 10
  // on 350 px.
  const double w0 = 0.1, eq10_0 = (300.0 / 350) * (50.0 / 350) / 349;
  const double beta_0 = (r0 + 1) * (u0 - r0 + 1) / ((u0 + 2) * (u0 + 2) * (u0 + 3));
  EXPECT_NEAR(by_pixels.ci95[0] * by_pixels.ci95[0], 1.96 * 1.96 * 1e6 * w0 * w0 * eq10_0, 1e-6);
  EXPECT_GT(beta_0, eq10_0);
  // Stratum 1 (950 px of class 1, none wrong): 10 fields, not 950 px.
  const double w1 = 0.9;
  EXPECT_NEAR(by_fields.ci95[1] * by_fields.ci95[1] - by_pixels.ci95[1] * by_pixels.ci95[1],
              1.96 * 1.96 * 1000 * 1000 * w1 * w1 * (11.0 / (12.0 * 12 * 13) - 951.0 / (952.0 * 952 * 953)), 1e-6);
  // Column 0 gathers stratum 0's own term and stratum 1's (no class-0
  // pixel there: 0), so its interval is Beta(4, 11)'s.
  EXPECT_NEAR(by_fields.ci95[0] * by_fields.ci95[0], 1.96 * 1.96 * 1e6 * w0 * w0 * beta_0, 1e-6);
  EXPECT_GT(by_fields.ci95[1], 3 * by_pixels.ci95[1]);
}

TEST(ValidationBootstrap, CountedInFieldsAnErrorStillNeverNarrowsTheInterval) {
  // Class 0: three validation fields of 100 px, all right; then one pixel
  // of the only class-1 field mapped as class 0. Counted in fields the
  // error-free stratum is uncertain (3 units); one wrong pixel must not
  // shrink that to Eq. 10 on 301 pixels.
  std::vector<ValidationPolygon> clean;
  for (int i = 0; i < 3; ++i) clean.push_back({0, {100, 0}});
  std::vector<ValidationPolygon> one_wrong = clean;
  clean.push_back({1, {0, 100}});
  one_wrong.push_back({1, {1, 99}});
  const std::vector<double> mapped = {100, 900};
  const auto e0 = stratified_area_estimate(confusion_of(clean, 2), mapped, units_per_stratum(clean, 2));
  const auto e1 = stratified_area_estimate(confusion_of(one_wrong, 2), mapped, units_per_stratum(one_wrong, 2));
  EXPECT_NEAR(e0.ci95[0] * e0.ci95[0], 1.96 * 1.96 * 1000 * 1000 * 0.01 * 4.0 / (25.0 * 6), 1e-6);
  EXPECT_GE(e1.ci95[0], e0.ci95[0]);
}
