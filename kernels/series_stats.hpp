#pragma once
// Small statistics for backscatter time series: the speckle noise of a
// multilook intensity in decibels, weighted isotonic regression, robust
// spread.
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

// Non-decreasing least-squares fit of y with weights w (pool-adjacent-
// violators; Barlow et al. 1972). Returns the fitted values.
std::vector<double> isotonic_increasing(std::span<const double> y, std::span<const double> w);

// Unimodal least-squares fit (non-decreasing up to a peak, non-increasing
// after it; Frisén 1986), the peak chosen to minimise the weighted error.
// O(n²): for season series of a few dozen dates.
std::vector<double> unimodal_fit(std::span<const double> y, std::span<const double> w);

// Median absolute deviation × 1.4826 (a robust σ for Gaussian data).
double robust_sigma(std::vector<double> residuals);

}  // namespace paddymrv::kernels
