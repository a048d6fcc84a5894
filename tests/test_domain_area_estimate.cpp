#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "kernels/area_estimate.hpp"
#include "kernels/domain_area_estimate.hpp"
#include "kernels/split_mix.hpp"

using namespace paddymrv::kernels;

namespace {

DomainUnit point(int reference, int domain, int mapped) { return {reference, {{domain, mapped, 1}}}; }

// Two classes, two domains; mapped areas d0 = (60, 40), d1 = (40, 60).
// Stratum 0 (ten points): d0 five right and one of class 1, d1 four right.
// Stratum 1 (ten points): d0 four right, d1 four right and two of class 0.
std::vector<DomainUnit> worked_sample() {
  std::vector<DomainUnit> s;
  for (int i = 0; i < 5; ++i) s.push_back(point(0, 0, 0));
  s.push_back(point(1, 0, 0));
  for (int i = 0; i < 4; ++i) s.push_back(point(0, 1, 0));
  for (int i = 0; i < 4; ++i) s.push_back(point(1, 0, 1));
  for (int i = 0; i < 4; ++i) s.push_back(point(1, 1, 1));
  for (int i = 0; i < 2; ++i) s.push_back(point(0, 1, 1));
  return s;
}

}  // namespace

TEST(DomainAreaEstimate, WorkedExampleByHand) {
  const std::vector<double> mapped{60, 40, 40, 60};
  const auto e = domain_area_estimate(worked_sample(), 2, mapped, 0, 1);
  ASSERT_EQ(e.domains, 2);
  // Â_dk = M_dk + Σ_h (A_h / n_h) Σ e: A = (100, 100), n = (10, 10).
  EXPECT_NEAR(e.adjusted[0], 60 + 10 * (5 - 6), 1e-9);  // d0 class 0: one of its stratum-0 points is class 1
  EXPECT_NEAR(e.adjusted[1], 40 + 10 * 1, 1e-9);
  EXPECT_NEAR(e.adjusted[2], 40 + 10 * 2, 1e-9);         // d1 class 0: two stratum-1 points are class 0
  EXPECT_NEAR(e.adjusted[3], 60 + 10 * (4 - 6), 1e-9);
  // d0 class 0: stratum 0's e are one −1 and nine 0 → s² = (1 − 10·0.1²)/9 = 0.1,
  // A²s²/n = 100; stratum 1 shows no class-0 pixel in d0 → 0.
  EXPECT_NEAR(e.ci95[0], 1.959964 * 10.0, 1e-9);
  // d1 class 0: stratum 1's e are two 1 → mean 0.2, s² = (2 − 10·0.04)/9;
  // none of stratum 0's points in d1 is wrong, so instead of 0 it adds A²
  // times the variance of Beta(1, 11) (the stratum's share in d1 and wrong,
  // 0 of 10 points), below its cap A·M/u = 100 · 40 / 10.
  EXPECT_NEAR(e.ci95[2], 1.959964 * std::sqrt(1e4 * (1.6 / 9) / 10 + 1e4 * 11.0 / (12.0 * 12.0 * 13.0)), 1e-9);
}

TEST(DomainAreaEstimate, CommunesAddUpToOlofssonsProvinceEstimate) {
  // Three classes, four domains, 300 points with errors everywhere.
  SplitMix64 rng{42};
  std::vector<DomainUnit> s;
  ConfusionMatrix m(3);
  for (int i = 0; i < 300; ++i) {
    const int d = static_cast<int>(rng.below(4)), h = static_cast<int>(rng.below(3));
    const int k = rng.below(10) < 8 ? h : static_cast<int>(rng.below(3));
    s.push_back(point(k, d, h));
    ++m.at(h, k);
  }
  std::vector<double> mapped(12), province(3, 0.0);
  for (std::size_t i = 0; i < 12; ++i) {
    mapped[i] = 10.0 + 7.0 * static_cast<double>(i % 5);
    province[i % 3] += mapped[i];
  }
  const auto e = domain_area_estimate(s, 3, mapped, 0, 1);
  const auto p = stratified_area_estimate(m, province);
  for (int k = 0; k < 3; ++k) {
    double sum = 0;
    for (int d = 0; d < 4; ++d) sum += e.adjusted[static_cast<std::size_t>(d * 3 + k)];
    EXPECT_NEAR(sum, p.adjusted[static_cast<std::size_t>(k)], 1e-9) << "class " << k;
  }
}

TEST(DomainAreaEstimate, UnbiasedAndCoveredWhereTheMapErrsInOneCommuneOnly) {
  // A population of 2 × 5,000 pixels: the map is right everywhere in domain
  // 0; in domain 1, 30 % of the pixels mapped as class 0 are class 1. Many
  // simple random samples of 300 pixels: the domain estimates average to the
  // truth and their 95 % intervals cover it about 95 % of the time, where the
  // synthetic estimator (the province's matrix on each domain's shares)
  // puts the error's weight on domain 0 too and misses there.
  constexpr int kPerDomain = 5000, kDraws = 400, kSample = 300;
  struct Px {
    int domain, mapped, reference;
  };
  std::vector<Px> pop;
  for (int d = 0; d < 2; ++d)
    for (int i = 0; i < kPerDomain; ++i) {
      const int mapped = i < 3000 ? 0 : 1;
      const int reference = d == 1 && mapped == 0 && i % 10 < 3 ? 1 : mapped;
      pop.push_back({d, mapped, reference});
    }
  std::vector<double> mapped{3000, 2000, 3000, 2000}, truth{3000, 2000, 2100, 2900};
  SplitMix64 rng{20141101};
  std::vector<double> mean(4, 0.0);
  std::vector<int> covered(4, 0), synthetic_covered(4, 0);
  for (int draw = 0; draw < kDraws; ++draw) {
    std::vector<DomainUnit> s;
    ConfusionMatrix m(2);
    for (int i = 0; i < kSample; ++i) {
      const Px& p = pop[rng.below(pop.size())];
      s.push_back(point(p.reference, p.domain, p.mapped));
      ++m.at(p.mapped, p.reference);
    }
    const auto e = domain_area_estimate(s, 2, mapped, 0, 1);
    for (std::size_t i = 0; i < 4; ++i) {
      mean[i] += e.adjusted[i] / kDraws;
      covered[i] += std::abs(e.adjusted[i] - truth[i]) <= e.ci95[i];
    }
    for (std::size_t d = 0; d < 2; ++d) {
      const auto syn = stratified_area_estimate(m, {mapped[2 * d], mapped[2 * d + 1]});
      for (std::size_t k = 0; k < 2; ++k)
        synthetic_covered[2 * d + k] += std::abs(syn.adjusted[k] - truth[2 * d + k]) <= syn.ci95[k];
    }
  }
  // Domain 0, where the map is right: its pixels show no error, so its
  // estimate is the map, exactly (only the error-free prior's width).
  EXPECT_NEAR(mean[0], truth[0], 1e-6);
  EXPECT_NEAR(mean[1], truth[1], 1e-6);
  EXPECT_EQ(covered[0], kDraws);
  // Domain 1: unbiased (the sampling sd of one estimate is ≈ 200), and the
  // intervals neither too narrow nor needlessly wide.
  for (std::size_t i = 2; i < 4; ++i) {
    EXPECT_NEAR(mean[i], truth[i], 40.0) << "cell " << i;
    EXPECT_GE(covered[i], kDraws * 90 / 100) << "cell " << i;
    EXPECT_LE(covered[i], kDraws * 99 / 100) << "cell " << i;
  }
  EXPECT_LT(synthetic_covered[0], kDraws * 80 / 100);  // domain 0, class 0: biased low by ≈ 450 ha
}

TEST(DomainAreaEstimate, WhatTheSampleCannotShowKeepsTheMapWithAPriorsWidth) {
  // Stratum 2 has no validation pixel; domain 1 has none at all.
  std::vector<DomainUnit> s;
  for (int i = 0; i < 20; ++i) s.push_back(point(0, 0, 0));
  for (int i = 0; i < 20; ++i) s.push_back(point(1, 0, 1));
  s.push_back({0, {{-1, 1, 5}}});  // outside every domain: left out
  const std::vector<double> mapped{50, 30, 20, 40, 35, 25};
  const auto e = domain_area_estimate(s, 3, mapped, 200, 3);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(e.adjusted[i], mapped[i], 1e-9) << i;
  // Unsampled stratum 2: the uniform prior, M/√12.
  EXPECT_NEAR(e.ci95[2], 1.959964 * 20 / std::sqrt(12.0), 1e-9);
  EXPECT_NEAR(e.ci95[5], 1.959964 * 25 / std::sqrt(12.0), 1e-9);
  // No wrong pixel seen: never a zero-width interval, but V at the share
  // (in the domain and wrong) that Beta(1, 21) makes plausible, in either
  // domain: A_0 = 90 ha, A_1 = 65 ha over 20 points each.
  const double beta = 21.0 / (22.0 * 22.0 * 23.0);
  EXPECT_NEAR(e.ci95[0], 1.959964 * 90 * std::sqrt(beta), 1e-9);
  EXPECT_NEAR(e.ci95[3], 1.959964 * 90 * std::sqrt(beta), 1e-9);
  EXPECT_NEAR(e.ci95[1], 1.959964 * 65 * std::sqrt(beta), 1e-9);
  // …capped by what the domain maps: with 0.5 ha of class 0, domain 1 has
  // at most that much of it to be wrong about (V ≤ (M/2)²).
  const auto small = domain_area_estimate(s, 3, {50, 30, 20, 0.5, 35, 25}, 0, 3);
  EXPECT_NEAR(small.ci95[3], 1.959964 * 0.25, 1e-9);
  // A class a domain does not map at all has nothing to be wrong about.
  const auto none = domain_area_estimate(s, 3, {50, 30, 20, 40, 0, 25}, 0, 3);
  EXPECT_EQ(none.ci95[4], 0.0);
  EXPECT_EQ(none.adjusted[4], 0.0);
}

TEST(DomainAreaEstimate, WholeWrongPolygonsWidenTheIntervalReproducibly) {
  // 20 polygons of 50 px per class in one domain; two class-0 fields are
  // mapped as class 1 on all their pixels (clustered errors) or five pixels
  // of every field are (the same 100 wrong pixels, spread).
  auto sample = [](bool clustered) {
    std::vector<DomainUnit> s;
    for (int i = 0; i < 20; ++i) {
      const std::int64_t wrong = clustered ? (i < 2 ? 50 : 0) : 5;
      s.push_back({0, {{0, 0, 50 - wrong}, {0, 1, wrong}}});
    }
    for (int i = 0; i < 20; ++i) s.push_back({1, {{0, 1, 50}}});
    return s;
  };
  const std::vector<double> mapped{900, 1100};
  const auto c = domain_area_estimate(sample(true), 2, mapped, 2000, 9);
  const auto spread = domain_area_estimate(sample(false), 2, mapped, 2000, 9);
  EXPECT_NEAR(c.adjusted[0], spread.adjusted[0], 1e-9);  // same pixels, same estimate
  // But two wrong fields are two draws, not 100: the bootstrap of whole
  // units widens the interval beyond the variance on the pixels.
  EXPECT_GT(c.ci95[0], 1.4 * spread.ci95[0]);
  EXPECT_GT(c.ci95[0], 1.3 * domain_area_estimate(sample(true), 2, mapped, 0, 9).ci95[0]);
  const auto again = domain_area_estimate(sample(true), 2, mapped, 2000, 9);
  EXPECT_EQ(c.ci95, again.ci95);
}

TEST(DomainAreaEstimate, ManyCommunesFewPointsEachStayCoveredAndSmallClassesStaySmall) {
  // 20 communes of 1,000 pixels, three classes; the map errs on 0, 5 or 20 %
  // of a commune's pixels; commune 0 holds only 2 % rice and a right map.
  // 300 random points (15 a commune) drawn 200 times.
  constexpr int D = 20, C = 3, kPixels = 1000, kDraws = 200, kSample = 300;
  struct Px {
    int domain, mapped, reference;
  };
  SplitMix64 rng{5};
  std::vector<Px> pop;
  std::vector<double> mapped(D * C, 0.0), truth(D * C, 0.0);
  for (int d = 0; d < D; ++d) {
    const double rice = d == 0 ? 0.02 : 0.1 + 0.05 * (d % 8);
    const int err_pct = d == 0 ? 0 : (d % 3 == 0 ? 0 : d % 3 == 1 ? 5 : 20);
    for (int i = 0; i < kPixels; ++i) {
      const int reference = i < rice * kPixels ? 0 : i % 2 ? 1 : 2;
      const int mapped_class = static_cast<int>(rng.below(100)) < err_pct ? (reference + 1) % C : reference;
      pop.push_back({d, mapped_class, reference});
      ++mapped[static_cast<std::size_t>(d * C + mapped_class)];
      ++truth[static_cast<std::size_t>(d * C + reference)];
    }
  }
  int covered = 0;
  double rice0_half_width = 0;
  for (int draw = 0; draw < kDraws; ++draw) {
    std::vector<DomainUnit> s;
    for (int i = 0; i < kSample; ++i) {
      const Px& p = pop[rng.below(pop.size())];
      s.push_back(point(p.reference, p.domain, p.mapped));
    }
    const auto e = domain_area_estimate(s, C, mapped, 0, 1);
    for (std::size_t i = 0; i < mapped.size(); ++i) covered += std::abs(e.adjusted[i] - truth[i]) <= e.ci95[i];
    rice0_half_width += e.ci95[0] / kDraws;
  }
  const double coverage = static_cast<double>(covered) / (kDraws * D * C);
  EXPECT_GE(coverage, 0.93);
  // Commune 0's 20 ha of well-mapped rice: about ± its own area at most, not
  // ± one sampling unit of the whole rice stratum (≈ 4,000 / 90 ≈ 45).
  EXPECT_LE(rice0_half_width, 1.2 * mapped[0]);
  EXPECT_GT(rice0_half_width, 0.0);
}
