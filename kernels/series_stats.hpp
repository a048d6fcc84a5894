#pragma once
// Small statistics for backscatter time series: the speckle noise of a
// multilook intensity in decibels, weighted isotonic and unimodal
// regression, robust spread.
#include <cstddef>
#include <span>
#include <vector>

namespace paddymrv::kernels {

// Trigamma function ψ1(x), x > 0 (recurrence to x ≥ 6, then the asymptotic
// series; Abramowitz & Stegun 6.4.12), accurate to ~1e-10.
double trigamma(double x);

// Standard deviation, in dB, of 10·log10 of an L-look gamma intensity:
// 10/ln 10 · sqrt(ψ1(L)) (e.g. Oliver & Quegan 1998, "Understanding SAR
// Images", §4.3). L = 4.4 → 2.3 dB; L = 100 → 0.44 dB.
double speckle_db_sigma(double looks);

// Working memory of the fits below. The detector fits a few series per
// pixel; keeping one of these per thread means the pixel loop allocates only
// when a series is longer than any before (vectors keep their capacity).
// Its contents mean nothing between calls.
struct FitScratch {
  struct Pool {
    double sum_wy, sum_w, sum_wyy;
    std::size_t count;
    double cum_sse;  // fit error of this pool and every pool before it
  };
  std::vector<Pool> pools;
  std::vector<double> up_err, up_last, down_err, down_first, candidate_err, trial;
};

// Non-decreasing least-squares fit of y with weights w ≥ 0 (pool-adjacent-
// violators; Barlow et al. 1972), written to `fit` (same size as y).
void isotonic_increasing(std::span<const double> y, std::span<const double> w, std::span<double> fit,
                         FitScratch& scratch);
std::vector<double> isotonic_increasing(std::span<const double> y, std::span<const double> w);

// Unimodal least-squares fit (non-decreasing up to a peak, non-increasing
// after it; Frisén 1986), the peak chosen to minimise the weighted error
// (the first such peak on ties), written to `fit` (same size as y); weights
// ≥ 0. Returns false, leaving `fit` unspecified, when no peak has a finite
// error (non-finite data).
//
// O(n) in the usual case: one pool-adjacent-violators pass forwards and one
// backwards give every prefix's and suffix's error and end value, so every
// admissible peak is scored at once. Those running errors are rounded
// differently from the error of a built fit, so the peaks they cannot tell
// apart (within a bound on that rounding) are rebuilt and scored as the
// direct sum over dates, in order: the result is the same, bit for bit, as
// trying every peak with two isotonic fits (the O(n²) definition kept as the
// oracle of tests/test_series_stats.cpp and benchmarks/bench_unimodal_fit.cpp).
bool unimodal_fit(std::span<const double> y, std::span<const double> w, std::span<double> fit, FitScratch& scratch);
// Empty when no peak has a finite error.
std::vector<double> unimodal_fit(std::span<const double> y, std::span<const double> w);

// Median absolute deviation × 1.4826 (a robust σ for Gaussian data).
// The in-place form reorders and overwrites `residuals`.
double robust_sigma_in_place(std::span<double> residuals);
double robust_sigma(std::vector<double> residuals);

}  // namespace paddymrv::kernels
