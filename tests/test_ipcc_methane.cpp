// IPCC 2019 Refinement Vol. 4 Ch. 5.5 arithmetic, reproduced by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/ipcc_methane.hpp"

using namespace paddymrv::kernels;

TEST(IpccMethane, HandComputedExample) {
  // 1 ha, EF_c 1.22 (Table 5.11, SE Asia), 102 days (Table 5.11A),
  // multiple drainage SF_w 0.55 (Table 5.12), SF_p 1.00, compost 5 t/ha with
  // CFOA 0.17 (Table 5.14):
  //   SF_o = (1 + 5 × 0.17)^0.59 = 1.85^0.59 = exp(0.59 × ln 1.85)
  //        = exp(0.59 × 0.6151856) = exp(0.3629595) = 1.4375777
  //   EF   = 1.22 × 0.55 × 1.00 × 1.4375777 = 0.9646146 kg CH4/ha/d
  //   CH4  = 0.9646146 × 102 d × 1 ha = 98.39069 kg = 0.0983907 t
  MethaneFactors f;
  f.amendments.push_back({5.0, {0.17, 0.17, 0.17}});
  EXPECT_NEAR(scaling_factor_organic(f.amendments), 1.4375777, 1e-6);
  EXPECT_NEAR(emission_factor(f, 2), 0.9646146, 1e-6);
  EXPECT_NEAR(ch4_tonnes(emission_factor(f, 2), 102, 1), 0.0983907, 1e-6);
  // The same hectare continuously flooded: 1.22 × 1.4375777 × 102 / 1000.
  EXPECT_NEAR(ch4_tonnes(emission_factor(f, 0), 102, 1), 1.22 * 1.4375777 * 0.102, 1e-6);
}

TEST(IpccMethane, BaselineProjectAndUndeterminedCountsAsFlooded) {
  MethaneFactors f;  // no amendments: SF_o = 1
  // ha·days: 10 ha CF, 5 ha single, 20 ha multiple, 2 ha undetermined, 100 days each.
  const RegimeHaDays hd{1000, 500, 2000, 200};
  const auto e = estimate_methane(f, hd);
  EXPECT_NEAR(e.baseline_t, 1.22 * 3700 * 1e-3, 1e-9);
  EXPECT_NEAR(e.project_t, 1.22 * (1200 * 1.00 + 500 * 0.71 + 2000 * 0.55) * 1e-3, 1e-9);
  EXPECT_NEAR(e.reduction_t(), 1.22 * (500 * 0.29 + 2000 * 0.45) * 1e-3, 1e-9);
}

TEST(IpccMethane, MonteCarloIsDeterministicAndCoversTheAnalyticInterval) {
  // Only EF_c uncertain, symmetric ±0.39 as a 95 % range: the reduction is
  // linear in EF_c, so its interval is the point value × (1 ± 0.39/1.22).
  MethaneFactors f;
  f.ef_c = {1.22, 0.83, 1.61};
  for (auto& s : f.sf_w) s.low = s.high = s.value;
  const std::vector<RegimeHaDays> communes{{1000, 500, 2000, 0}, {0, 0, 100, 0}};
  const std::vector<MethaneFactors> factors{f, f};
  const auto a = reduction_interval(factors, communes, {20000, 7});
  const auto b = reduction_interval(factors, communes, {20000, 7});
  EXPECT_EQ(a.commune, b.commune);  // same seed, same interval, bit for bit
  EXPECT_EQ(a.total, b.total);
  EXPECT_NE(reduction_interval(factors, communes, {20000, 8}).commune[0], a.commune[0]);
  double sum = 0;
  for (std::size_t c = 0; c < communes.size(); ++c) {
    const double point = estimate_methane(f, communes[c]).reduction_t();
    sum += point;
    EXPECT_NEAR(a.commune[c][0], point * (1 - 0.39 / 1.22), 0.02 * point);
    EXPECT_NEAR(a.commune[c][1], point * (1 + 0.39 / 1.22), 0.02 * point);
  }
  // One shared draw: the province total moves with EF_c like each commune,
  // so its interval is the sum's point value × the same factors (the
  // commune intervals add up here because every commune scales alike).
  EXPECT_NEAR(a.total[0], sum * (1 - 0.39 / 1.22), 0.02 * sum);
  EXPECT_NEAR(a.total[1], sum * (1 + 0.39 / 1.22), 0.02 * sum);
}

TEST(IpccMethane, CfoaRangeGivesTheIntervalOfItsMonotoneTransform) {
  // Only CFOA uncertain (compost 0.17, range 0.09–0.29, 6 t/ha): the reduction
  // is ∝ SF_o = (1 + 6·CFOA)^0.59, increasing in CFOA, so its 2.5 % and
  // 97.5 % quantiles sit where CFOA is at its range's ends, asymmetry and all.
  MethaneFactors f;
  f.ef_c.low = f.ef_c.high = f.ef_c.value;
  for (auto& s : f.sf_w) s.low = s.high = s.value;
  f.amendments = {{6.0, {0.17, 0.09, 0.29}}};
  const std::vector<RegimeHaDays> communes{{1000, 500, 2000, 0}};
  const std::vector<MethaneFactors> factors{f};
  const auto mc = reduction_interval(factors, communes, {20000, 11});
  const double point = estimate_methane(f, communes[0]).reduction_t();
  const double lo = point * std::pow((1 + 6 * 0.09) / (1 + 6 * 0.17), 0.59);
  const double hi = point * std::pow((1 + 6 * 0.29) / (1 + 6 * 0.17), 0.59);
  EXPECT_NEAR(mc.commune[0][0], lo, 0.01 * point);
  EXPECT_NEAR(mc.commune[0][1], hi, 0.01 * point);
  // Without a range the CFOA is exact and the interval collapses.
  f.amendments[0].cfoa = {0.17, 0.17, 0.17};
  const std::vector<MethaneFactors> exact{f};
  const auto none = reduction_interval(exact, communes, {2000, 11});
  EXPECT_NEAR(none.commune[0][0], point, 1e-9 * point);
  EXPECT_NEAR(none.commune[0][1], point, 1e-9 * point);
}

TEST(IpccMethane, CommuneAmendmentsScaleItsFigures) {
  // Straw incorporated < 30 days before cultivation, 6 t/ha (CFOA 1.00):
  // SF_o = 7^0.59 = 3.1508; the commune's baseline and reduction scale by it.
  MethaneFactors plain, straw;
  straw.amendments.push_back({6.0, {1.0, 1.0, 1.0}});
  const RegimeHaDays hd{0, 0, 1000, 0};
  const double k = std::pow(7.0, 0.59);
  EXPECT_NEAR(estimate_methane(straw, hd).baseline_t, k * estimate_methane(plain, hd).baseline_t, 1e-9);
  for (auto* f : {&plain, &straw}) {
    f->ef_c = {1.22, 0.83, 1.61};
    for (auto& s : f->sf_w) s.low = s.high = s.value;
  }
  const std::vector<MethaneFactors> factors{plain, straw};
  const std::vector<RegimeHaDays> communes{hd, hd};
  const auto ci = reduction_interval(factors, communes, {5000, 3}).commune;
  // One shared draw of EF_c: the two intervals differ exactly by SF_o.
  EXPECT_NEAR(ci[1][0], k * ci[0][0], 1e-9 * k * ci[0][0] + 1e-12);
  EXPECT_NEAR(ci[1][1], k * ci[0][1], 1e-9 * k * ci[0][1] + 1e-12);
}

TEST(IpccMethane, AreaUncertaintyWidensTheIntervalAsAnalyticallyExpected) {
  // Factors exact, rice area with a 10 % relative standard error: the
  // reduction is point × N(1, 0.10), so its 95 % interval is point × (1 ± 1.96 × 0.10).
  MethaneFactors f;
  f.ef_c.low = f.ef_c.high = f.ef_c.value;
  for (auto& s : f.sf_w) s.low = s.high = s.value;
  const std::vector<RegimeHaDays> communes{{1000, 500, 2000, 0}};
  const std::vector<MethaneFactors> factors{f};
  const double point = estimate_methane(f, communes[0]).reduction_t();
  const auto exact = reduction_interval(factors, communes, {20000, 11, 0.0});
  EXPECT_DOUBLE_EQ(exact.commune[0][0], point);  // nothing uncertain: a point
  EXPECT_DOUBLE_EQ(exact.commune[0][1], point);
  const auto ci = reduction_interval(factors, communes, {20000, 11, 0.10});
  EXPECT_NEAR(ci.commune[0][0], point * (1 - 1.96 * 0.10), 0.01 * point);
  EXPECT_NEAR(ci.commune[0][1], point * (1 + 1.96 * 0.10), 0.01 * point);
  EXPECT_EQ(ci.total, ci.commune[0]);  // one commune: the total is that commune
}

TEST(IpccMethane, ACommuneWithALessCertainRiceAreaGetsItsOwnWidth) {
  // Factors exact; the province's rice area ± 10 % (shared), commune 0's own
  // ± 30 %, commune 1's no more than the province's: commune 0's interval
  // is point × (1 ± 1.96 × 0.30) (√(0.1² + (0.3² − 0.1²)) = 0.30), commune 1's
  // stays point × (1 ± 1.96 × 0.10).
  MethaneFactors f;
  f.ef_c.low = f.ef_c.high = f.ef_c.value;
  for (auto& s : f.sf_w) s.low = s.high = s.value;
  const std::vector<RegimeHaDays> communes{{1000, 500, 2000, 0}, {1000, 500, 2000, 0}};
  const std::vector<MethaneFactors> factors{f, f};
  const double point = estimate_methane(f, communes[0]).reduction_t();
  const auto ci = reduction_interval(factors, communes, {20000, 11, 0.10, {0.30, 0.05}});
  EXPECT_NEAR(ci.commune[0][0], point * (1 - 1.96 * 0.30), 0.02 * point);
  EXPECT_NEAR(ci.commune[0][1], point * (1 + 1.96 * 0.30), 0.02 * point);
  EXPECT_NEAR(ci.commune[1][0], point * (1 - 1.96 * 0.10), 0.01 * point);
  EXPECT_NEAR(ci.commune[1][1], point * (1 + 1.96 * 0.10), 0.01 * point);
  // Without per-commune errors the figures are those of before, bit for bit.
  EXPECT_EQ(reduction_interval(factors, communes, {20000, 11, 0.10, {}}).commune,
            reduction_interval(factors, communes, {20000, 11, 0.10}).commune);
}

TEST(IpccMethane, ProvinceIntervalIsNotTheSumOfCommuneIntervalsWhenFactorsDiffer) {
  // Two communes, one all multiple drainage, one all single: SF_w(multiple)
  // and SF_w(single) are drawn independently, so the province total's
  // interval is narrower than the sum of the commune intervals.
  MethaneFactors f;
  f.ef_c.low = f.ef_c.high = f.ef_c.value;
  f.sf_w[0].low = f.sf_w[0].high = f.sf_w[0].value;  // the shared CF baseline exact
  const std::vector<RegimeHaDays> communes{{0, 0, 1000, 0}, {0, 1000, 0, 0}};
  const std::vector<MethaneFactors> factors{f, f};
  const auto ci = reduction_interval(factors, communes, {20000, 5});
  const double width_sum = (ci.commune[0][1] - ci.commune[0][0]) + (ci.commune[1][1] - ci.commune[1][0]);
  EXPECT_LT(ci.total[1] - ci.total[0], 0.9 * width_sum);
  const double point = estimate_methane(f, communes[0]).reduction_t() + estimate_methane(f, communes[1]).reduction_t();
  EXPECT_LT(ci.total[0], point);
  EXPECT_GT(ci.total[1], point);
}
