#pragma once
// Methane from rice cultivation, IPCC 2019 Refinement to the 2006
// Guidelines, Vol. 4 Ch. 5.5:
//   Eq. 5.1  CH4 = Σ EF_i · t_i · A_i · 10⁻⁶      (Gg; EF kg CH4 ha⁻¹ d⁻¹,
//                                                  t days, A ha harvested)
//   Eq. 5.2  EF_i = EF_c · SF_w · SF_p · SF_o      (Tier 1; Tier 2 adds
//                                                  soil/cultivar factors)
//   Eq. 5.3  SF_o = (1 + Σ ROA_i · CFOA_i)^0.59   (ROA t ha⁻¹, fresh weight
//                                                  for straw, dry otherwise)
// Here in tonnes (× 10⁻³ instead of 10⁻⁶). Baseline = all rice continuously
// flooded; project = the detected water regimes, undetermined counted as
// continuously flooded (conservative, Verra VM0051).
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace paddymrv::kernels {

// A factor with its 95 % range, as the IPCC tables give them.
struct Factor {
  double value = 1, low = 1, high = 1;
};

struct Amendment {
  double rate_t_per_ha = 0;  // ROA
  Factor cfoa;               // conversion factor of the amendment type (Table 5.14)
};

struct MethaneFactors {
  Factor ef_c{1.22, 0.83, 1.81};  // Table 5.11, South-East Asia
  // SF_w by regime: continuously flooded, single drainage, multiple drainage (Table 5.12).
  std::array<Factor, 3> sf_w{{{1.00, 0.73, 1.27}, {0.71, 0.53, 0.94}, {0.55, 0.41, 0.72}}};
  Factor sf_p{1.00, 1.00, 1.00};  // Table 5.13, non-flooded < 180 d before cultivation (range: config)
  std::vector<Amendment> amendments;
};

// Eq. 5.3.
double scaling_factor_organic(std::span<const Amendment> amendments);
// Eq. 5.2 for regime index 0 (CF), 1 (single), 2 (multiple).
double emission_factor(const MethaneFactors& f, int regime_index);
// Eq. 5.1 for one stratum, in tonnes CH4.
inline double ch4_tonnes(double ef_kg_per_ha_day, double days, double area_ha) {
  return ef_kg_per_ha_day * days * area_ha * 1e-3;
}

// A commune's rice, by regime: Σ over its pixels of cultivation days × pixel
// area (ha·days), index 0 CF, 1 single, 2 multiple, 3 undetermined.
using RegimeHaDays = std::array<double, 4>;

struct MethaneEstimate {
  double baseline_t = 0, project_t = 0;
  double reduction_t() const { return baseline_t - project_t; }
};
MethaneEstimate estimate_methane(const MethaneFactors& f, const RegimeHaDays& ha_days);

// Seeded Monte Carlo over the factor ranges (each factor two-piece normal:
// its range read as a 95 % interval on each side of the value, truncated at
// 0) and over the rice area. One draw of the factors is shared by all
// communes — the factors are systematic, not independent per commune: each
// sample draws one standard normal per factor and applies it to every
// commune's own factors (which differ where a commune overrides its
// amendments or its EF_c). The rice area is scaled by one shared draw of
// N(1, area_rel_sd) — the relative standard error of the classifier's
// error-adjusted rice area (Olofsson et al. 2014) — since a biased map biases
// every commune the same way. A commune whose own rice area is less certain
// than the province's (commune_area_rel_sd, from the validation pixels
// inside it) adds an independent draw for the rest of its variance,
// N(0, √(sd_c² − area_rel_sd²)): its own sample's luck, not shared. Treating
// those parts as independent slightly widens the province interval
// (conservative). Deterministic for a seed.
struct MonteCarloSettings {
  int samples = 2000;
  std::uint64_t seed = 1;
  double area_rel_sd = 0;                   // 0 = rice area taken as exact
  std::vector<double> commune_area_rel_sd{};  // empty = the shared draw alone
};

struct ReductionInterval {
  std::vector<std::array<double, 2>> commune;  // 2.5 % and 97.5 % quantiles of each commune's reduction, t CH4
  std::array<double, 2> total{};               // of the sum over communes (same draws)
};

ReductionInterval reduction_interval(std::span<const MethaneFactors> factors, std::span<const RegimeHaDays> communes,
                                     const MonteCarloSettings& mc);

}  // namespace paddymrv::kernels
