// The O(n) unimodal fit against its definition (every peak tried with two
// isotonic fits, the first peak with the smallest error summed over dates
// wins: the O(n²) routine it replaced, kept here as the oracle), bit for
// bit, on seeded random series — including exact ties, repeated values,
// zero weights and large offsets, where the running errors of the fast
// routine and the direct sums round differently. Bit-identity matters: the
// fit decides which dates count as flooded, and results must not move when
// the kernel gets faster.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/flood_cycle.hpp"
#include "kernels/series_stats.hpp"
#include "tests/series_stats_reference.hpp"

using namespace paddymrv::kernels;
using paddymrv::reference::reference_isotonic;
using paddymrv::reference::reference_unimodal;

namespace {

// Bitwise, so that −0.0 against 0.0 or a last-bit difference both show.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
  return true;
}

struct Case {
  std::vector<double> y, w;
};

// Families of series, each stressing something the fast routine could get
// wrong: the detector's own input shape, many equal values and integer
// weights (exact ties between different fits), zero weights, continuous
// random weights, and a large offset (cancellation in Σwy² − (Σwy)²/Σw).
Case random_case(std::mt19937& rng, int family) {
  std::uniform_int_distribution<int> len(0, 45), small(-3, 3), wpick(0, 3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  Case c;
  const int n = family == 0 ? 3 + len(rng) % 40 : len(rng);
  const double peak = 0.3 + 0.6 * u(rng);
  for (int i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / std::max(1, n);
    switch (family) {
      case 0:  // flooded VH envelope input: rise, plateau or fall, drained dates down-weighted
        c.y.push_back(-23.0 + 9.0 * std::min(t / peak, 1.0) - (t > peak ? 3.0 * (t - peak) : 0.0) + noise(rng));
        c.w.push_back(u(rng) < 0.15 ? 0.05 : 1.0);
        break;
      case 1:  // few distinct values, integer weights including zero
        c.y.push_back(small(rng));
        c.w.push_back(static_cast<double>(wpick(rng)));
        break;
      case 2:  // few distinct values, unit weights: many exactly tied peaks
        c.y.push_back(small(rng) * 0.5);
        c.w.push_back(1.0);
        break;
      case 3:  // continuous values and weights, some zero
        c.y.push_back(noise(rng) * 5.0);
        c.w.push_back(u(rng) < 0.1 ? 0.0 : u(rng) * 3.0);
        break;
      default:  // large offset, small signal
        c.y.push_back(1e5 + std::sin(7.0 * t + peak) + 1e-3 * noise(rng));
        c.w.push_back(u(rng) < 0.2 ? 0.05 : 1.0);
        break;
    }
  }
  return c;
}

}  // namespace

TEST(SeriesStats, IsotonicMatchesReferenceBitForBit) {
  std::mt19937 rng(20261129);
  FitScratch scratch;
  for (int k = 0; k < 2000; ++k) {
    const Case c = random_case(rng, k % 5);
    std::vector<double> fit(c.y.size());
    isotonic_increasing(c.y, c.w, fit, scratch);
    ASSERT_TRUE(same_bits(fit, reference_isotonic(c.y, c.w))) << "case " << k;
    ASSERT_TRUE(same_bits(isotonic_increasing(c.y, c.w), fit)) << "case " << k;
  }
}

TEST(SeriesStats, UnimodalFitMatchesReferenceBitForBit) {
  std::mt19937 rng(6);
  FitScratch scratch;  // shared by every case: no state may leak between calls
  int nonempty = 0;
  for (int k = 0; k < 5000; ++k) {
    const Case c = random_case(rng, k % 5);
    const auto want = reference_unimodal(c.y, c.w);
    std::vector<double> fit(c.y.size());
    ASSERT_TRUE(unimodal_fit(c.y, c.w, fit, scratch)) << "case " << k;
    ASSERT_TRUE(same_bits(fit, want)) << "case " << k << " family " << k % 5 << " n " << c.y.size();
    ASSERT_TRUE(same_bits(unimodal_fit(c.y, c.w), want)) << "case " << k;
    nonempty += !want.empty();
  }
  EXPECT_GT(nonempty, 4500);
}

TEST(SeriesStats, UnimodalFitTiesTakeTheFirstPeak) {
  // Peaks 0 and 2 both fit {1, 0, 1} with error 0.5 but with different
  // fits; the definition keeps the first.
  const std::vector<double> y{1, 0, 1}, w{1, 1, 1};
  const auto fit = unimodal_fit(y, w);
  EXPECT_TRUE(same_bits(fit, {1.0, 0.5, 0.5}));
  EXPECT_TRUE(same_bits(fit, reference_unimodal(y, w)));
}

TEST(SeriesStats, UnimodalFitDegenerateSeries) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases{
      {{}, {}},
      {{-20}, {1}},
      {{-20, -21}, {1, 1}},
      {{3, 3, 3, 3, 3}, {1, 1, 1, 1, 1}},  // every peak fits exactly
      {{1, 2, 3, 2, 1}, {0, 0, 0, 0, 0}},  // no weight at all
      {{5, -1, 4, 0}, {0, 1, 0, 1}},
  };
  for (const auto& [y, w] : cases) EXPECT_TRUE(same_bits(unimodal_fit(y, w), reference_unimodal(y, w))) << y.size();
}

TEST(SeriesStats, UnimodalFitWithoutFiniteErrorIsEmptyLikeTheDefinition) {
  const std::vector<double> y{1, INFINITY, 2}, w{1, 1, 1};
  EXPECT_TRUE(reference_unimodal(y, w).empty());
  EXPECT_TRUE(unimodal_fit(y, w).empty());
}

TEST(SeriesStats, RobustSigmaInPlaceMatchesByValue) {
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 2.0);
  for (int n = 0; n < 40; ++n) {
    std::vector<double> r(n);
    for (double& v : r) v = noise(rng);
    const double by_value = robust_sigma(r);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(robust_sigma_in_place(r)), std::bit_cast<std::uint64_t>(by_value));
  }
}

TEST(SeriesStats, FloodCycleScratchCarriesNothingBetweenPixels) {
  // One scratch through a mix of series of varying length against a fresh
  // scratch for each: the scratch is working memory only.
  std::mt19937 rng(17);
  std::gamma_distribution<float> speckle(20.0f, 1.0f / 20.0f);
  std::uniform_int_distribution<int> dates(4, 40), kind(0, 3);
  FloodCycleScratch shared;
  for (int px = 0; px < 500; ++px) {
    const int n = dates(rng), k = kind(rng);
    std::vector<int> day;
    std::vector<float> vv, vh;
    for (int d = 0; d < n; ++d) {
      const double t = static_cast<double>(d) / n;
      double vh_db = k == 0 ? -18.0 + 4.0 * t : (t < 0.1 ? -17.0 : -23.0 + 9.0 * std::min(1.0, t / 0.6));
      if (k == 2 && d == n / 3) vh_db += 5.0;
      day.push_back(6 * d);
      vh.push_back(static_cast<float>(std::pow(10.0, vh_db / 10.0)) * speckle(rng));
      vv.push_back(k == 3 && d % 5 == 2 ? NAN : static_cast<float>(std::pow(10.0, (vh_db + 6.0) / 10.0)) * speckle(rng));
    }
    const BackscatterSeries s{day, vv, vh, 20.0};
    FloodCycleScratch fresh;
    const FloodCycle a = detect_flood_cycle(s, {}, shared), b = detect_flood_cycle(s, {}, fresh);
    const FloodCycle c = detect_flood_cycle(s);
    for (const FloodCycle* r : {&b, &c}) {
      ASSERT_EQ(a.regime, r->regime) << px;
      ASSERT_EQ(a.reason, r->reason) << px;
      ASSERT_EQ(a.confidence, r->confidence) << px;
      ASSERT_EQ(a.onset_day, r->onset_day) << px;
      ASSERT_EQ(a.end_flooding_day, r->end_flooding_day) << px;
      ASSERT_EQ(a.harvest_day, r->harvest_day) << px;
      ASSERT_EQ(a.events.size(), r->events.size()) << px;
      ASSERT_EQ(a.weak_candidates, r->weak_candidates) << px;
      ASSERT_EQ(a.max_gap_days, r->max_gap_days) << px;
      ASSERT_EQ(a.visible_until_day, r->visible_until_day) << px;
      ASSERT_EQ(std::bit_cast<std::uint64_t>(a.canopy_rise_db), std::bit_cast<std::uint64_t>(r->canopy_rise_db)) << px;
    }
  }
}
